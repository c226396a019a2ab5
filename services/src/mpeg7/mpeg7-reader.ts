/**
 * `readMpeg7(xml, file)`: an MPEG-7 document (the descriptive subset in mpeg7-writer.ts) into
 * the parts of a ContentTitle spec, checked by the fleet model's own validation, or a typed
 * Mpeg7Error naming line, column and element. What it reads:
 *   Mpeg7 > Description[xsi:type=ContentEntityType] > MultimediaContent[xsi:type=VideoType] > Video
 *     CreationInformation > Creation > Title (the main one), Abstract/FreeTextAnnotation,
 *                                      Creator* (Role, Agent/Name)
 *     CreationInformation > Classification > Genre+, Language
 *     MediaTime > MediaDuration
 *     MediaInformation > MediaProfile+ > MediaFormat (BitRate, FileSize, VisualCoding/Format,
 *                                        VisualCoding/Frame), MediaInstance/InstanceIdentifier
 * (AudioVisualType/AudioVisual is read the same way.) Elements outside this subset, and those of
 * other vocabularies, are passed over: MPEG-7 is large and a real document carries more.
 */
import { contentTitleKind, formatProblems, validateSpec } from '@smart-fleet/model';
import { parseBoundedXml, type XmlElement } from './bounded-xml.ts';
import { DocumentWalker } from './document-walker.ts';
import { parseMediaDuration } from './media-duration.ts';
import {
  BITS_PER_MBIT,
  BYTES_PER_MB,
  codecNamed,
  type FrameSize,
  MPEG7_LIMITS,
  MPEG7_NAMESPACE,
  type Mpeg7Description,
  type Mpeg7Title,
  type Rendition,
} from './mpeg7-vocabulary.ts';

/** The content types a title's description may have, and the element each holds. */
const SEGMENT_TYPES = new Map([
  ['VideoType', 'Video'],
  ['AudioVisualType', 'AudioVisual'],
]);

function checkRoot(w: DocumentWalker, root: XmlElement): void {
  if (root.local !== 'Mpeg7' || root.uri !== MPEG7_NAMESPACE) {
    const name = root.uri ? `{${root.uri}}${root.local}` : root.local;
    w.fail(root, 'wrong-root', `the root element is ${name.slice(0, 128)}, not Mpeg7 in ${MPEG7_NAMESPACE}`);
  }
}

/** The one Description of the title itself (others, such as DescriptionMetadata, are passed over). */
function contentEntity(w: DocumentWalker, root: XmlElement): XmlElement {
  const entities = w.all(root, 'Description').filter((d) => d.xsiType?.local === 'ContentEntityType');
  const [first, second] = entities;
  if (second) {
    w.fail(second, 'duplicate', 'a second ContentEntityType Description: one title per document');
  }
  if (!first) {
    w.fail(root, 'missing', 'Mpeg7 has no Description of xsi:type ContentEntityType');
  }
  return first;
}

/** The Video (or AudioVisual) segment the title's description is about. */
function contentSegment(w: DocumentWalker, root: XmlElement): XmlElement {
  checkRoot(w, root);
  const content = w.one(contentEntity(w, root), 'MultimediaContent');
  const segment =
    content.xsiType?.uri === MPEG7_NAMESPACE ? SEGMENT_TYPES.get(content.xsiType.local) : undefined;
  if (!segment) {
    const types = [...SEGMENT_TYPES.keys()].join(' or ');
    w.fail(content, 'unknown-value', `MultimediaContent must be of xsi:type ${types}`);
  }
  return w.one(content, segment);
}

/** The main title: the one typed `main`, else the first untyped one, else the first. */
function mainTitle(w: DocumentWalker, creation: XmlElement): XmlElement {
  const titles = w.all(creation, 'Title');
  const main =
    titles.find((t) => t.attributes.get('type') === 'main') ?? titles.find((t) => !t.attributes.has('type'));
  const title = main ?? titles[0];
  if (!title) {
    w.fail(creation, 'missing', 'Creation has no Title');
  }
  return title;
}

/** A controlled term's words: its Name, else its href's last part. */
function termWords(w: DocumentWalker, term: XmlElement): string {
  const name = w.optional(term, 'Name');
  if (name) {
    return w.text(name);
  }
  const href = term.attributes.get('href')?.trim() ?? '';
  const last = href.split(':').at(-1) ?? '';
  if (!last) {
    w.fail(term, 'missing', `${term.local} has neither a Name nor an href`);
  }
  return last;
}

function agentName(w: DocumentWalker, agent: XmlElement): { element: XmlElement; name: string } {
  const name = w.one(agent, 'Name');
  if (agent.xsiType?.local === 'PersonType') {
    const parts = name.children.filter((c) => c.local === 'GivenName' || c.local === 'FamilyName');
    const words = parts.map((p) => p.text.trim()).filter(Boolean);
    if (words.length > 0) {
      return { element: name, name: words.join(' ') };
    }
  }
  return { element: name, name: w.text(name) };
}

function creators(w: DocumentWalker, creation: XmlElement): Mpeg7Description['creators'] {
  w.from('spec.mpeg7.creators', creation, null);
  return w.all(creation, 'Creator').map((creator, i) => {
    const at = `spec.mpeg7.creators[${i}]`;
    w.from(at, creator, null);
    const role = w.one(creator, 'Role');
    const agent = agentName(w, w.one(creator, 'Agent'));
    return {
      name: w.from(`${at}.name`, agent.element, agent.name),
      role: w.from(`${at}.role`, role, termWords(w, role)),
    };
  });
}

function classification(w: DocumentWalker, info: XmlElement): Pick<Mpeg7Description, 'genre' | 'language'> {
  const scheme = w.optional(info, 'Classification');
  if (!scheme) {
    w.fail(info, 'missing', 'CreationInformation has no Classification (Genre, Language)');
  }
  w.from('spec.mpeg7.genre', scheme, null);
  const genre = w.all(scheme, 'Genre').map((g, i) => w.from(`spec.mpeg7.genre[${i}]`, g, termWords(w, g)));
  const language = w.one(scheme, 'Language');
  return { genre, language: w.from('spec.mpeg7.language', language, w.text(language)) };
}

function synopsis(w: DocumentWalker, creation: XmlElement): { synopsis?: string } {
  const abstract = w.all(creation, 'Abstract')[0];
  const text = abstract ? w.all(abstract, 'FreeTextAnnotation')[0] : undefined;
  return text ? { synopsis: w.from('spec.mpeg7.synopsis', text, w.text(text)) } : {};
}

function duration(w: DocumentWalker, segment: XmlElement): number {
  const element = w.one(w.one(segment, 'MediaTime'), 'MediaDuration');
  const seconds = parseMediaDuration(w.text(element));
  if (typeof seconds === 'string') {
    w.fail(element, 'unknown-value', `${JSON.stringify(element.text.trim().slice(0, 32))} ${seconds}`);
  }
  return w.from('spec.mpeg7.durationSeconds', element, seconds);
}

function description(w: DocumentWalker, segment: XmlElement): Mpeg7Description {
  const info = w.one(segment, 'CreationInformation');
  const creation = w.one(info, 'Creation');
  const title = mainTitle(w, creation);
  return {
    title: w.from('spec.mpeg7.title', title, w.text(title)),
    ...classification(w, info),
    creators: creators(w, creation),
    durationSeconds: duration(w, segment),
    ...synopsis(w, creation),
  };
}

function frame(w: DocumentWalker, coding: XmlElement): FrameSize | undefined {
  const element = w.optional(coding, 'Frame');
  if (!element) {
    return undefined;
  }
  const size = (name: string) => {
    const pixels = w.integer(element, element.attributes.get(name), `Frame ${name}`, 5);
    return pixels > 0 ? pixels : w.fail(element, 'unknown-value', `Frame ${name} must be at least 1 pixel`);
  };
  return { width: size('width'), height: size('height') };
}

interface Profile {
  rendition: Rendition;
  frame?: FrameSize;
}

function profile(w: DocumentWalker, element: XmlElement, i: number): Profile {
  const at = `spec.renditions[${i}]`;
  w.from(at, element, null);
  const format = w.one(element, 'MediaFormat');
  const instance = w.all(element, 'MediaInstance')[0];
  if (!instance) {
    w.fail(
      element,
      'missing',
      'MediaProfile has no MediaInstance (its InstanceIdentifier names the rendition)',
    );
  }
  const id = w.one(instance, 'InstanceIdentifier');
  const bitRate = w.one(format, 'BitRate');
  const fileSize = w.one(format, 'FileSize');
  const coding = w.one(format, 'VisualCoding');
  const codingFormat = w.one(coding, 'Format');
  const codecName = w.optional(codingFormat, 'Name');
  const codec = codecNamed(codecName && w.text(codecName), codingFormat.attributes.get('href'));
  if (!codec) {
    const said = codecName ? JSON.stringify(codecName.text.trim().slice(0, 64)) : 'no Name';
    w.fail(
      codingFormat,
      'unknown-value',
      `Format ${said} is not a codec renditions use (MPEG-1, MPEG-2, MPEG-4, H.264)`,
    );
  }
  const bits = w.integer(bitRate, bitRate.text, 'BitRate', 12);
  const bytes = w.integer(fileSize, fileSize.text, 'FileSize', 15);
  const rendition: Rendition = {
    name: w.from(`${at}.name`, id, w.text(id)),
    codec: w.from(`${at}.codec`, codingFormat, codec),
    bitrateMbps: w.from(`${at}.bitrateMbps`, bitRate, bits / BITS_PER_MBIT),
    sizeMB: w.from(`${at}.sizeMB`, fileSize, Math.ceil(bytes / BYTES_PER_MB)),
  };
  return { rendition, frame: frame(w, coding) };
}

function media(w: DocumentWalker, segment: XmlElement): Pick<Mpeg7Title, 'renditions' | 'frames'> {
  const info = w.one(segment, 'MediaInformation');
  w.from('spec.renditions', info, null);
  const profiles = w.all(info, 'MediaProfile');
  if (profiles.length === 0) {
    w.fail(info, 'missing', 'MediaInformation has no MediaProfile (one per rendition)');
  }
  const frames: Record<string, FrameSize> = {};
  const names = new Set<string>();
  const renditions = profiles.map((element, i) => {
    const { rendition, frame: size } = profile(w, element, i);
    if (names.has(rendition.name)) {
      w.fail(
        element,
        'duplicate',
        `rendition ${JSON.stringify(rendition.name.slice(0, 63))} is described twice`,
      );
    }
    names.add(rendition.name);
    if (size) {
      frames[rendition.name] = size;
    }
    return rendition;
  });
  return { renditions, frames };
}

/** A placeholder owner: the model validates whole specs, and the document does not name one. */
const OWNER_PLACEHOLDER = 'mpeg7-import';

function validate(w: DocumentWalker, title: Mpeg7Title, segment: XmlElement): void {
  const { mpeg7, renditions } = title;
  const problems = validateSpec(contentTitleKind, { owner: OWNER_PLACEHOLDER, mpeg7, renditions });
  const first = problems[0];
  if (first) {
    const more = problems.length > 1 ? ` (and: ${formatProblems(problems.slice(1, 5))})` : '';
    w.fail(w.sourceOf(first.path, segment), 'invalid', `${first.path}: ${first.message}${more}`);
  }
}

/** Reads an MPEG-7 document (text, or UTF-8 bytes) named `file` in errors; throws Mpeg7Error. */
export function readMpeg7(xml: string | Uint8Array, file: string): Mpeg7Title {
  const w = new DocumentWalker(file);
  const segment = contentSegment(w, parseBoundedXml(xml, file, MPEG7_LIMITS));
  const title: Mpeg7Title = { mpeg7: description(w, segment), ...media(w, segment) };
  validate(w, title, segment);
  return title;
}
