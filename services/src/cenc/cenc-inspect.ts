/**
 * Reading CENC protection back out of a protected file, with the same bounded reader: the tenc
 * defaults of an init segment, and per traf of a media segment the senc sample count beside the
 * trun sample count and where saio points. Used to check output against the spec's layout
 * (the tests do), never to decrypt.
 */
import { type Box, type BoxSource, boxError, childBoxes, descend, readTopLevel } from './box-reader.ts';
import type { SampleProtection, Subsample } from './cenc-boxes.ts';
import { uuidText } from './content-key.ts';
import { FieldReader } from './field-reader.ts';

export interface InitProtectionInfo {
  sampleEntry: string;
  originalFormat: string;
  scheme: string;
  defaultKeyId: string;
  ivSize: number;
  psshSystemIds: string[];
}

export interface TrafProtectionInfo {
  trunSamples: number;
  sencSamples: number;
  sencFlags: number;
  saizSamples: number;
  /** Absolute offset saio points at (moof-relative offset + the moof's offset). */
  saioTarget: number;
  /** Absolute offset of the first IV in senc. */
  sencData: number;
  /** Absolute offset the first trun's data_offset points at. */
  dataStart: number;
  /** Per sample: its IV and subsample map, as senc records them. */
  samples: SampleProtection[];
}

/** senc's entries, read with the IV size the init segment's tenc gives. */
function sencEntries(r: FieldReader, count: number, flags: number, ivSize: number): SampleProtection[] {
  const samples: SampleProtection[] = [];
  for (let i = 0; i < count; i++) {
    const iv = Buffer.from(r.bytes(ivSize, 'InitializationVector'));
    if (!(flags & 0x2)) {
      samples.push({ iv });
      continue;
    }
    const subsamples: Subsample[] = [];
    const n = r.u16('subsample_count');
    r.need(n * 6, `${n} subsample entries`);
    for (let j = 0; j < n; j++) {
      subsamples.push({ clear: r.u16('BytesOfClearData'), protected: r.u32('BytesOfProtectedData') });
    }
    samples.push({ iv, subsamples });
  }
  return samples;
}

function only(src: BoxSource, parent: Box, type: string): Box {
  return descend(src, parent, [type])[0] as Box;
}

export function inspectInit(src: BoxSource): InitProtectionInfo {
  const top = readTopLevel(src);
  const moov = top.find((b) => b.type === 'moov');
  if (!moov) {
    throw boxError(src, { path: '(file)', offset: 0 }, 'missing', 'no moov box');
  }
  const trak = only(src, moov, 'trak');
  const stsd = descend(src, trak, ['mdia', 'minf', 'stbl', 'stsd'])[3] as Box;
  const entry = childBoxes(src, stsd, 8)[0] as Box;
  const sinf = childBoxes(src, entry, entry.type === 'enca' ? 28 : 78).find((b) => b.type === 'sinf');
  if (!sinf) {
    throw boxError(src, entry, 'missing', 'no sinf box');
  }
  const [frma, schm, schi] = ['frma', 'schm', 'schi'].map((t) => only(src, sinf, t)) as [Box, Box, Box];
  const tenc = new FieldReader(src, only(src, schi, 'tenc'), 4);
  tenc.skipBytes(2, 'reserved');
  tenc.u8('default_isProtected');
  const ivSize = tenc.u8('default_Per_Sample_IV_Size');
  const defaultKeyId = uuidText(tenc.bytes(16, 'default_KID'));
  const psshSystemIds = childBoxes(src, moov)
    .filter((b) => b.type === 'pssh')
    .map((b) => uuidText(new FieldReader(src, b, 4).bytes(16, 'SystemID')));
  return {
    sampleEntry: entry.type,
    originalFormat: new FieldReader(src, frma).bytes(4, 'data_format').toString('latin1'),
    scheme: new FieldReader(src, schm, 4).bytes(4, 'scheme_type').toString('latin1'),
    defaultKeyId,
    ivSize,
    psshSystemIds,
  };
}

function trafInfo(src: BoxSource, moof: Box, traf: Box, ivSize: number): TrafProtectionInfo {
  const children = childBoxes(src, traf);
  const box = (type: string) => only(src, traf, type);
  const truns = children.filter((b) => b.type === 'trun');
  const trunSamples = truns.reduce((sum, trun) => sum + new FieldReader(src, trun, 4).u32('sample_count'), 0);
  const firstTrun = new FieldReader(src, truns[0] ?? box('trun'), 8);
  const dataStart = moof.offset + firstTrun.i32('data_offset');
  const senc = new FieldReader(src, box('senc'));
  const sencFlags = senc.fullBox().flags;
  const sencSamples = senc.u32('sample_count');
  const sencData = senc.position;
  const samples = sencEntries(senc, sencSamples, sencFlags, ivSize);
  const saiz = new FieldReader(src, box('saiz'), 4);
  saiz.u8('default_sample_info_size');
  const saizSamples = saiz.u32('sample_count');
  const saio = new FieldReader(src, box('saio'), 4);
  saio.u32('entry_count');
  return {
    trunSamples,
    sencSamples,
    sencFlags,
    saizSamples,
    saioTarget: moof.offset + saio.u32('offset'),
    sencData,
    dataStart,
    samples,
  };
}

/** Every traf of a protected media segment; `ivSize` is the init segment's tenc IV size. */
export function inspectSegment(src: BoxSource, ivSize: number): TrafProtectionInfo[] {
  return readTopLevel(src)
    .filter((b) => b.type === 'moof')
    .flatMap((moof) =>
      childBoxes(src, moof)
        .filter((b) => b.type === 'traf')
        .map((traf) => trafInfo(src, moof, traf, ivSize)),
    );
}

/** A pssh box's system id and KIDs (version 1), e.g. from an MPD's cenc:pssh. */
export function inspectPssh(data: Buffer): { systemId: string; keyIds: string[] } {
  const src = { data, name: 'pssh' };
  const [pssh] = readTopLevel(src);
  if (pssh?.type !== 'pssh') {
    throw boxError(src, { path: '(file)', offset: 0 }, 'missing', 'not a pssh box');
  }
  const r = new FieldReader(src, pssh);
  const { version } = r.fullBox();
  const systemId = uuidText(r.bytes(16, 'SystemID'));
  const count = version > 0 ? r.u32('KID_count') : 0;
  r.need(count * 16, `${count} KIDs`);
  return { systemId, keyIds: Array.from({ length: count }, () => uuidText(r.bytes(16, 'KID'))) };
}
