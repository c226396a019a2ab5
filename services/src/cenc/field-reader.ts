/**
 * Reads a box's fields in order, each read checked against the box's end, so a box that claims
 * more fields than its size holds is refused (naming the box and the field's offset) instead of
 * reading its neighbour's bytes.
 */
import { type Box, type BoxSource, boxError } from './box-reader.ts';

export class FieldReader {
  readonly box: Box;
  private readonly src: BoxSource;
  private at: number;

  /** Starts right after the box header, or `skip` bytes further. */
  constructor(src: BoxSource, box: Box, skip = 0) {
    this.src = src;
    this.box = box;
    this.at = box.offset + box.headerSize + skip;
  }

  /** Absolute offset of the next field. */
  get position(): number {
    return this.at;
  }

  /** Bytes left in the box. */
  get left(): number {
    return this.box.end - this.at;
  }

  /** Refuses unless `bytes` more are in the box; `what` names the field for the message. */
  need(bytes: number, what: string): void {
    if (bytes > this.left) {
      throw boxError(
        this.src,
        { path: this.box.path, offset: this.at },
        'truncated',
        `${what} needs ${bytes} bytes, the box has ${Math.max(this.left, 0)} left`,
      );
    }
  }

  private take(bytes: number, what: string): number {
    this.need(bytes, what);
    const at = this.at;
    this.at += bytes;
    return at;
  }

  u8(what: string): number {
    return this.src.data.readUInt8(this.take(1, what));
  }

  u16(what: string): number {
    return this.src.data.readUInt16BE(this.take(2, what));
  }

  u32(what: string): number {
    return this.src.data.readUInt32BE(this.take(4, what));
  }

  i32(what: string): number {
    return this.src.data.readInt32BE(this.take(4, what));
  }

  /** A 64-bit field as a number, refused when beyond 2^53 (no file we take is that big). */
  u64(what: string): number {
    const at = this.take(8, what);
    const value = this.src.data.readBigUInt64BE(at);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw boxError(
        this.src,
        { path: this.box.path, offset: at },
        'bad-size',
        `${what} ${value} is out of range`,
      );
    }
    return Number(value);
  }

  bytes(count: number, what: string): Buffer {
    const at = this.take(count, what);
    return this.src.data.subarray(at, at + count);
  }

  skipBytes(count: number, what: string): void {
    this.take(count, what);
  }

  /** A full box's version and 24-bit flags. */
  fullBox(): { version: number; flags: number } {
    const word = this.u32('version and flags');
    return { version: word >>> 24, flags: word & 0xffffff };
  }
}
