/**
 * The packager CLI's flags: parsed into PackageOptions, each refusal a CliError naming the flag,
 * including the refusals packageTitle's own checks make (their option field is mapped back to
 * its flag here, in one table). Keys come from a JSON file, never the command line, where every
 * process listing would show them; errors about keys name the entry, never its bytes.
 */
import { readFileSync, statSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { ContentKey } from '../cenc/index.ts';
import { FORMATS, type Format, type PackageOptions, type RenditionSpec } from './package-options.ts';
import type { PackagerInputError } from './packager-errors.ts';
import type { Codec } from './video-codecs.ts';

export const USAGE = `usage: npm run package -- --input FILE --out DIR --title NAME --renditions LIST --keys FILE [options]

Packages a mezzanine file into a rendition ladder: HLS (AES-128 MPEG-TS, key rotation) and
DASH (CENC fMP4 with ClearKey ContentProtection), recorded in DIR/packaged.json.

  --input FILE              the mezzanine (any file ffmpeg reads, with a video stream)
  --out DIR                 where the package goes; created, must be empty if it exists
  --title NAME              the ContentTitle's name (lower case, digits, dashes)
  --renditions LIST         name:codec:Mbps,... codec one of H.264, MPEG-4, MPEG-2, MPEG-1;
                            2 to 20 Mbps, e.g. sd-2m:H.264:2,hd-8m:H.264:8,fhd-20m:H.264:20
  --keys FILE               JSON {"keys":[{"keyId":"<uuid>","key":"<32 hex>"}, ...]}: the title's
                            content keys; HLS key period p uses key p, DASH uses the first
  --formats LIST            hls,dash (default both)
  --segment-seconds N       segment length, 1-30 (default 4)
  --rotate-every N          a new HLS key every N segments (default: one key throughout)
  --hls-key-url BASE        HLS key URI base, the key id is appended (default /keys/hls/)
  --clearkey-license-url U  written into the MPD's ClearKey ContentProtection
  --preset NAME             x264 preset (default medium)
  --iv-size 8|16            CENC per-sample IV size (default 8)
  -h, --help                this text

usage: npm run package -- --library DIR [--title NAME] [--namespace NS] [--kek-file FILE] [options]

Packages the mezzanines waiting in DIR/ingest/ (each named after its ContentTitle, e.g.
seoul-by-night.mp4) into DIR/<title>/, with the renditions the ContentTitle lists and the keys
its key Secret holds (opened with the KEK: SMART_FLEET_DRM_KEK, or --kek-file), writes mpeg7.xml
beside each and records the package in the title's status. Titles already packaged under live
keys are left alone. The hub is $KUBECONFIG's cluster.

  --library DIR             the library the origins serve
  --title NAME              only this title's mezzanine
  --namespace NS            the hub namespace of the titles (default smart-fleet)
  --kek-file FILE           the KEK (base64 of 32 bytes), e.g. the local hub's drm-kek
  --kek-id ID               the KEK's id in the sealed records (default local-1, the local hub's)
  --formats, --segment-seconds, --rotate-every, --hls-key-url, --clearkey-license-url, --preset
                            as above`;

const OPTIONS = {
  input: { type: 'string' },
  out: { type: 'string' },
  title: { type: 'string' },
  renditions: { type: 'string' },
  keys: { type: 'string' },
  formats: { type: 'string' },
  'segment-seconds': { type: 'string' },
  'rotate-every': { type: 'string' },
  'hls-key-url': { type: 'string' },
  'clearkey-license-url': { type: 'string' },
  preset: { type: 'string' },
  'iv-size': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Which flag sets which option: the one map from packageTitle's field names back to flags. */
const FLAG_OF_FIELD: Readonly<Record<string, string>> = {
  input: '--input',
  outDir: '--out',
  title: '--title',
  renditions: '--renditions',
  keys: '--keys',
  formats: '--formats',
  segmentSeconds: '--segment-seconds',
  keyRotationSegments: '--rotate-every',
  hlsKeyBaseUrl: '--hls-key-url',
  clearKeyLicenseUrl: '--clearkey-license-url',
  x264Preset: '--preset',
  ivSize: '--iv-size',
};

const MAX_KEYS_FILE_BYTES = 1024 * 1024;
const MAX_LIST_ITEMS = 64;

export class CliError extends Error {
  override readonly name = 'CliError';
  readonly flag: string;

  constructor(flag: string, message: string) {
    super(`${flag}: ${message}`);
    this.flag = flag;
  }
}

/** A packageTitle refusal restated against the flag that set the field. */
export function asCliError(error: PackagerInputError): CliError {
  const root = error.field.split(/[.[]/)[0] ?? error.field;
  const flag = FLAG_OF_FIELD[root] ?? `(${error.field})`;
  // A sub-field (renditions[1].bitrateMbps, keys[2]) stays in the message: it says which item.
  return new CliError(
    flag,
    root === error.field ? error.message.slice(error.field.length + 2) : error.message,
  );
}

function required(value: string | undefined, flag: string): string {
  if (!value) {
    throw new CliError(flag, 'is required (see --help)');
  }
  return value;
}

function whole(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!/^\d{1,9}$/.test(value)) {
    throw new CliError(flag, `must be a whole number, not ${JSON.stringify(value)}`);
  }
  return Number(value);
}

function list(value: string, flag: string): string[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.length > MAX_LIST_ITEMS || items.some((s) => s === '')) {
    throw new CliError(flag, `must be a comma-separated list of at most ${MAX_LIST_ITEMS} items`);
  }
  return items;
}

export function parseRenditions(value: string): RenditionSpec[] {
  return list(value, '--renditions').map((item) => {
    const [name, codec, mbps, ...rest] = item.split(':');
    if (!name || !codec || !mbps || rest.length > 0 || !/^\d+(\.\d+)?$/.test(mbps)) {
      throw new CliError(
        '--renditions',
        `${JSON.stringify(item)} is not name:codec:Mbps (e.g. hd-8m:H.264:8)`,
      );
    }
    return { name, codec: codec as Codec, bitrateMbps: Number(mbps) };
  });
}

function keyEntry(entry: unknown, index: number): ContentKey {
  const e = entry as { keyId?: unknown; key?: unknown };
  if (typeof e?.keyId !== 'string' || typeof e.key !== 'string' || !/^[0-9a-fA-F]{32}$/.test(e.key)) {
    throw new CliError('--keys', `entry ${index} needs "keyId" (a UUID) and "key" (32 hex digits)`);
  }
  return { keyId: e.keyId, key: Buffer.from(e.key, 'hex') };
}

export function readKeysFile(file: string): ContentKey[] {
  let parsed: unknown;
  try {
    if (statSync(file).size > MAX_KEYS_FILE_BYTES) {
      throw new CliError('--keys', `${file} is over ${MAX_KEYS_FILE_BYTES} bytes`);
    }
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if (error instanceof CliError) {
      throw error;
    }
    // The parser's message may quote the file's text, which holds keys: say only what failed.
    throw new CliError(
      '--keys',
      `${file} cannot be read as JSON (${(error as NodeJS.ErrnoException).code ?? 'syntax error'})`,
    );
  }
  const keys = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new CliError('--keys', `${file} has no "keys" list`);
  }
  return keys.map(keyEntry);
}

function formats(value: string | undefined): Format[] | undefined {
  if (value === undefined) {
    return undefined;
  }
  const items = list(value, '--formats');
  const bad = items.find((f) => !FORMATS.includes(f as Format));
  if (bad) {
    throw new CliError('--formats', `${JSON.stringify(bad)} is not one of ${FORMATS.join(', ')}`);
  }
  return items as Format[];
}

export type CliCommand =
  | { help: true }
  | { help: false; library?: undefined; options: PackageOptions }
  | { help: false; library: LibraryCommand };

/** `--library` mode: where, which titles, and the packaging options every title shares. */
export interface LibraryCommand {
  library: string;
  title?: string;
  namespace?: string;
  kekFile?: string;
  /** The id records sealed under the file's KEK name (the local hub's is local-1). */
  kekId?: string;
  options: Partial<PackageOptions>;
}

const LIBRARY_OPTIONS = {
  library: { type: 'string' },
  title: { type: 'string' },
  namespace: { type: 'string' },
  'kek-file': { type: 'string' },
  'kek-id': { type: 'string' },
  formats: { type: 'string' },
  'segment-seconds': { type: 'string' },
  'rotate-every': { type: 'string' },
  'hls-key-url': { type: 'string' },
  'clearkey-license-url': { type: 'string' },
  preset: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** parseArgs, strict, its refusal restated as a CliError against the flag it names. */
function flags<T extends ParseArgsConfig['options']>(argv: readonly string[], options: T, hint = '') {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const flag = /'(-[^' ]+)/.exec((error as Error).message)?.[1] ?? '(arguments)';
    throw new CliError(flag, `${(error as Error).message}${hint}`);
  }
}

function libraryCommand(argv: readonly string[]): CliCommand {
  const values = flags(
    argv,
    LIBRARY_OPTIONS,
    " (with --library, a title's renditions and keys come from the hub)",
  );
  if (values.help) {
    return { help: true };
  }
  return {
    help: false,
    library: {
      library: required(values.library, '--library'),
      title: values.title,
      namespace: values.namespace,
      kekFile: values['kek-file'],
      kekId: values['kek-id'],
      options: {
        ...optional('formats', formats(values.formats)),
        ...optional('segmentSeconds', whole(values['segment-seconds'], '--segment-seconds')),
        ...optional('keyRotationSegments', whole(values['rotate-every'], '--rotate-every')),
        ...optional('hlsKeyBaseUrl', values['hls-key-url']),
        ...optional('clearKeyLicenseUrl', values['clearkey-license-url']),
        ...optional('x264Preset', values.preset as PackageOptions['x264Preset']),
      },
    },
  };
}

export function parseCli(argv: readonly string[]): CliCommand {
  if (argv.some((a) => a === '--library' || a.startsWith('--library='))) {
    return libraryCommand(argv);
  }
  const values = flags(argv, OPTIONS);
  if (values.help) {
    return { help: true };
  }
  const ivSize = whole(values['iv-size'], '--iv-size');
  const options: PackageOptions = {
    input: required(values.input, '--input'),
    outDir: required(values.out, '--out'),
    title: required(values.title, '--title'),
    renditions: parseRenditions(required(values.renditions, '--renditions')),
    keys: readKeysFile(required(values.keys, '--keys')),
    ...optional('formats', formats(values.formats)),
    ...optional('segmentSeconds', whole(values['segment-seconds'], '--segment-seconds')),
    ...optional('keyRotationSegments', whole(values['rotate-every'], '--rotate-every')),
    ...optional('hlsKeyBaseUrl', values['hls-key-url']),
    ...optional('clearKeyLicenseUrl', values['clearkey-license-url']),
    ...optional('x264Preset', values.preset as PackageOptions['x264Preset']),
    ...optional('ivSize', ivSize as PackageOptions['ivSize']),
  };
  return { help: false, options };
}

function optional<K extends keyof PackageOptions>(
  key: K,
  value: PackageOptions[K] | undefined,
): Partial<PackageOptions> {
  return value === undefined ? {} : { [key]: value };
}
