/**
 * The MPEG-7 names the reader and the writer share, written once: the schema's namespace, the
 * classification-scheme terms we write, how our codecs are named there, the units, the limits.
 */
import type { CODECS, ContentTitleSpec } from '@smart-fleet/model';
import type { XmlLimits } from './bounded-xml.ts';

export type Mpeg7Description = ContentTitleSpec['mpeg7'];
export type Rendition = ContentTitleSpec['renditions'][number];

/** A rendition's picture size: MPEG-7 records it, a ContentTitle's rendition does not. */
export interface FrameSize {
  width: number;
  height: number;
}

/** What an MPEG-7 document says of a title: the parts of a ContentTitle spec, and frame sizes. */
export interface Mpeg7Title {
  mpeg7: Mpeg7Description;
  renditions: Rendition[];
  /** By rendition name; only for renditions whose MediaFormat has a Frame. */
  frames: Record<string, FrameSize>;
}

export const MPEG7_NAMESPACE = 'urn:mpeg:mpeg7:schema:2004';
/** Beside each packaged title, and what `npm run mpeg7 -- import` reads. */
export const MPEG7_FILE = 'mpeg7.xml';

export type Codec = (typeof CODECS)[number];

/**
 * VisualCodingFormatCS (2001) has terms for MPEG-1, MPEG-2 and MPEG-4 Visual; it predates
 * H.264, which is then named by its Format/Name alone (as MediaInfo's MPEG-7 export does).
 */
const VISUAL_CODING_CS = 'urn:mpeg:mpeg7:cs:VisualCodingFormatCS:2001';
export const CODEC_TERMS: Record<Codec, { href?: string; name: string }> = {
  'MPEG-1': { href: `${VISUAL_CODING_CS}:1`, name: 'MPEG-1 Video' },
  'MPEG-2': { href: `${VISUAL_CODING_CS}:2`, name: 'MPEG-2 Video' },
  'MPEG-4': { href: `${VISUAL_CODING_CS}:3`, name: 'MPEG-4 Visual' },
  'H.264': { name: 'H.264' },
};

/** Names other writers use for the same codecs (matched case-insensitively). */
const CODEC_ALIASES = new Map<string, Codec>([
  ['mpeg-1', 'MPEG-1'],
  ['mpeg-1 video', 'MPEG-1'],
  ['mpeg-2', 'MPEG-2'],
  ['mpeg-2 video', 'MPEG-2'],
  ['mpeg-4', 'MPEG-4'],
  ['mpeg-4 visual', 'MPEG-4'],
  ['mpeg-4 part 2', 'MPEG-4'],
  ['h.264', 'H.264'],
  ['h.264/avc', 'H.264'],
  ['avc', 'H.264'],
  ['mpeg-4 avc', 'H.264'],
]);

/** The codec a Format's Name or href stands for, or undefined when it is none of ours. */
export function codecNamed(name: string | undefined, href: string | undefined): Codec | undefined {
  const byName = name === undefined ? undefined : CODEC_ALIASES.get(name.trim().toLowerCase());
  if (byName) {
    return byName;
  }
  return (Object.keys(CODEC_TERMS) as Codec[]).find(
    (c) => href !== undefined && CODEC_TERMS[c].href === href,
  );
}

/** RoleCS names its terms by the role in capitals (DIRECTOR, PRODUCER, EXECUTIVE-PRODUCER). */
export const ROLE_CS = 'urn:mpeg:mpeg7:cs:RoleCS:2001';
/**
 * GenreCS numbers its terms, and our genres are free words; they are written as terms of the
 * project's own scheme, with the word itself in Name (which the reader goes by).
 */
export const GENRE_CS = 'urn:smartfleet.io:cs:GenreCS:2026';

/** ContentCS term for video content, as MediaFormat's Content says. */
export const CONTENT_VIDEO = { href: 'urn:mpeg:mpeg7:cs:ContentCS:2001:4.2', name: 'Video' };

/** FileSize is in bytes; a ContentTitle counts decimal megabytes. */
export const BYTES_PER_MB = 1_000_000;
/** BitRate is in bits per second; a rendition counts megabits. */
export const BITS_PER_MBIT = 1_000_000;

/**
 * Enough for any title we describe (sixteen renditions, 32 creators, a 4 KiB synopsis) many
 * times over, and far below what would cost the reader anything.
 */
export const MPEG7_LIMITS: XmlLimits = {
  maxBytes: 1024 * 1024,
  maxDepth: 32,
  maxElements: 4096,
  maxAttributes: 32,
  maxAttributeChars: 1024,
  maxTextChars: 8192,
};

/** A term (upper-case, hyphenated) for a free word, as an href's last part. */
export function termFor(word: string): string {
  return (
    word
      .trim()
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-|-$/g, '') || 'UNNAMED'
  );
}
