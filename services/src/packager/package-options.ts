/**
 * What packageTitle takes, and the one check of it: every field bounded, every refusal a
 * PackagerInputError naming the field. Limits come from the fleet model where it has them
 * (rendition count, bitrate range, name pattern, title duration), so a package the packager
 * accepts is one a ContentTitle can describe.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CODECS,
  ContentTitleSpec,
  MAX_BITRATE_MBPS,
  MIN_BITRATE_MBPS,
  Mpeg7Description,
  NAME_PATTERN,
} from '@smart-fleet/model';
import { type ContentKey, checkContentKey, type IvSize } from '../cenc/index.ts';
import { defaultLadder, type Ladder } from './ladder.ts';
import { PackagerInputError } from './packager-errors.ts';
import { type Codec, X264_PRESETS } from './video-codecs.ts';

export type Format = 'hls' | 'dash';
export const FORMATS: readonly Format[] = ['hls', 'dash'];

export interface RenditionSpec {
  /** A ContentTitle rendition name, e.g. hd-8m; also its folder name. */
  name: string;
  codec: Codec;
  bitrateMbps: number;
}

export interface PackageOptions {
  /** The mezzanine file. */
  input: string;
  /** Where the package is written; created, and must be empty if it exists. */
  outDir: string;
  /** The ContentTitle's name. */
  title: string;
  renditions: readonly RenditionSpec[];
  /**
   * The title's content keys, in order. HLS key period p uses keys[p] (one period when there
   * is no rotation); DASH (CENC) uses keys[0].
   */
  keys: readonly ContentKey[];
  formats?: readonly Format[];
  /** Target segment length (seconds); keyframes are forced on these boundaries. */
  segmentSeconds?: number;
  /** Rotate the HLS key every N segments; absent: one key for the whole stream. */
  keyRotationSegments?: number;
  /** HLS key URIs are this base + key id: the license service's HLS key path. */
  hlsKeyBaseUrl?: string;
  /** Written into the MPD's ClearKey ContentProtection (clearkey:Laurl). */
  clearKeyLicenseUrl?: string;
  ladder?: Ladder;
  /** Allowed rendition bitrates; the model's service range unless a test lowers it for tiny media. */
  bitrateRangeMbps?: { min: number; max: number };
  audioBitrateKbps?: number;
  x264Preset?: (typeof X264_PRESETS)[number];
  ivSize?: IvSize;
  /** Longest one ffmpeg run may take before it is stopped. */
  stepTimeoutMs?: number;
}

export type ResolvedOptions = Required<Omit<PackageOptions, 'keyRotationSegments' | 'clearKeyLicenseUrl'>> &
  Pick<PackageOptions, 'keyRotationSegments' | 'clearKeyLicenseUrl'>;

export const MAX_RENDITIONS = ContentTitleSpec.properties.renditions.maxItems ?? 16;
export const MAX_DURATION_SECONDS = Mpeg7Description.properties.durationSeconds.maximum ?? 86400;
export const MAX_KEYS = 4096;
const MAX_PATH = 4096;
const NAME = new RegExp(NAME_PATTERN);

function check(condition: boolean, field: string, message: string): void {
  if (!condition) {
    throw new PackagerInputError(field, message);
  }
}

function checkInteger(value: number, field: string, range: { min: number; max: number }): void {
  check(
    Number.isInteger(value) && value >= range.min && value <= range.max,
    field,
    `must be a whole number from ${range.min} to ${range.max}, not ${value}`,
  );
}

function checkPaths(options: PackageOptions): void {
  for (const field of ['input', 'outDir'] as const) {
    const value = options[field];
    check(typeof value === 'string' && value.length > 0 && value.length <= MAX_PATH, field, 'must be a path');
  }
  check(
    existsSync(options.input) && statSync(options.input).isFile(),
    'input',
    `${options.input} is not a file`,
  );
  if (existsSync(options.outDir)) {
    check(statSync(options.outDir).isDirectory(), 'outDir', `${options.outDir} is not a folder`);
    check(readdirSync(options.outDir).length === 0, 'outDir', `${options.outDir} is not empty`);
  }
}

function checkRenditions(renditions: readonly RenditionSpec[], range: { min: number; max: number }): void {
  check(
    Array.isArray(renditions) && renditions.length >= 1 && renditions.length <= MAX_RENDITIONS,
    'renditions',
    `between 1 and ${MAX_RENDITIONS} renditions, got ${renditions?.length}`,
  );
  const seen = new Set<string>();
  renditions.forEach((r, i) => {
    const at = `renditions[${i}]`;
    check(
      typeof r.name === 'string' && r.name.length <= 63 && NAME.test(r.name),
      `${at}.name`,
      `${JSON.stringify(r.name)} is not a name (${NAME_PATTERN})`,
    );
    check(!seen.has(r.name), `${at}.name`, `${r.name} appears twice`);
    seen.add(r.name);
    check(
      CODECS.includes(r.codec),
      `${at}.codec`,
      `${JSON.stringify(r.codec)} is not one of ${CODECS.join(', ')}`,
    );
    check(
      Number.isFinite(r.bitrateMbps) && r.bitrateMbps >= range.min && r.bitrateMbps <= range.max,
      `${at}.bitrateMbps`,
      `${r.bitrateMbps} Mbps is outside ${range.min}-${range.max} Mbps`,
    );
  });
}

function checkKeys(keys: readonly ContentKey[]): void {
  check(
    Array.isArray(keys) && keys.length >= 1 && keys.length <= MAX_KEYS,
    'keys',
    `between 1 and ${MAX_KEYS} keys`,
  );
  const seen = new Set<string>();
  keys.forEach((key, i) => {
    try {
      checkContentKey(key, `keys[${i}]`);
    } catch (error) {
      throw new PackagerInputError(`keys[${i}]`, (error as Error).message);
    }
    check(!seen.has(key.keyId.toLowerCase()), `keys[${i}]`, `key id ${key.keyId} appears twice`);
    seen.add(key.keyId.toLowerCase());
  });
}

/**
 * An http(s) URL, an absolute path, or a relative path (`keys/`: a player resolves it against
 * the playlist's URL, so behind a site edge it stays under the session's signed prefix).
 */
function checkUrlBase(value: string, field: string): void {
  check(
    typeof value === 'string' &&
      value.length <= 2048 &&
      /^(https?:\/\/[^\s"]+|\/[^\s"]*|[A-Za-z0-9_-][^\s":?#]*)$/.test(value) &&
      !value.split('/').includes('..'),
    field,
    'must be an http(s) URL, an absolute path or a relative one (no "..", spaces or quotes)',
  );
}

function withDefaults(options: PackageOptions, range: { min: number; max: number }): ResolvedOptions {
  return {
    ...options,
    input: resolve(options.input),
    outDir: resolve(options.outDir),
    formats: [...new Set(options.formats ?? FORMATS)],
    segmentSeconds: options.segmentSeconds ?? 4,
    hlsKeyBaseUrl: options.hlsKeyBaseUrl ?? '/keys/hls/',
    ladder: options.ladder ?? defaultLadder,
    bitrateRangeMbps: range,
    audioBitrateKbps: options.audioBitrateKbps ?? 128,
    x264Preset: options.x264Preset ?? 'medium',
    ivSize: options.ivSize ?? 8,
    stepTimeoutMs: options.stepTimeoutMs ?? 6 * 3600 * 1000,
  };
}

function checkSettings(resolved: ResolvedOptions): void {
  const formats = resolved.formats;
  check(
    formats.length >= 1 && formats.every((f) => FORMATS.includes(f)),
    'formats',
    `must be some of ${FORMATS.join(', ')}`,
  );
  checkInteger(resolved.segmentSeconds, 'segmentSeconds', { min: 1, max: 30 });
  if (resolved.keyRotationSegments !== undefined) {
    checkInteger(resolved.keyRotationSegments, 'keyRotationSegments', { min: 1, max: 100_000 });
  }
  checkUrlBase(resolved.hlsKeyBaseUrl, 'hlsKeyBaseUrl');
  check(resolved.hlsKeyBaseUrl.endsWith('/'), 'hlsKeyBaseUrl', 'must end with / (the key id is appended)');
  if (resolved.clearKeyLicenseUrl !== undefined) {
    checkUrlBase(resolved.clearKeyLicenseUrl, 'clearKeyLicenseUrl');
  }
  checkInteger(resolved.audioBitrateKbps, 'audioBitrateKbps', { min: 32, max: 512 });
  check(
    X264_PRESETS.includes(resolved.x264Preset),
    'x264Preset',
    `must be one of ${X264_PRESETS.join(', ')}`,
  );
  check(resolved.ivSize === 8 || resolved.ivSize === 16, 'ivSize', 'must be 8 or 16');
  checkInteger(resolved.stepTimeoutMs, 'stepTimeoutMs', { min: 1000, max: 48 * 3600 * 1000 });
}

/** The options with their defaults, or a PackagerInputError naming the first bad field. */
export function resolveOptions(options: PackageOptions): ResolvedOptions {
  checkPaths(options);
  check(
    typeof options.title === 'string' && options.title.length <= 63 && NAME.test(options.title),
    'title',
    `${JSON.stringify(options.title)} is not a name (${NAME_PATTERN})`,
  );
  const range = options.bitrateRangeMbps ?? { min: MIN_BITRATE_MBPS, max: MAX_BITRATE_MBPS };
  check(
    range.min > 0 && range.min <= range.max && range.max <= MAX_BITRATE_MBPS,
    'bitrateRangeMbps',
    `${range.min}-${range.max} is not within 0-${MAX_BITRATE_MBPS} Mbps`,
  );
  checkRenditions(options.renditions, range);
  checkKeys(options.keys);
  const resolved = withDefaults(options, range);
  checkSettings(resolved);
  return resolved;
}
