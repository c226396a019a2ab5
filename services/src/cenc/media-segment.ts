/**
 * Protecting a media segment (ffmpeg's clear fMP4 `chunk-*.m4s`): every sample of every traf is
 * encrypted in place (same size: AES-CTR), each traf gains senc (per-sample IVs and subsample
 * maps), saiz and saio, and every offset the growth of the moof moves is fixed: trun
 * data_offset, saio (pointing at senc's first IV, relative to the moof), and the sidx
 * referenced sizes.
 */
import { type Box, type BoxSource, boxError, childBoxes, readTopLevel } from './box-reader.ts';
import { FileRewrite } from './box-writer.ts';
import { type SampleProtection, SENC_DATA_OFFSET, trafProtectionBoxes } from './cenc-boxes.ts';
import { FieldReader } from './field-reader.ts';
import type { TrackProtection } from './init-segment.ts';
import type { IvSequence } from './iv-sequence.ts';
import {
  avcSubsamples,
  encryptSample,
  maxSubsamples,
  protectedBytes,
  type SampleWhere,
} from './sample-encryption.ts';
import { type FragmentSample, readTrackFragment, type TrackFragment } from './track-fragment.ts';

export interface SegmentProtection {
  /** The tracks as protectInitSegment returned them. */
  tracks: readonly TrackProtection[];
  key: Buffer;
  /** The key's IV sequence: shared by everything this key encrypts. */
  ivs: IvSequence;
}

interface Fixup {
  apply(rewrite: FileRewrite): void;
}

function mdatHolding(src: BoxSource, mdats: readonly Box[], frag: TrackFragment, index: number): Box {
  const sample = frag.samples[index] as FragmentSample;
  const holder = mdats.find(
    (m) => sample.offset >= m.offset + m.headerSize && sample.offset + sample.size <= m.end,
  );
  if (!holder) {
    throw boxError(
      src,
      sample.trun,
      'bad-size',
      `sample ${index} (bytes ${sample.offset}..${sample.offset + sample.size}) lies outside every mdat`,
    );
  }
  return holder;
}

function encryptFragment(
  src: BoxSource,
  rewrite: FileRewrite,
  frag: TrackFragment,
  context: { track: TrackProtection; protection: SegmentProtection; mdats: readonly Box[] },
): SampleProtection[] {
  const { track, protection } = context;
  const limit = maxSubsamples(protection.ivs.size);
  return frag.samples.map((sample, index) => {
    const mdat = mdatHolding(src, context.mdats, frag, index);
    const bytes = rewrite.bytes.subarray(sample.offset, sample.offset + sample.size);
    const where: SampleWhere = { src, box: mdat.path, offset: sample.offset, index };
    const subsamples =
      track.layout.kind === 'avc' ? avcSubsamples(bytes, track.layout.nalLengthSize, where) : undefined;
    if (subsamples && subsamples.length > limit) {
      const detail = `sample ${index} needs ${subsamples.length} subsamples, saiz holds at most ${limit}`;
      throw boxError(src, { path: mdat.path, offset: sample.offset }, 'too-many', detail);
    }
    const iv = protection.ivs.take(protectedBytes(bytes, subsamples));
    encryptSample(bytes, protection.key, iv, subsamples);
    return subsamples ? { iv, subsamples } : { iv };
  });
}

function protectTraf(
  src: BoxSource,
  rewrite: FileRewrite,
  frag: TrackFragment,
  context: { moof: Box; protection: SegmentProtection; mdats: readonly Box[] },
): Fixup[] {
  const { moof, protection } = context;
  const track = protection.tracks.find((t) => t.trackId === frag.trackId);
  if (!track) {
    throw boxError(src, frag.traf, 'missing', `track_ID ${frag.trackId} is not in the init segment`);
  }
  if (frag.protectionBoxes.length > 0) {
    throw boxError(src, frag.protectionBoxes[0] as Box, 'unsupported', 'the fragment is already protected');
  }
  const samples = encryptFragment(src, rewrite, frag, { track, protection, mdats: context.mdats });
  const boxes = trafProtectionBoxes(samples, track.layout.kind === 'avc');
  rewrite.insert(frag.traf.end, boxes.bytes, [moof, frag.traf]);
  const saio: Fixup = {
    apply: (r) => {
      const senc = r.insertedOffset(frag.traf.end);
      boxes.bytes.writeUInt32BE(senc + SENC_DATA_OFFSET - r.finalOffset(moof.offset), boxes.saioOffsetField);
    },
  };
  const truns: Fixup[] = frag.truns.map((trun) => ({
    apply: (r) =>
      r.patchI32(
        trun.dataOffsetField,
        r.finalOffset(moof.offset + trun.dataOffset) - r.finalOffset(moof.offset),
      ),
  }));
  return [saio, ...truns];
}

/** Fixes the sizes a sidx gives its subsegments (and its first_offset) for the grown moofs. */
function sidxFixups(src: BoxSource, sidx: Box): Fixup[] {
  const r = new FieldReader(src, sidx);
  const { version } = r.fullBox();
  r.skipBytes(8, 'reference_ID and timescale');
  r.skipBytes(version === 0 ? 4 : 8, 'earliest_presentation_time');
  const firstOffsetField = r.position;
  const firstOffset = version === 0 ? r.u32('first_offset') : r.u64('first_offset');
  r.skipBytes(2, 'reserved');
  const count = r.u16('reference_count');
  r.need(count * 12, `${count} references`);
  const fixups: Fixup[] = [];
  const rangeStart = sidx.end + firstOffset;
  fixups.push({
    apply: (w) => {
      const moved = w.finalOffset(rangeStart) - w.finalOffset(sidx.end);
      return version === 0 ? w.patchU32(firstOffsetField, moved) : w.patchU64(firstOffsetField, moved);
    },
  });
  let start = rangeStart;
  for (let i = 0; i < count; i++) {
    const field = r.position;
    const word = r.u32('referenced_size');
    r.skipBytes(8, 'subsegment_duration and SAP fields');
    const from = start;
    const to = start + (word & 0x7fffffff);
    fixups.push({
      apply: (w) => w.patchU32(field, (word & 0x80000000) | (w.finalOffset(to) - w.finalOffset(from))),
    });
    start = to;
  }
  return fixups;
}

export function protectMediaSegment(src: BoxSource, protection: SegmentProtection): Buffer {
  const top = readTopLevel(src);
  const moofs = top.filter((b) => b.type === 'moof');
  if (moofs.length === 0) {
    throw boxError(src, { path: '(file)', offset: 0 }, 'missing', 'no moof box: not a media segment');
  }
  const mdats = top.filter((b) => b.type === 'mdat');
  const rewrite = new FileRewrite(src);
  const fixups: Fixup[] = [];
  for (const moof of moofs) {
    const trafs = childBoxes(src, moof).filter((b) => b.type === 'traf');
    trafs.forEach((traf, i) => {
      const frag = readTrackFragment(src, {
        moof,
        traf,
        first: i === 0,
        trexSize: (id) => trexSize(protection, id),
      });
      fixups.push(...protectTraf(src, rewrite, frag, { moof, protection, mdats }));
    });
  }
  for (const sidx of top.filter((b) => b.type === 'sidx')) {
    fixups.push(...sidxFixups(src, sidx));
  }
  for (const f of fixups) {
    f.apply(rewrite);
  }
  return rewrite.finish();
}

function trexSize(protection: SegmentProtection, trackId: number): number | undefined {
  return protection.tracks.find((t) => t.trackId === trackId)?.defaultSampleSize;
}
