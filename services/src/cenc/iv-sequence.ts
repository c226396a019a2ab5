/**
 * Per-sample IVs for AES-128-CTR under one key. CTR must never reuse a counter block under the
 * same key, so every sample encrypted with a key draws from that key's one sequence, across all
 * the tracks and segments of a packaging run:
 * - 8-byte IVs: the counter block is IV || 64-bit block counter (from 0 in each sample), so
 *   consecutive IVs never overlap; the sequence steps by one per sample.
 * - 16-byte IVs: the whole block is the counter, so the next sample starts after the blocks this
 *   one used.
 * The start is random, so two runs under one key (a re-package) do not collide in practice.
 */
import { randomBytes } from 'node:crypto';
import type { IvSize } from './cenc-boxes.ts';

const AES_BLOCK = 16;

export class IvSequence {
  readonly size: IvSize;
  private next: bigint;
  private readonly modulus: bigint;

  constructor(size: IvSize, start: Buffer = randomBytes(size)) {
    if (start.length !== size) {
      throw new Error(`an IV sequence of ${size}-byte IVs needs a ${size}-byte start, got ${start.length}`);
    }
    this.size = size;
    this.next = BigInt(`0x${start.toString('hex')}`);
    this.modulus = 1n << BigInt(size * 8);
  }

  /** The IV for a sample that encrypts `protectedBytes` bytes. */
  take(protectedBytes: number): Buffer {
    const iv = Buffer.from(this.next.toString(16).padStart(this.size * 2, '0'), 'hex');
    const step = this.size === 8 ? 1n : BigInt(Math.max(1, Math.ceil(protectedBytes / AES_BLOCK)));
    this.next = (this.next + step) % this.modulus;
    return iv;
  }
}

/** The 16-byte initial counter block for an IV (8-byte IVs are padded with a zero block counter). */
export function counterBlock(iv: Buffer): Buffer {
  return iv.length === AES_BLOCK ? iv : Buffer.concat([iv, Buffer.alloc(AES_BLOCK - iv.length)]);
}
