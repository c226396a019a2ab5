/**
 * The one error an MPEG-7 document is refused with: what is wrong (a stable code), and where
 * (file, line, column, element path), so whoever wrote the document can go straight to it.
 * Messages quote input only through `quote`/`elide`, so a hostile document cannot make them long.
 */
import { elide, MAX_MESSAGE_CHARS } from '@smart-fleet/model';

export type Mpeg7ErrorCode =
  /** The document is over the byte limit. */
  | 'too-large'
  /** Not UTF-8, or declares another encoding. */
  | 'encoding'
  /** A DOCTYPE: refused outright, so no entity is ever declared, expanded or fetched. */
  | 'doctype'
  /** Not well-formed XML (saxes' own words), undefined entities included. */
  | 'not-well-formed'
  | 'wrong-root'
  | 'too-deep'
  | 'too-many-elements'
  | 'too-many-attributes'
  /** A text or attribute value over its limit. */
  | 'overlong'
  /** A required element or attribute is absent. */
  | 'missing'
  /** An element we hold once appears more than once. */
  | 'duplicate'
  /** A value outside what we know (a codec, an xsi:type, a number that is not one). */
  | 'unknown-value'
  /** The values read break the fleet model's rules for a ContentTitle. */
  | 'invalid'
  /** A spec holds text XML 1.0 cannot carry (control characters). */
  | 'unwritable';

/** Where in a document: 1-based line and column, and the element path from the root. */
export interface Mpeg7Location {
  file: string;
  line: number;
  column: number;
  /** e.g. `Mpeg7/Description/MultimediaContent/Video/MediaInformation/MediaProfile[2]`. */
  path: string;
}

export class Mpeg7Error extends Error {
  override readonly name = 'Mpeg7Error';
  readonly code: Mpeg7ErrorCode;
  readonly location: Mpeg7Location;

  constructor(code: Mpeg7ErrorCode, detail: string, location: Mpeg7Location) {
    const where = `${location.file}:${location.line}:${location.column}`;
    super(elide(`${where}: ${location.path || '(document)'}: ${detail}`, MAX_MESSAGE_CHARS * 2));
    this.code = code;
    this.location = location;
  }
}
