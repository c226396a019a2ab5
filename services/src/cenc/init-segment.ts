/**
 * Protecting an init segment (ffmpeg's clear fMP4 `init-*.m4s`): each track's sample entry
 * becomes `encv`/`enca` and gains sinf{frma (the original format), schm (cenc 1.0), schi{tenc
 * (default KID, IV size)}}, and moov gains one pssh per DRM system named. It returns what the
 * media segments' encryption needs per track: how its samples are laid out (H.264 NAL length
 * size, or full-sample) and its trex default sample size.
 */
import { type Box, type BoxSource, boxError, childBoxes, descend, readTopLevel } from './box-reader.ts';
import { FileRewrite } from './box-writer.ts';
import { type IvSize, psshBox, sinfBox } from './cenc-boxes.ts';
import { FieldReader } from './field-reader.ts';
import type { SampleLayout } from './sample-encryption.ts';

/** ffmpeg's DASH muxer writes one track per init segment; a few more are fine, dozens are not. */
export const MAX_TRACKS = 8;
/** VisualSampleEntry and (version 0) AudioSampleEntry fixed fields before their child boxes. */
const VISUAL_ENTRY_FIELDS = 78;
const AUDIO_ENTRY_FIELDS = 28;

export interface ProtectionOptions {
  keyId: string;
  ivSize: IvSize;
  /** DRM system ids to write a pssh for (e.g. the W3C common system for ClearKey). */
  systemIds: readonly string[];
}

export interface TrackProtection {
  trackId: number;
  /** The sample entry's format before protection: avc1, mp4v, mp4a. */
  originalFormat: string;
  layout: SampleLayout;
  /** trex default_sample_size, used when a fragment gives none. */
  defaultSampleSize: number | undefined;
}

export interface ProtectedInit {
  bytes: Buffer;
  tracks: TrackProtection[];
}

function topLevel(src: BoxSource, boxes: readonly Box[], type: string): Box {
  const found = boxes.find((b) => b.type === type);
  if (!found) {
    throw boxError(src, { path: '(file)', offset: 0 }, 'missing', `no top-level ${type} box`);
  }
  return found;
}

function trackId(src: BoxSource, tkhd: Box): number {
  const r = new FieldReader(src, tkhd);
  const { version } = r.fullBox();
  r.skipBytes(version === 1 ? 16 : 8, 'creation and modification times');
  return r.u32('track_ID');
}

function trexDefaults(src: BoxSource, moovChildren: readonly Box[]): Map<number, number> {
  const sizes = new Map<number, number>();
  const mvex = moovChildren.find((b) => b.type === 'mvex');
  for (const trex of mvex ? childBoxes(src, mvex).filter((b) => b.type === 'trex') : []) {
    const r = new FieldReader(src, trex);
    r.fullBox();
    const id = r.u32('track_ID');
    r.skipBytes(8, 'default_sample_description_index and default_sample_duration');
    const size = r.u32('default_sample_size');
    if (size > 0) {
      // 0 means "no default", not samples of no bytes.
      sizes.set(id, size);
    }
  }
  return sizes;
}

function nalLengthSize(src: BoxSource, entryChildren: readonly Box[], entry: Box): number {
  const avcC = entryChildren.find((b) => b.type === 'avcC');
  if (!avcC) {
    throw boxError(src, entry, 'missing', 'it has no avcC box');
  }
  const r = new FieldReader(src, avcC);
  r.skipBytes(4, 'configurationVersion, profile, compatibility and level');
  return (r.u8('lengthSizeMinusOne') & 0x3) + 1;
}

interface EntryPlan {
  protectedType: 'encv' | 'enca';
  layout: SampleLayout;
  children: Box[];
}

function planEntry(src: BoxSource, entry: Box): EntryPlan {
  switch (entry.type) {
    case 'avc1':
    case 'avc3': {
      const children = childBoxes(src, entry, VISUAL_ENTRY_FIELDS);
      return {
        protectedType: 'encv',
        layout: { kind: 'avc', nalLengthSize: nalLengthSize(src, children, entry) },
        children,
      };
    }
    case 'mp4v':
      return {
        protectedType: 'encv',
        layout: { kind: 'full-sample' },
        children: childBoxes(src, entry, VISUAL_ENTRY_FIELDS),
      };
    case 'mp4a': {
      const r = new FieldReader(src, entry, 8);
      if (r.u16('sound sample entry version') !== 0) {
        throw boxError(src, entry, 'unsupported', 'only version 0 audio sample entries are taken');
      }
      return {
        protectedType: 'enca',
        layout: { kind: 'full-sample' },
        children: childBoxes(src, entry, AUDIO_ENTRY_FIELDS),
      };
    }
    case 'encv':
    case 'enca':
      throw boxError(src, entry, 'unsupported', 'the track is already protected');
    default:
      throw boxError(
        src,
        entry,
        'unsupported',
        `sample format ${entry.type} is not one we encrypt (avc1, avc3, mp4v, mp4a)`,
      );
  }
}

function sampleEntry(src: BoxSource, stsd: Box): Box {
  const r = new FieldReader(src, stsd);
  r.fullBox();
  const count = r.u32('entry_count');
  const entries = childBoxes(src, stsd, 8);
  if (count !== 1 || entries.length !== 1) {
    throw boxError(
      src,
      stsd,
      'unsupported',
      `${count} sample entries (${entries.length} boxes); exactly one is taken`,
    );
  }
  return entries[0] as Box;
}

function protectTrack(
  src: BoxSource,
  rewrite: FileRewrite,
  chain: { moov: Box; trak: Box },
  options: ProtectionOptions,
) {
  const trakChildren = childBoxes(src, chain.trak);
  const tkhd = trakChildren.find((b) => b.type === 'tkhd');
  if (!tkhd) {
    throw boxError(src, chain.trak, 'missing', 'it has no tkhd box');
  }
  const path = descend(src, chain.trak, ['mdia', 'minf', 'stbl', 'stsd']);
  const entry = sampleEntry(src, path[3] as Box);
  const plan = planEntry(src, entry);
  if (plan.children.some((b) => b.type === 'sinf')) {
    throw boxError(src, entry, 'unsupported', 'the sample entry already has a sinf box');
  }
  rewrite.patchType(entry, plan.protectedType);
  const sinf = sinfBox({ originalFormat: entry.type, keyId: options.keyId, ivSize: options.ivSize });
  rewrite.insert(entry.end, sinf, [chain.moov, chain.trak, ...path, entry]);
  return { trackId: trackId(src, tkhd), originalFormat: entry.type, layout: plan.layout };
}

export function protectInitSegment(src: BoxSource, options: ProtectionOptions): ProtectedInit {
  const moov = topLevel(src, readTopLevel(src), 'moov');
  const moovChildren = childBoxes(src, moov);
  const traks = moovChildren.filter((b) => b.type === 'trak');
  if (traks.length === 0 || traks.length > MAX_TRACKS) {
    const problem = traks.length === 0 ? 'missing' : 'too-many';
    throw boxError(src, moov, problem, `${traks.length} tracks; between 1 and ${MAX_TRACKS} are taken`);
  }
  const trex = trexDefaults(src, moovChildren);
  const rewrite = new FileRewrite(src);
  const tracks = traks.map((trak) => {
    const track = protectTrack(src, rewrite, { moov, trak }, options);
    return { ...track, defaultSampleSize: trex.get(track.trackId) };
  });
  const pssh = Buffer.concat(options.systemIds.map((id) => psshBox(id, [options.keyId])));
  if (pssh.length > 0) {
    rewrite.insert(moov.end, pssh, [moov]);
  }
  return { bytes: rewrite.finish(), tracks };
}
