/**
 * The packager's DASH output: a tiny title packaged into an H.264 and an MPEG-2 rendition plus
 * AAC, CENC-encrypted by our encryptor. ffmpeg with the title's key decodes every frame of each
 * representation (as many as the clear source has); with a wrong key the frames are not the
 * same; the boxes and the MPD say what ISO/IEC 23001-7 and DASH-IF ClearKey ask, and
 * packaged.json records what is on disk. (Decryption reads through a pipe: see
 * cenc/cenc-encryptor.test.ts for ffmpeg 5.1's trouble with seekable multi-fragment files.)
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLEARKEY_DASH_SYSTEM_ID, COMMON_SYSTEM_ID, inspectInit, inspectSegment } from '../cenc/index.ts';
import { packageTitle } from './package-title.ts';
import type { PackagedTitle } from './packaged-manifest.ts';
import {
  decode,
  freshKeys,
  makeTinyMezzanine,
  TINY_FRAMES,
  TINY_PACKAGE,
} from './test-support/tiny-media.ts';

describe('DASH output: CENC fMP4 with ContentProtection', () => {
  const dir = mkdtempSync(join(tmpdir(), 'packager-dash-'));
  const out = join(dir, 'package');
  const dash = join(out, 'dash');
  const [key] = freshKeys(1) as [{ keyId: string; key: Buffer }];
  let manifest: PackagedTitle;
  const files = (id: string) => [
    `init-${id}.m4s`,
    ...readdirSync(dash)
      .filter((f) => f.startsWith(`chunk-${id}-`))
      .sort(),
  ];
  const stream = (id: string) => Buffer.concat(files(id).map((f) => readFileSync(join(dash, f))));
  const decrypt = (id: string, keyBytes: Buffer, map = '0:v:0') =>
    decode({ input: ['-decryption_key', keyBytes.toString('hex'), '-i', 'pipe:0'], stdin: stream(id), map });

  before(async () => {
    const started = Date.now();
    manifest = await packageTitle({
      ...TINY_PACKAGE,
      input: await makeTinyMezzanine(dir),
      outDir: out,
      title: 'tiny-dash',
      renditions: [
        { name: 'avc', codec: 'H.264', bitrateMbps: 0.3 },
        { name: 'mp2', codec: 'MPEG-2', bitrateMbps: 0.5 },
      ],
      keys: [key],
      formats: ['dash'],
      clearKeyLicenseUrl: 'https://license.smart-fleet.test/clearkey',
    });
    console.error(`[test] packaged the DASH ladder in ${Date.now() - started} ms`);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('decodes every frame of each video representation with the key', async () => {
    for (const r of manifest.renditions) {
      const decoded = await decrypt(r.dash?.representationId ?? '', key.key);
      assert.equal(decoded.errors, '', `${r.name}: ffmpeg reported errors`);
      assert.equal(decoded.hashes.length, TINY_FRAMES, `${r.name}: frames decoded`);
    }
  });

  it('decodes the audio with the key, one frame per sample', async () => {
    const id = manifest.audio?.dash?.representationId ?? '';
    const samples = files(id)
      .slice(1)
      .flatMap((f) => inspectSegment({ data: readFileSync(join(dash, f)), name: f }, 8))
      .reduce((sum, t) => sum + t.trunSamples, 0);
    const decoded = await decrypt(id, key.key, '0:a:0');
    assert.equal(decoded.errors, '');
    // The encoder's priming frame is dropped by the edit list; every other sample decodes.
    assert.ok(
      decoded.hashes.length >= samples - 1 && decoded.hashes.length <= samples,
      `${decoded.hashes.length} of ${samples}`,
    );
  });

  it('does not give the same frames under a wrong key', async () => {
    for (const r of manifest.renditions) {
      const id = r.dash?.representationId ?? '';
      const right = await decrypt(id, key.key);
      const wrong = await decrypt(id, randomBytes(16));
      const same = wrong.hashes.filter((h, i) => h === right.hashes[i]).length;
      assert.ok(
        same < right.hashes.length / 10,
        `${r.name}: ${same} of ${right.hashes.length} frames match under a wrong key`,
      );
    }
  });

  it('puts the protection boxes where the spec says, in every file', () => {
    const expected = new Map([
      [manifest.renditions[0]?.dash?.representationId, ['encv', 'avc1', 2]],
      [manifest.renditions[1]?.dash?.representationId, ['encv', 'mp4v', 0]],
      [manifest.audio?.dash?.representationId, ['enca', 'mp4a', 0]],
    ]);
    assert.equal(expected.size, 3);
    for (const [id, [entry, format, sencFlags]] of expected) {
      const [initFile, ...segments] = files(id ?? '');
      const init = inspectInit({ data: readFileSync(join(dash, initFile ?? '')), name: initFile ?? '' });
      assert.deepEqual(
        [init.sampleEntry, init.originalFormat, init.scheme, init.defaultKeyId, init.ivSize],
        [entry, format, 'cenc', key.keyId, 8],
      );
      assert.deepEqual(init.psshSystemIds, [COMMON_SYSTEM_ID, CLEARKEY_DASH_SYSTEM_ID]);
      for (const f of segments) {
        for (const traf of inspectSegment({ data: readFileSync(join(dash, f)), name: f }, init.ivSize)) {
          assert.equal(traf.sencSamples, traf.trunSamples, `${f}: senc vs trun sample count`);
          assert.equal(traf.saizSamples, traf.trunSamples, `${f}: saiz vs trun sample count`);
          assert.equal(traf.saioTarget, traf.sencData, `${f}: saio does not point at senc's first IV`);
          assert.equal(traf.sencFlags, sencFlags, `${f}: senc subsample flag`);
        }
      }
    }
  });

  it('writes ContentProtection with the default KID and ClearKey pssh into each AdaptationSet', () => {
    const mpd = readFileSync(join(dash, 'manifest.mpd'), 'utf8');
    const sets = mpd.split('<AdaptationSet').slice(1);
    assert.equal(sets.length, 3, 'one AdaptationSet per video codec and one for audio');
    for (const set of sets) {
      assert.match(
        set,
        new RegExp(
          `schemeIdUri="urn:mpeg:dash:mp4protection:2011" value="cenc" cenc:default_KID="${key.keyId}"`,
        ),
      );
      assert.match(set, new RegExp(`schemeIdUri="urn:uuid:${COMMON_SYSTEM_ID}"[^]*?<cenc:pssh>`));
      assert.match(
        set,
        /<clearkey:Laurl Lic_type="EME-1.0">https:\/\/license.smart-fleet.test\/clearkey<\/clearkey:Laurl>/,
      );
    }
    assert.match(mpd, /xmlns:cenc="urn:mpeg:cenc:2013"/);
  });

  it('records in packaged.json what is on disk: segments, bytes, the KID, never the key', () => {
    const written = readFileSync(join(out, 'packaged.json'), 'utf8');
    assert.deepEqual(JSON.parse(written), JSON.parse(JSON.stringify(manifest)));
    assert.doesNotMatch(written, new RegExp(key.key.toString('hex')));
    for (const r of manifest.renditions) {
      const id = r.dash?.representationId ?? '';
      const segments = files(id).slice(1);
      assert.equal(r.dash?.segments, segments.length);
      const bytes = segments.reduce((sum, f) => sum + readFileSync(join(dash, f)).length, 0);
      assert.equal(r.dash?.bytes, bytes);
      assert.equal(r.dash?.keyId, key.keyId);
      // Measured from the bytes: near the target (tiny clips over- or undershoot a little).
      const ratio = (r.dash?.measuredMbps ?? 0) / r.targetMbps;
      assert.ok(
        ratio > 0.5 && ratio < 1.5,
        `${r.name}: ${r.dash?.measuredMbps} Mbps measured for ${r.targetMbps}`,
      );
    }
    assert.deepEqual(
      manifest.renditions.map((r) => [r.codec, r.encodedCodec]),
      [
        ['H.264', 'h264'],
        ['MPEG-2', 'mpeg2video'],
      ],
    );
  });

  it('keeps every rung at the source’s display aspect, so DASH takes rungs that even sizes round off it', async () => {
    // 250x140 is the even fit of 320x180 into a 250x144 box: 1.786, not 16:9 (as 854x480 is not).
    const offAspect = await packageTitle({
      ...TINY_PACKAGE,
      ladder: (mbps) => (mbps < 0.4 ? { width: 250, height: 144 } : { width: 320, height: 180 }),
      input: join(dir, 'mezzanine.mp4'),
      outDir: join(dir, 'off-aspect'),
      title: 'tiny-aspect',
      renditions: [
        { name: 'low', codec: 'H.264', bitrateMbps: 0.3 },
        { name: 'high', codec: 'H.264', bitrateMbps: 0.5 },
      ],
      keys: [key],
      formats: ['dash'],
    });
    assert.deepEqual(
      offAspect.renditions.map((r) => `${r.resolution.width}x${r.resolution.height}`),
      ['250x140', '320x180'],
    );
    const mpd = readFileSync(join(dir, 'off-aspect', 'dash', 'manifest.mpd'), 'utf8');
    assert.match(mpd, /par="16:9"/);
  });
});
