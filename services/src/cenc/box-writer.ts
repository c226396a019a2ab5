/**
 * Writing boxes: building new ones (`box`, `fullBox`) and rewriting a file in place of its
 * original layout. A FileRewrite collects field patches and insertions in the ORIGINAL file's
 * offsets, grows the size of every box that encloses an insertion, and maps an original offset
 * to where it ends up, so callers fix up offsets (trun data_offset, saio, sidx) without
 * re-parsing.
 */
import { type Box, type BoxSource, boxError } from './box-reader.ts';

export function u8(value: number): Buffer {
  return Buffer.of(value);
}

export function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value);
  return b;
}

export function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value);
  return b;
}

function fourccBytes(type: string): Buffer {
  const bytes = Buffer.from(type, 'latin1');
  if (bytes.length !== 4) {
    throw new Error(`box type ${JSON.stringify(type)} is not four characters`);
  }
  return bytes;
}

/** A box with a 32-bit size (every box we write is small). */
export function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(8 + body.length), fourccBytes(type), body]);
}

export function fullBox(
  type: string,
  header: { version: number; flags: number },
  ...payload: Buffer[]
): Buffer {
  return box(type, u32(((header.version & 0xff) << 24) | (header.flags & 0xffffff)), ...payload);
}

interface Insertion {
  at: number;
  bytes: Buffer;
}

export class FileRewrite {
  private readonly src: BoxSource;
  private readonly out: Buffer;
  private readonly insertions: Insertion[] = [];
  /** Growth per enclosing box, keyed by the box's offset (unique per box in one file). */
  private readonly growth = new Map<number, { box: Box; bytes: number }>();

  /** Works on a copy: the source buffer is left as it was. */
  constructor(src: BoxSource) {
    this.src = src;
    this.out = Buffer.from(src.data);
  }

  /** The copy, for in-place changes that keep sizes (encrypting sample bytes). */
  get bytes(): Buffer {
    return this.out;
  }

  patchU32(at: number, value: number): void {
    this.out.writeUInt32BE(value, at);
  }

  patchI32(at: number, value: number): void {
    this.out.writeInt32BE(value, at);
  }

  patchU64(at: number, value: number): void {
    this.out.writeBigUInt64BE(BigInt(value), at);
  }

  patchType(box: Box, type: string): void {
    fourccBytes(type).copy(this.out, box.offset + 4);
  }

  /** Inserts `bytes` before the original byte at `at`, growing each of `enclosing` to fit. */
  insert(at: number, bytes: Buffer, enclosing: readonly Box[]): void {
    if (this.insertions.some((i) => i.at === at)) {
      throw new Error(`two insertions at byte ${at}`);
    }
    this.insertions.push({ at, bytes });
    for (const b of enclosing) {
      const entry = this.growth.get(b.offset) ?? { box: b, bytes: 0 };
      entry.bytes += bytes.length;
      this.growth.set(b.offset, entry);
    }
  }

  /** Where the original byte at `at` ends up: after every insertion at or before it. */
  finalOffset(at: number): number {
    return at + this.insertions.reduce((sum, i) => sum + (i.at <= at ? i.bytes.length : 0), 0);
  }

  /** Where the bytes inserted at `at` begin. */
  insertedOffset(at: number): number {
    return at + this.insertions.reduce((sum, i) => sum + (i.at < at ? i.bytes.length : 0), 0);
  }

  /** The rewritten file. */
  finish(): Buffer {
    for (const { box: b, bytes } of this.growth.values()) {
      this.writeSize(b, b.size + bytes);
    }
    const sorted = [...this.insertions].sort((a, b) => a.at - b.at);
    const parts: Buffer[] = [];
    let from = 0;
    for (const i of sorted) {
      parts.push(this.out.subarray(from, i.at), i.bytes);
      from = i.at;
    }
    parts.push(this.out.subarray(from));
    return Buffer.concat(parts);
  }

  private writeSize(b: Box, size: number): void {
    if (b.sizeField === 64) {
      this.patchU64(b.offset + 8, size);
    } else if (size > 0xffffffff) {
      throw boxError(this.src, b, 'bad-size', `growing to ${size} bytes needs a 64-bit size`);
    } else {
      this.patchU32(b.offset, size);
    }
  }
}
