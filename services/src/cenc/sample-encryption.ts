/**
 * Encrypting one sample under the `cenc` scheme (AES-128-CTR):
 * - full-sample encryption for audio and for video without NAL structure (MPEG-2, MPEG-4 Part 2);
 * - subsample encryption for H.264: in each VCL NAL unit (coded slice) the length prefix and the
 *   NAL header byte stay clear and the rest is encrypted; other NAL units (SEI, parameter sets,
 *   delimiters) stay clear, so a player can still parse the stream before decrypting it.
 * The protected bytes of one sample are one CTR stream, counted across its subsamples
 * (ISO/IEC 23001-7 9.5.2.1), which is what a single cipher over the ranges in order gives.
 */
import { createCipheriv } from 'node:crypto';
import { type BoxSource, boxError } from './box-reader.ts';
import { MAX_SAMPLE_INFO_BYTES, type Subsample } from './cenc-boxes.ts';
import { counterBlock } from './iv-sequence.ts';

export type SampleLayout = { kind: 'avc'; nalLengthSize: number } | { kind: 'full-sample' };

/** A sample's place in the file, for messages about it. */
export interface SampleWhere {
  src: BoxSource;
  /** Path of the mdat holding it. */
  box: string;
  /** Absolute offset of the sample's first byte. */
  offset: number;
  index: number;
}

/** subsample_count fields fit one saiz entry: IV + 2-byte count + 6 bytes per subsample. */
export function maxSubsamples(ivSize: number): number {
  return Math.floor((MAX_SAMPLE_INFO_BYTES - ivSize - 2) / 6);
}

const MAX_CLEAR_RUN = 0xffff;
const isVcl = (nalType: number) => nalType >= 1 && nalType <= 5;

function readNalLength(sample: Buffer, at: number, size: number): number {
  return size === 4 ? sample.readUInt32BE(at) : sample.readUIntBE(at, size);
}

/** The length of the NAL unit at `at`, refused when the prefix or the unit runs past the sample. */
function nalUnitLength(sample: Buffer, at: number, nalLengthSize: number, where: SampleWhere): number {
  const fits = at + nalLengthSize <= sample.length;
  const length = fits ? readNalLength(sample, at, nalLengthSize) : 0;
  if (!fits || at + nalLengthSize + length > sample.length) {
    throw boxError(
      where.src,
      { path: where.box, offset: where.offset + at },
      'bad-size',
      `sample ${where.index}: a NAL unit at sample byte ${at} runs past the sample's ${sample.length} bytes`,
    );
  }
  return length;
}

/** Runs of clear and protected bytes covering an H.264 sample (length-prefixed NAL units). */
export function avcSubsamples(sample: Buffer, nalLengthSize: number, where: SampleWhere): Subsample[] {
  const runs: Subsample[] = [];
  let clear = 0;
  for (let at = 0; at < sample.length; ) {
    const nal = nalUnitLength(sample, at, nalLengthSize, where);
    const nalType = nal > 0 ? (sample[at + nalLengthSize] ?? 0) & 0x1f : 0;
    if (isVcl(nalType) && nal > 1) {
      runs.push({ clear: clear + nalLengthSize + 1, protected: nal - 1 });
      clear = 0;
    } else {
      clear += nalLengthSize + nal;
    }
    at += nalLengthSize + nal;
  }
  if (clear > 0 || runs.length === 0) {
    runs.push({ clear, protected: 0 });
  }
  return splitLongClearRuns(runs);
}

/** A clear run is a 16-bit field: longer ones become (65535, 0) entries ahead of the rest. */
function splitLongClearRuns(runs: readonly Subsample[]): Subsample[] {
  const out: Subsample[] = [];
  for (const run of runs) {
    let clear = run.clear;
    while (clear > MAX_CLEAR_RUN) {
      out.push({ clear: MAX_CLEAR_RUN, protected: 0 });
      clear -= MAX_CLEAR_RUN;
    }
    out.push({ clear, protected: run.protected });
  }
  return out;
}

export function protectedBytes(sample: Buffer, subsamples: readonly Subsample[] | undefined): number {
  return subsamples ? subsamples.reduce((sum, s) => sum + s.protected, 0) : sample.length;
}

/** Encrypts the sample's bytes in place: all of them, or the protected runs of `subsamples`. */
export function encryptSample(
  sample: Buffer,
  key: Buffer,
  iv: Buffer,
  subsamples?: readonly Subsample[],
): void {
  const cipher = createCipheriv('aes-128-ctr', key, counterBlock(iv));
  const ranges = subsamples ?? [{ clear: 0, protected: sample.length }];
  let at = 0;
  for (const run of ranges) {
    at += run.clear;
    const region = sample.subarray(at, at + run.protected);
    cipher.update(region).copy(region);
    at += run.protected;
  }
  cipher.final();
}
