/**
 * The DASH output: ffmpeg's dash muxer remuxes the encoded renditions (no re-encode) into clear
 * fragmented MP4 (one AdaptationSet per video codec, one for audio), then our CENC encryptor
 * protects every init and media segment in place under the title's DASH key, and the MPD gains
 * its ContentProtection. One IV sequence serves the whole key, so no counter block repeats.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  CLEARKEY_DASH_SYSTEM_ID,
  COMMON_SYSTEM_ID,
  type ContentKey,
  IvSequence,
  protectInitSegment,
  protectMediaSegment,
  protectMpd,
} from '../cenc/index.ts';
import type { EncodedRendition } from './encode-ladder.ts';
import { runFfmpeg } from './ffmpeg-process.ts';
import type { ResolvedOptions } from './package-options.ts';

export const DASH_MPD = 'manifest.mpd';
const initName = (id: number) => `init-${id}.m4s`;
const segmentPrefix = (id: number) => `chunk-${id}-`;

export interface DashRepresentation {
  id: string;
  /** The rendition it carries; absent for the audio track. */
  rendition?: string;
  kind: 'video' | 'audio';
  segments: number;
  bytes: number;
  measuredMbps: number;
}

export interface DashPackage {
  mpd: string;
  keyId: string;
  representations: DashRepresentation[];
}

interface DashContext {
  options: ResolvedOptions;
  ffmpeg: string;
  durationSeconds: number;
  hasAudio: boolean;
  onPercent: (step: 'dash' | 'encrypt', percent: number) => void;
}

function adaptationSets(encoded: readonly EncodedRendition[], hasAudio: boolean): string {
  const byCodec = new Map<string, number[]>();
  encoded.forEach((e, i) => {
    byCodec.set(e.spec.codec, [...(byCodec.get(e.spec.codec) ?? []), i]);
  });
  const sets = [...byCodec.values()].map((streams, id) => `id=${id},streams=${streams.join(',')}`);
  if (hasAudio) {
    sets.push(`id=${sets.length},streams=${encoded.length}`);
  }
  return sets.join(' ');
}

function remuxArgs(context: DashContext, encoded: readonly EncodedRendition[], dir: string): string[] {
  const { options } = context;
  return [
    ...encoded.flatMap((e) => ['-i', e.file]),
    ...encoded.flatMap((_, i) => ['-map', `${i}:v:0`]),
    ...(context.hasAudio ? ['-map', '0:a:0'] : []),
    ...['-c', 'copy', '-f', 'dash', '-seg_duration', String(options.segmentSeconds)],
    ...[
      '-use_template',
      '1',
      '-use_timeline',
      '1',
      '-adaptation_sets',
      adaptationSets(encoded, context.hasAudio),
    ],
    ...[
      '-init_seg_name',
      'init-$RepresentationID$.m4s',
      '-media_seg_name',
      'chunk-$RepresentationID$-$Number%05d$.m4s',
    ],
    ...['-y', join(dir, DASH_MPD)],
  ];
}

/** Replaces a file whole: written beside it, then renamed over it, so no half-protected file is left. */
function replaceFile(file: string, bytes: Buffer): number {
  writeFileSync(`${file}.tmp`, bytes);
  renameSync(`${file}.tmp`, file);
  return bytes.length;
}

interface EncryptJob {
  dir: string;
  key: ContentKey;
  ivs: IvSequence;
  options: ResolvedOptions;
}

function encryptRepresentation(
  job: EncryptJob,
  id: number,
  onFile: () => void,
): { segments: number; bytes: number } {
  const init = protectInitSegment(
    { data: readFileSync(join(job.dir, initName(id))), name: initName(id) },
    {
      keyId: job.key.keyId,
      ivSize: job.options.ivSize,
      systemIds: [COMMON_SYSTEM_ID, CLEARKEY_DASH_SYSTEM_ID],
    },
  );
  replaceFile(join(job.dir, initName(id)), init.bytes);
  onFile();
  const files = readdirSync(job.dir)
    .filter((f) => f.startsWith(segmentPrefix(id)) && f.endsWith('.m4s'))
    .sort();
  let bytes = 0;
  for (const f of files) {
    const data = readFileSync(join(job.dir, f));
    bytes += replaceFile(
      join(job.dir, f),
      protectMediaSegment({ data, name: f }, { tracks: init.tracks, key: job.key.key, ivs: job.ivs }),
    );
    onFile();
  }
  return { segments: files.length, bytes };
}

export async function packageDash(
  context: DashContext,
  encoded: readonly EncodedRendition[],
): Promise<DashPackage> {
  const { options } = context;
  const dir = join(options.outDir, 'dash');
  mkdirSync(dir, { recursive: true });
  await runFfmpeg({
    ffmpeg: context.ffmpeg,
    step: 'dash',
    args: remuxArgs(context, encoded, dir),
    durationSeconds: context.durationSeconds,
    timeoutMs: options.stepTimeoutMs,
    onPercent: (p) => context.onPercent('dash', p),
  });
  const key = options.keys[0] as ContentKey;
  const job: EncryptJob = { dir, key, ivs: new IvSequence(options.ivSize), options };
  const count = encoded.length + (context.hasAudio ? 1 : 0);
  const total = readdirSync(dir).filter((f) => f.endsWith('.m4s')).length;
  let done = 0;
  const representations: DashRepresentation[] = [];
  for (let id = 0; id < count; id++) {
    const result = encryptRepresentation(job, id, () =>
      context.onPercent('encrypt', Math.floor((++done / total) * 100)),
    );
    const rendition = encoded[id]?.spec.name;
    representations.push({
      id: String(id),
      ...(rendition ? { rendition } : {}),
      kind: rendition ? 'video' : 'audio',
      ...result,
      measuredMbps: (result.bytes * 8) / context.durationSeconds / 1e6,
    });
  }
  const mpdFile = join(dir, DASH_MPD);
  const mpd = protectMpd(readFileSync(mpdFile, 'utf8'), {
    keyId: key.keyId,
    ...(options.clearKeyLicenseUrl ? { clearKeyLicenseUrl: options.clearKeyLicenseUrl } : {}),
  });
  writeFileSync(mpdFile, mpd);
  return { mpd: relative(options.outDir, mpdFile), keyId: key.keyId, representations };
}
