/**
 * The packager's HLS output, played over HTTP by ffmpeg as a client: a tiny title packaged into a
 * two-rendition ladder with the key rotated every 2 one-second segments, served from 127.0.0.1
 * with its keys at the license service's key path. Right keys decode every frame of every
 * rendition (across the rotation boundary); wrong or missing keys do not.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readMediaPlaylist } from './hls-playlist.ts';
import { packageTitle } from './package-title.ts';
import type { PackagedTitle } from './packaged-manifest.ts';
import { type MediaServer, startMediaServer } from './test-support/media-server.ts';
import {
  decode,
  freshKeys,
  makeTinyMezzanine,
  TINY_FRAMES,
  TINY_PACKAGE,
} from './test-support/tiny-media.ts';

describe('HLS output: AES-128 MPEG-TS with key rotation, played over HTTP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'packager-hls-'));
  const out = join(dir, 'package');
  const keys = freshKeys(2);
  let manifest: PackagedTitle;
  let server: MediaServer;
  const playlistUrl = (rendition: string) => `${server.url}/hls/${rendition}/index.m3u8`;
  const play = (rendition: string) => decode({ input: ['-i', playlistUrl(rendition)] });

  before(async () => {
    const started = Date.now();
    manifest = await packageTitle({
      ...TINY_PACKAGE,
      input: await makeTinyMezzanine(dir),
      outDir: out,
      title: 'tiny-hls',
      renditions: [
        { name: 'low', codec: 'H.264', bitrateMbps: 0.25 },
        { name: 'high', codec: 'H.264', bitrateMbps: 0.5 },
      ],
      keys,
      formats: ['hls'],
      keyRotationSegments: 2,
    });
    console.error(`[test] packaged the HLS ladder in ${Date.now() - started} ms`);
    server = await startMediaServer(out, keys);
  });

  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('decodes every frame of every rendition with the right keys, at the ladder resolution', async () => {
    for (const r of manifest.renditions) {
      const decoded = await play(r.name);
      assert.equal(decoded.errors, '', `${r.name}: ffmpeg reported errors`);
      assert.equal(decoded.hashes.length, TINY_FRAMES, `${r.name}: frames decoded`);
    }
    assert.deepEqual(
      manifest.renditions.map((r) => `${r.name} ${r.resolution.width}x${r.resolution.height}`),
      ['low 256x144', 'high 320x180'],
    );
  });

  it('rotates the key every 2 segments: distinct key URIs in the playlist, each key fetched', () => {
    for (const r of manifest.renditions) {
      const segments = readMediaPlaylist(
        readFileSync(join(out, 'hls', r.name, 'index.m3u8'), 'utf8'),
        r.name,
      );
      const uris = segments.map((s) => s.keyUri);
      assert.deepEqual(
        uris,
        [0, 0, 1, 1].map((p) => `/keys/hls/${keys[p]?.keyId}`),
        `${r.name}: key per segment`,
      );
      assert.deepEqual(
        r.hls?.keyPeriods.map((p) => [p.keyId, p.firstSegment, p.segments]),
        keys.map((k, i) => [k.keyId, i * 2, 2]),
      );
    }
    for (const k of keys) {
      assert.ok((server.keyRequests.get(k.keyId) ?? 0) > 0, `key ${k.keyId} was never requested`);
    }
  });

  it('writes segments that are not clear MPEG-TS (no sync byte every 188 bytes)', () => {
    const segment = readFileSync(join(out, 'hls', 'low', 'segment-00000.ts'));
    const syncBytes = [0, 188, 376, 564].filter((at) => segment[at] === 0x47).length;
    assert.ok(syncBytes < 4, 'the first segment reads as clear TS');
  });

  it('fails to decode with wrong keys', async () => {
    const wrong = keys.map((k) => [k.keyId, randomBytes(16)] as const);
    for (const [id, bytes] of wrong) {
      server.keys.set(id, bytes);
    }
    try {
      const decoded = await play('low');
      // Not even one key period's worth: AES-CBC under a wrong key fails its padding check.
      assert.ok(
        decoded.hashes.length < TINY_FRAMES / 2,
        `${decoded.hashes.length} frames decoded with a wrong key`,
      );
      assert.notEqual(decoded.errors, '', 'ffmpeg decoded a wrong key without complaint');
    } finally {
      for (const k of keys) {
        server.keys.set(k.keyId, k.key);
      }
    }
  });

  it('fails to decode when no key is served', async () => {
    server.keys.clear();
    try {
      const decoded = await play('low');
      assert.match(decoded.errors, /Unable to open key file/);
      assert.equal(decoded.hashes.length, 0);
    } finally {
      for (const k of keys) {
        server.keys.set(k.keyId, k.key);
      }
    }
  });

  it('decodes only the second key period when the first key is not served', async () => {
    const [first] = keys;
    server.keys.delete(first?.keyId ?? '');
    try {
      const decoded = await play('high');
      assert.match(decoded.errors, /Unable to open key file/);
      // Two periods of equal length: the second one's frames, and none of the first's.
      assert.equal(decoded.hashes.length, TINY_FRAMES / 2);
    } finally {
      server.keys.set(first?.keyId ?? '', first?.key ?? Buffer.alloc(0));
    }
  });

  it('writes a master playlist with each rendition, its resolution and measured bandwidth', () => {
    const master = readFileSync(join(out, 'hls', 'master.m3u8'), 'utf8');
    for (const r of manifest.renditions) {
      const line = master.split('\n').find((_line, i, all) => all[i + 1] === `${r.name}/index.m3u8`) ?? '';
      assert.match(line, new RegExp(`RESOLUTION=${r.resolution.width}x${r.resolution.height}`));
      const average = Number(/AVERAGE-BANDWIDTH=(\d+)/.exec(line)?.[1]);
      assert.ok(Math.abs(average - (r.hls?.measuredMbps ?? 0) * 1e6) <= 1, `${r.name}: ${average} bps`);
    }
    const bytes = manifest.renditions.map((r) => r.hls?.bytes ?? 0);
    assert.ok((bytes[1] ?? 0) > (bytes[0] ?? 0), `the higher rung is not bigger: ${bytes}`);
  });
});
