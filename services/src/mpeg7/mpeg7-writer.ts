/**
 * `writeMpeg7(title)`: a title's descriptive metadata and renditions as an MPEG-7 document
 * (urn:mpeg:mpeg7:schema:2004), in the element order the schema's sequences ask for, so other
 * MPEG-7 tools read it; `writeMpeg7File` puts it beside a packaged title as mpeg7.xml. What it
 * writes is exactly what mpeg7-reader.ts reads back (the round trip is tested).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XSI_NAMESPACE } from './bounded-xml.ts';
import { formatMediaDuration } from './media-duration.ts';
import { Mpeg7Error } from './mpeg7-error.ts';
import {
  BITS_PER_MBIT,
  BYTES_PER_MB,
  CODEC_TERMS,
  CONTENT_VIDEO,
  GENRE_CS,
  MPEG7_FILE,
  MPEG7_NAMESPACE,
  type Mpeg7Description,
  type Mpeg7Title,
  type Rendition,
  ROLE_CS,
  termFor,
} from './mpeg7-vocabulary.ts';

/** What is written: the spec's parts, frame sizes where known. */
export type Mpeg7Input = Omit<Mpeg7Title, 'frames'> & { frames?: Mpeg7Title['frames'] };

/** An element: a name, attributes, and either text or children. */
interface Node {
  name: string;
  attributes?: Record<string, string | undefined>;
  text?: string;
  children?: (Node | undefined)[];
}

/** Everything XML 1.0 can carry; anything else (most control characters) cannot be written. */
const XML_CHAR = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

function checked(value: string, specPath: string): string {
  if (!XML_CHAR.test(value)) {
    throw new Mpeg7Error('unwritable', 'holds characters XML 1.0 cannot carry (control characters)', {
      file: '(spec)',
      line: 0,
      column: 0,
      path: specPath,
    });
  }
  return value;
}

// \r is escaped so that it survives the reader's line-end normalisation.
const escapeText = (v: string) =>
  v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
const escapeAttribute = (v: string) =>
  escapeText(v).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');

function render(node: Node, indent: string): string {
  const attributes = Object.entries(node.attributes ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeAttribute(v as string)}"`)
    .join('');
  const children = (node.children ?? []).filter((c): c is Node => c !== undefined);
  if (children.length > 0) {
    const inner = children.map((c) => render(c, `${indent}  `)).join('');
    return `${indent}<${node.name}${attributes}>\n${inner}${indent}</${node.name}>\n`;
  }
  if (node.text !== undefined) {
    return `${indent}<${node.name}${attributes}>${escapeText(node.text)}</${node.name}>\n`;
  }
  return `${indent}<${node.name}${attributes}/>\n`;
}

const leaf = (name: string, text: string, attributes?: Node['attributes']): Node => ({
  name,
  text,
  attributes,
});

function profile(rendition: Rendition, index: number, frames: Mpeg7Input['frames']): Node {
  const term = CODEC_TERMS[rendition.codec];
  const frame = frames?.[rendition.name];
  const at = `spec.renditions[${index}]`;
  return {
    name: 'MediaProfile',
    children: [
      {
        name: 'MediaFormat',
        children: [
          {
            name: 'Content',
            attributes: { href: CONTENT_VIDEO.href },
            children: [leaf('Name', CONTENT_VIDEO.name)],
          },
          leaf('FileSize', String(Math.round(rendition.sizeMB * BYTES_PER_MB))),
          leaf('BitRate', String(Math.round(rendition.bitrateMbps * BITS_PER_MBIT))),
          {
            name: 'VisualCoding',
            children: [
              { name: 'Format', attributes: { href: term.href }, children: [leaf('Name', term.name)] },
              frame && {
                name: 'Frame',
                attributes: { height: String(frame.height), width: String(frame.width) },
              },
            ],
          },
        ],
      },
      {
        name: 'MediaInstance',
        children: [
          leaf('InstanceIdentifier', checked(rendition.name, `${at}.name`)),
          { name: 'MediaLocator', children: [leaf('MediaUri', `${rendition.name}/`)] },
        ],
      },
    ],
  };
}

function creator(c: Mpeg7Description['creators'][number], index: number): Node {
  const at = `spec.mpeg7.creators[${index}]`;
  return {
    name: 'Creator',
    children: [
      {
        name: 'Role',
        attributes: { href: `${ROLE_CS}:${termFor(c.role).toUpperCase()}` },
        children: [leaf('Name', checked(c.role, `${at}.role`))],
      },
      {
        name: 'Agent',
        attributes: { 'xsi:type': 'PersonType' },
        children: [{ name: 'Name', children: [leaf('GivenName', checked(c.name, `${at}.name`))] }],
      },
    ],
  };
}

function creationInformation(d: Mpeg7Description): Node {
  return {
    name: 'CreationInformation',
    children: [
      {
        name: 'Creation',
        children: [
          leaf('Title', checked(d.title, 'spec.mpeg7.title'), { type: 'main' }),
          d.synopsis === undefined
            ? undefined
            : {
                name: 'Abstract',
                children: [leaf('FreeTextAnnotation', checked(d.synopsis, 'spec.mpeg7.synopsis'))],
              },
          ...d.creators.map(creator),
        ],
      },
      {
        name: 'Classification',
        children: [
          ...d.genre.map((g, i) => ({
            name: 'Genre',
            attributes: { href: `${GENRE_CS}:${termFor(g).toLowerCase()}` },
            children: [leaf('Name', checked(g, `spec.mpeg7.genre[${i}]`))],
          })),
          leaf('Language', checked(d.language, 'spec.mpeg7.language')),
        ],
      },
    ],
  };
}

/** The MPEG-7 document for a title. */
export function writeMpeg7(title: Mpeg7Input): string {
  const video: Node = {
    name: 'Video',
    children: [
      { name: 'MediaInformation', children: title.renditions.map((r, i) => profile(r, i, title.frames)) },
      creationInformation(title.mpeg7),
      {
        name: 'MediaTime',
        children: [
          leaf('MediaTimePoint', 'T00:00:00'),
          leaf('MediaDuration', formatMediaDuration(title.mpeg7.durationSeconds)),
        ],
      },
    ],
  };
  const root: Node = {
    name: 'Mpeg7',
    attributes: { xmlns: MPEG7_NAMESPACE, 'xmlns:xsi': XSI_NAMESPACE },
    children: [
      {
        name: 'Description',
        attributes: { 'xsi:type': 'ContentEntityType' },
        children: [{ name: 'MultimediaContent', attributes: { 'xsi:type': 'VideoType' }, children: [video] }],
      },
    ],
  };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${render(root, '')}`;
}

/** Writes mpeg7.xml into a packaged title's directory; returns its path. */
export async function writeMpeg7File(titleDir: string, title: Mpeg7Input): Promise<string> {
  const file = join(titleDir, MPEG7_FILE);
  await writeFile(file, writeMpeg7(title), 'utf8');
  return file;
}
