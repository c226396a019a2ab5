/**
 * The packager's command line and option checks: flags become PackageOptions, and every refusal
 * (missing flag, unknown flag, a malformed list, keys file, bitrate outside the service range,
 * too many renditions) names the flag at fault, never a key's bytes. The bitrate ladder maps the
 * service range from SD to 1080p and never scales up.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MAX_BITRATE_MBPS, MIN_BITRATE_MBPS } from '@smart-fleet/model';
import { asCliError, CliError, parseCli } from './cli-args.ts';
import { defaultLadder, fitResolution } from './ladder.ts';
import { MAX_RENDITIONS, type PackageOptions, resolveOptions } from './package-options.ts';
import { PackagerInputError } from './packager-errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'packager-cli-'));
const input = join(dir, 'in.mp4');
writeFileSync(input, 'not really media: the flag checks never read it');
const SECRET = '00112233445566778899aabbccddeeff';
const keysFile = join(dir, 'keys.json');
writeFileSync(
  keysFile,
  JSON.stringify({ keys: [{ keyId: 'a3f1c2d4-5b6e-4f70-8a9b-0c1d2e3f4a5b', key: SECRET }] }),
);

const base = ['--input', input, '--out', join(dir, 'out'), '--title', 'demo', '--keys', keysFile];

/** The CLI's verdict: parsed and checked options, or the refusal against its flag. */
function cli(args: string[]): PackageOptions | CliError {
  try {
    const command = parseCli(args);
    assert.equal(command.help, false);
    if (command.help || command.library) {
      throw new Error('unreachable');
    }
    resolveOptions(command.options);
    return command.options;
  } catch (error) {
    if (error instanceof PackagerInputError) {
      return asCliError(error);
    }
    if (error instanceof CliError) {
      return error;
    }
    throw error;
  }
}

function refused(args: string[], flag: string, message: RegExp): void {
  const result = cli(args);
  assert.ok(result instanceof CliError, `${args.join(' ')} was accepted`);
  assert.equal(result.flag, flag, result.message);
  assert.match(result.message, message);
  assert.doesNotMatch(result.message, new RegExp(SECRET, 'i'));
}

after(() => rmSync(dir, { recursive: true, force: true }));

describe('packager command line', () => {
  it('turns flags into options', () => {
    const options = cli([
      ...base,
      '--renditions',
      'sd-2m:H.264:2,mp2-6m:MPEG-2:6',
      '--rotate-every',
      '3',
      '--formats',
      'hls',
    ]);
    assert.ok(!(options instanceof CliError), String(options));
    assert.deepEqual(options.renditions, [
      { name: 'sd-2m', codec: 'H.264', bitrateMbps: 2 },
      { name: 'mp2-6m', codec: 'MPEG-2', bitrateMbps: 6 },
    ]);
    assert.equal(options.keyRotationSegments, 3);
    assert.deepEqual(options.formats, ['hls']);
    assert.equal(options.keys[0]?.key.toString('hex'), SECRET);
  });

  it('answers --help', () => {
    assert.deepEqual(parseCli(['--help']), { help: true });
  });

  it('names the flag of each refusal', () => {
    const r = ['--renditions', 'sd-2m:H.264:2'];
    refused([...base], '--renditions', /required/);
    refused(['--title', 'demo'], '--input', /required/);
    refused([...base, ...r, '--bogus'], '--bogus', /Unknown option/);
    refused([...base, '--renditions', 'sd-2m:H.264'], '--renditions', /not name:codec:Mbps/);
    refused(
      [...base, '--renditions', `sd:H.264:${MAX_BITRATE_MBPS + 1}`],
      '--renditions',
      /renditions\[0\]\.bitrateMbps: .* outside/,
    );
    refused([...base, '--renditions', `sd:H.264:${MIN_BITRATE_MBPS / 2}`], '--renditions', /outside/);
    refused(
      [...base, '--renditions', 'sd:VP9:2'],
      '--renditions',
      /renditions\[0\]\.codec: "VP9" is not one of/,
    );
    refused([...base, '--renditions', 'sd:H.264:2,sd:H.264:4'], '--renditions', /appears twice/);
    const many = Array.from({ length: MAX_RENDITIONS + 1 }, (_, i) => `r${i}:H.264:2`).join(',');
    refused([...base, '--renditions', many], '--renditions', new RegExp(`between 1 and ${MAX_RENDITIONS}`));
    refused([...base, ...r, '--segment-seconds', '0'], '--segment-seconds', /from 1 to 30/);
    refused([...base, ...r, '--segment-seconds', 'soon'], '--segment-seconds', /whole number/);
    refused([...base, ...r, '--formats', 'hls,smooth'], '--formats', /"smooth" is not one of/);
    refused([...base, ...r, '--hls-key-url', 'ftp://keys'], '--hls-key-url', /http\(s\) URL/);
    refused([...base, ...r, '--preset', 'warp'], '--preset', /one of ultrafast/);
    refused([...base, ...r, '--iv-size', '12'], '--iv-size', /8 or 16/);
    refused([...base.slice(0, 2), '--out', dir, ...base.slice(4), ...r], '--out', /not empty/);
    refused([...base.slice(2), '--input', dir, ...r], '--input', /is not a file/);
  });

  it('refuses a bad keys file without quoting it', () => {
    const r = ['--renditions', 'sd-2m:H.264:2'];
    const write = (name: string, text: string) => {
      const file = join(dir, name);
      writeFileSync(file, text);
      return ['--keys', file];
    };
    const args = base.slice(0, 6);
    refused(
      [...args, ...r, ...write('broken.json', `{"keys":[{"keyId":"x","key":"${SECRET}"`)],
      '--keys',
      /cannot be read as JSON/,
    );
    refused(
      [
        ...args,
        ...r,
        ...write('short.json', JSON.stringify({ keys: [{ keyId: 'a', key: SECRET.slice(2) }] })),
      ],
      '--keys',
      /entry 0 needs/,
    );
    refused(
      [
        ...args,
        ...r,
        ...write('uuid.json', JSON.stringify({ keys: [{ keyId: 'not-a-uuid', key: SECRET }] })),
      ],
      '--keys',
      /keys\[0\]: key id "not-a-uuid" is not a UUID/,
    );
    refused([...args, ...r, ...write('none.json', '{"keys":[]}')], '--keys', /no "keys" list/);
  });
});

describe('bitrate ladder', () => {
  it('buys SD at the bottom of the service range and 1080p at the top, in order', () => {
    const heights = [MIN_BITRATE_MBPS, 4, 8, 12, MAX_BITRATE_MBPS].map((mbps) => defaultLadder(mbps).height);
    assert.equal(heights[0], 480);
    assert.equal(heights.at(-1), 1080);
    assert.deepEqual(
      [...heights].sort((a, b) => a - b),
      heights,
    );
  });

  it('keeps the source aspect, never scales up, and gives even sizes', () => {
    assert.deepEqual(fitResolution({ width: 1920, height: 1080 }, { width: 1280, height: 720 }), {
      width: 1280,
      height: 720,
    });
    assert.deepEqual(fitResolution({ width: 1280, height: 720 }, { width: 1440, height: 1080 }), {
      width: 960,
      height: 720,
    });
    assert.deepEqual(fitResolution({ width: 854, height: 480 }, { width: 1920, height: 1080 }), {
      width: 852,
      height: 480,
    });
  });

  it('takes --library mode with the hub supplying renditions and keys, and refuses single-title flags there', () => {
    const command = parseCli([
      '--library=/library',
      '--formats=hls',
      '--title',
      'seoul-by-night',
      '--kek-file',
      'k',
    ]);
    assert.ok(!command.help && command.library);
    assert.deepEqual(command.library, {
      library: '/library',
      title: 'seoul-by-night',
      namespace: undefined,
      kekFile: 'k',
      kekId: undefined,
      options: { formats: ['hls'] },
    });
    assert.throws(
      () => parseCli(['--library', '/library', '--keys', keysFile]),
      (error: Error) =>
        error instanceof CliError && error.flag === '--keys' && /come from the hub/.test(error.message),
    );
    assert.throws(
      () => parseCli(['--library', '/library', '--segment-seconds', 'four']),
      (error: Error) => error instanceof CliError && error.flag === '--segment-seconds',
    );
  });
});
