/**
 * A small, bounded ISO BMFF (MP4) box reader: just what the CENC encryptor needs to find its way
 * through ffmpeg's fragmented MP4 (init and media segments) and read the fields it rewrites.
 * Every read is checked against the enclosing box, every list is capped, and every refusal is an
 * Mp4BoxError naming the box path and byte offset. Nothing is copied: boxes are offsets into the
 * file's buffer.
 */
import { Mp4BoxError, type Mp4BoxProblem } from './mp4-box-error.ts';

/** Caps that no segment ffmpeg writes comes near, and that keep a hostile file cheap to refuse. */
export const BOX_LIMITS = {
  /** Children of one box (or top-level boxes of one file). */
  maxBoxesPerContainer: 1024,
  /** A media segment or init segment file; 20 Mbps x 10 s segments are about 25 MB. */
  maxFileBytes: 256 * 1024 * 1024,
} as const;

/** One MP4 file (or any buffer of boxes) and its name for error messages. */
export interface BoxSource {
  data: Buffer;
  name: string;
}

export interface Box {
  /** The four-character code, non-printable bytes written as \xNN. */
  type: string;
  /** Path from the top of the file, e.g. moof/traf/trun. */
  path: string;
  /** Absolute offset of the box's first byte. */
  offset: number;
  /** 8, 16 with a 64-bit size, plus 16 for a uuid box's extended type. */
  headerSize: number;
  /** Whether the size lives in the 32-bit field or the 64-bit largesize. */
  sizeField: 32 | 64;
  size: number;
  /** offset + size: the first byte after the box. */
  end: number;
}

export interface BoxRange {
  start: number;
  end: number;
  /** The enclosing box; absent for the top level of the file. */
  parent?: Box;
}

function fourcc(data: Buffer, at: number): string {
  let text = '';
  for (const byte of data.subarray(at, at + 4)) {
    text +=
      byte >= 0x20 && byte <= 0x7e ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return text;
}

export function boxError(
  src: BoxSource,
  where: { path: string; offset: number },
  problem: Mp4BoxProblem,
  detail: string,
): Mp4BoxError {
  return new Mp4BoxError({ problem, box: where.path, offset: where.offset, detail, source: src.name });
}

interface Header {
  size: number;
  headerSize: number;
  sizeField: 32 | 64;
}

function readHeader(src: BoxSource, at: number, range: BoxRange, path: string): Header {
  const left = range.end - at;
  const where = { path, offset: at };
  if (left < 8) {
    throw boxError(src, where, 'truncated', `a box header needs 8 bytes, ${left} left`);
  }
  const small = src.data.readUInt32BE(at);
  if (small === 0) {
    // Size 0: the box runs to the end of its container (the file, for a last mdat).
    return { size: left, headerSize: 8, sizeField: 32 };
  }
  if (small !== 1) {
    return { size: small, headerSize: 8, sizeField: 32 };
  }
  if (left < 16) {
    throw boxError(src, where, 'truncated', `a 64-bit box size needs 16 header bytes, ${left} left`);
  }
  const large = src.data.readBigUInt64BE(at + 8);
  if (large > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw boxError(src, where, 'bad-size', `64-bit box size ${large} is beyond any file we take`);
  }
  return { size: Number(large), headerSize: 16, sizeField: 64 };
}

function readBox(src: BoxSource, at: number, range: BoxRange): Box {
  const prefix = range.parent ? `${range.parent.path}/` : '';
  const type = range.end - at >= 8 ? fourcc(src.data, at + 4) : '(header)';
  const path = `${prefix}${type}`;
  const header = readHeader(src, at, range, path);
  const headerSize = header.headerSize + (type === 'uuid' ? 16 : 0);
  const where = { path, offset: at };
  if (header.size < headerSize) {
    throw boxError(
      src,
      where,
      'bad-size',
      `box size ${header.size} is smaller than its ${headerSize}-byte header`,
    );
  }
  if (header.size > range.end - at) {
    const container = range.parent ? `its parent ${range.parent.path}` : 'the file';
    throw boxError(
      src,
      where,
      range.parent ? 'bad-size' : 'truncated',
      `box size ${header.size} runs past the end of ${container} at byte ${range.end}`,
    );
  }
  return {
    type,
    path,
    offset: at,
    headerSize,
    sizeField: header.sizeField,
    size: header.size,
    end: at + header.size,
  };
}

/** The boxes laid end to end in [start, end): all of them, or a refusal. */
export function readBoxes(src: BoxSource, range: BoxRange): Box[] {
  const boxes: Box[] = [];
  for (let at = range.start; at < range.end; ) {
    if (boxes.length >= BOX_LIMITS.maxBoxesPerContainer) {
      throw boxError(
        src,
        { path: range.parent?.path ?? '(file)', offset: at },
        'too-many',
        `more than ${BOX_LIMITS.maxBoxesPerContainer} boxes`,
      );
    }
    const box = readBox(src, at, range);
    boxes.push(box);
    at = box.end;
  }
  return boxes;
}

/** The file's top-level boxes, after checking the file's size. */
export function readTopLevel(src: BoxSource): Box[] {
  if (src.data.length > BOX_LIMITS.maxFileBytes) {
    throw boxError(
      src,
      { path: '(file)', offset: 0 },
      'too-many',
      `${src.data.length} bytes is over the ${BOX_LIMITS.maxFileBytes}-byte limit for one segment`,
    );
  }
  return readBoxes(src, { start: 0, end: src.data.length });
}

/** A box's children, `skip` bytes past its header (full-box fields, sample-entry fields). */
export function childBoxes(src: BoxSource, box: Box, skip = 0): Box[] {
  const start = box.offset + box.headerSize + skip;
  if (start > box.end) {
    throw boxError(
      src,
      box,
      'truncated',
      `its fixed fields need ${skip} bytes, the box has ${box.end - box.offset - box.headerSize}`,
    );
  }
  return readBoxes(src, { start, end: box.end, parent: box });
}

/** The one child of a type, or a refusal naming the parent. */
export function requireChild(src: BoxSource, parent: Box, children: readonly Box[], type: string): Box {
  const found = children.find((b) => b.type === type);
  if (!found) {
    throw boxError(src, parent, 'missing', `it has no ${type} box`);
  }
  return found;
}

/** Follows a path of single children (`mdia/minf/stbl`), refusing at the first missing one. */
export function descend(src: BoxSource, from: Box, types: readonly string[]): Box[] {
  const chain: Box[] = [];
  let current = from;
  for (const type of types) {
    current = requireChild(src, current, childBoxes(src, current), type);
    chain.push(current);
  }
  return chain;
}
