/**
 * The protection boxes of ISO/IEC 23001-7 (Common Encryption) that the encryptor adds:
 * sinf{frma, schm, schi{tenc}} in a sample entry, pssh in moov, and senc/saiz/saio in each traf.
 */
import { box, fullBox, u8, u16, u32 } from './box-writer.ts';
import { uuidBytes } from './content-key.ts';
import { CENC_SCHEME } from './system-ids.ts';

export type IvSize = 8 | 16;

/** One run of a sample: `clear` bytes left as they are, then `protected` bytes encrypted. */
export interface Subsample {
  clear: number;
  protected: number;
}

/** What senc records for one sample: its IV and, for subsample encryption, the map. */
export interface SampleProtection {
  iv: Buffer;
  subsamples?: readonly Subsample[];
}

/** Largest auxiliary-info size saiz can record per sample (one byte). */
export const MAX_SAMPLE_INFO_BYTES = 255;

/** sinf: the original format, the scheme (cenc 1.0) and its defaults (tenc). */
export function sinfBox(options: { originalFormat: string; keyId: string; ivSize: IvSize }): Buffer {
  const frma = box('frma', Buffer.from(options.originalFormat, 'latin1'));
  const schm = fullBox('schm', { version: 0, flags: 0 }, Buffer.from(CENC_SCHEME, 'latin1'), u32(0x00010000));
  // tenc v0: two reserved bytes, default_isProtected, default_Per_Sample_IV_Size, default_KID.
  const tenc = fullBox(
    'tenc',
    { version: 0, flags: 0 },
    Buffer.of(0, 0, 1, options.ivSize),
    uuidBytes(options.keyId),
  );
  return box('sinf', frma, schm, box('schi', tenc));
}

/** pssh v1: a system id and the KIDs it covers, no system-specific data (the common format). */
export function psshBox(systemId: string, keyIds: readonly string[]): Buffer {
  return fullBox(
    'pssh',
    { version: 1, flags: 0 },
    uuidBytes(systemId),
    u32(keyIds.length),
    ...keyIds.map(uuidBytes),
    u32(0),
  );
}

/** The auxiliary information of one sample as senc holds it (and saiz counts it). */
export function sampleInfo(sample: SampleProtection): Buffer {
  if (!sample.subsamples) {
    return sample.iv;
  }
  return Buffer.concat([
    sample.iv,
    u16(sample.subsamples.length),
    ...sample.subsamples.flatMap((s) => [u16(s.clear), u32(s.protected)]),
  ]);
}

/** Bytes from the start of senc to its first sample's IV: header, version/flags, sample_count. */
export const SENC_DATA_OFFSET = 16;

/** senc, saiz and saio for one traf; saio's offset is patched in once senc's place is known. */
export function trafProtectionBoxes(samples: readonly SampleProtection[], subsampled: boolean) {
  const infos = samples.map(sampleInfo);
  const senc = fullBox('senc', { version: 0, flags: subsampled ? 0x2 : 0 }, u32(samples.length), ...infos);
  const sizes = infos.map((i) => i.length);
  const uniform = sizes.every((s) => s === sizes[0]) ? (sizes[0] ?? 0) : 0;
  // saiz: one default size when every sample's info is the same length, a table otherwise.
  const saiz = fullBox(
    'saiz',
    { version: 0, flags: 0 },
    u8(uniform),
    u32(samples.length),
    ...(uniform === 0 ? [Buffer.from(sizes)] : []),
  );
  const saio = fullBox('saio', { version: 0, flags: 0 }, u32(1), u32(0));
  return {
    bytes: Buffer.concat([senc, saiz, saio]),
    /** Where, inside `bytes`, saio's single offset field sits. */
    saioOffsetField: senc.length + saiz.length + 16,
  };
}
