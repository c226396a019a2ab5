/**
 * Reading a track fragment (traf): its track, where each of its samples lies in the file, and
 * where each trun keeps its data_offset (to be fixed up once the moof grows). Sample sizes come
 * from the trun, else tfhd's default, else the track's trex default from the init segment.
 * Only the base the encryptor can move correctly is taken: offsets relative to the moof
 * (default-base-is-moof, as ffmpeg writes), not absolute base_data_offset.
 */
import { type Box, type BoxSource, boxError, childBoxes, requireChild } from './box-reader.ts';
import { FieldReader } from './field-reader.ts';

/** A traf of more samples than this is refused: 10 s at 60 fps is 600, 10 s of 48 kHz AAC 470. */
export const MAX_SAMPLES_PER_TRAF = 10_000;

const TFHD_BASE_DATA_OFFSET = 0x1;
const TFHD_SAMPLE_DESCRIPTION_INDEX = 0x2;
const TFHD_DEFAULT_DURATION = 0x8;
const TFHD_DEFAULT_SIZE = 0x10;
const TFHD_DEFAULT_FLAGS = 0x20;
const TFHD_DEFAULT_BASE_IS_MOOF = 0x20000;
const TRUN_DATA_OFFSET = 0x1;
const TRUN_FIRST_SAMPLE_FLAGS = 0x4;
const TRUN_DURATION = 0x100;
const TRUN_SIZE = 0x200;
const TRUN_FLAGS = 0x400;
const TRUN_COMPOSITION = 0x800;

export interface FragmentSample {
  /** Absolute offset in the file. */
  offset: number;
  size: number;
  /** The trun that places it, for messages about it. */
  trun: Box;
}

export interface TrunRef {
  box: Box;
  /** Absolute offset of the data_offset field. */
  dataOffsetField: number;
  /** Relative to the moof's first byte. */
  dataOffset: number;
}

export interface TrackFragment {
  traf: Box;
  trackId: number;
  samples: FragmentSample[];
  truns: TrunRef[];
  /** Boxes already present that say the fragment is protected (senc, saiz, saio). */
  protectionBoxes: Box[];
}

interface Tfhd {
  trackId: number;
  defaultSize: number | undefined;
  baseIsMoof: boolean;
}

function readTfhd(src: BoxSource, tfhd: Box): Tfhd {
  const r = new FieldReader(src, tfhd);
  const { flags } = r.fullBox();
  const trackId = r.u32('track_ID');
  if (flags & TFHD_BASE_DATA_OFFSET) {
    throw boxError(
      src,
      tfhd,
      'unsupported',
      'an absolute base_data_offset is not taken (only moof-relative offsets)',
    );
  }
  if (flags & TFHD_SAMPLE_DESCRIPTION_INDEX) {
    r.skipBytes(4, 'sample_description_index');
  }
  if (flags & TFHD_DEFAULT_DURATION) {
    r.skipBytes(4, 'default_sample_duration');
  }
  const defaultSize = flags & TFHD_DEFAULT_SIZE ? r.u32('default_sample_size') : undefined;
  if (flags & TFHD_DEFAULT_FLAGS) {
    r.skipBytes(4, 'default_sample_flags');
  }
  return { trackId, defaultSize, baseIsMoof: (flags & TFHD_DEFAULT_BASE_IS_MOOF) !== 0 };
}

/** Bytes each trun sample record takes, from the trun's flags. */
function trunRecordBytes(flags: number): number {
  return [TRUN_DURATION, TRUN_SIZE, TRUN_FLAGS, TRUN_COMPOSITION].filter((f) => flags & f).length * 4;
}

interface TrunRead {
  ref: TrunRef;
  sizes: number[];
}

function readTrun(src: BoxSource, trun: Box, fallbackSize: number | undefined, counted: number): TrunRead {
  const r = new FieldReader(src, trun);
  const { flags } = r.fullBox();
  const count = r.u32('sample_count');
  if (counted + count > MAX_SAMPLES_PER_TRAF) {
    throw boxError(
      src,
      trun,
      'too-many',
      `${counted + count} samples in one traf (at most ${MAX_SAMPLES_PER_TRAF})`,
    );
  }
  if (!(flags & TRUN_DATA_OFFSET)) {
    throw boxError(src, trun, 'unsupported', 'a trun without data_offset is not taken');
  }
  const dataOffsetField = r.position;
  const dataOffset = r.i32('data_offset');
  if (flags & TRUN_FIRST_SAMPLE_FLAGS) {
    r.skipBytes(4, 'first_sample_flags');
  }
  const recordBytes = trunRecordBytes(flags);
  r.need(count * recordBytes, `${count} sample records of ${recordBytes} bytes`);
  if (!(flags & TRUN_SIZE) && fallbackSize === undefined) {
    throw boxError(src, trun, 'missing', 'no sample sizes: not in trun, tfhd or trex');
  }
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = r.position;
    if (flags & TRUN_DURATION) {
      r.skipBytes(4, 'sample_duration');
    }
    sizes.push(flags & TRUN_SIZE ? r.u32('sample_size') : (fallbackSize as number));
    r.skipBytes(recordBytes - (r.position - start), 'sample flags and composition offset');
  }
  return { ref: { box: trun, dataOffsetField, dataOffset }, sizes };
}

export interface TrafContext {
  moof: Box;
  traf: Box;
  /** Whether this is the moof's first traf: the only one whose implicit base is the moof. */
  first: boolean;
  /** The track's default sample size from its trex in the init segment, if any. */
  trexSize: (trackId: number) => number | undefined;
}

/** The traf's samples in file order. */
export function readTrackFragment(src: BoxSource, context: TrafContext): TrackFragment {
  const { moof, traf } = context;
  const children = childBoxes(src, traf);
  const tfhd = readTfhd(src, requireChild(src, traf, children, 'tfhd'));
  if (!tfhd.baseIsMoof && !context.first) {
    throw boxError(src, traf, 'unsupported', 'a second traf without default-base-is-moof is not taken');
  }
  const fallbackSize = tfhd.defaultSize ?? context.trexSize(tfhd.trackId);
  const samples: FragmentSample[] = [];
  const truns: TrunRef[] = [];
  for (const trun of children.filter((b) => b.type === 'trun')) {
    const read = readTrun(src, trun, fallbackSize, samples.length);
    truns.push(read.ref);
    let at = moof.offset + read.ref.dataOffset;
    for (const size of read.sizes) {
      samples.push({ offset: at, size, trun });
      at += size;
    }
  }
  if (truns.length === 0) {
    throw boxError(src, traf, 'missing', 'it has no trun box');
  }
  const protectionBoxes = children.filter((b) => ['senc', 'saiz', 'saio'].includes(b.type));
  return { traf, trackId: tfhd.trackId, samples, truns, protectionBoxes };
}
