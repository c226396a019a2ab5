/**
 * HLS key rotation through the key FIFOs, against a real ffmpeg hls muxer: segment i gets the
 * key of its period, the feed records the periods it handed out, a schedule that runs out of
 * keys makes ffmpeg fail (no key is reused to fill the gap), and stopping never hangs, whether
 * ffmpeg read the FIFOs or never started. packageTitle refuses too few keys before encoding.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mediaTools } from '../media-tools.ts';
import { runFfmpeg } from './ffmpeg-process.ts';
import { HlsKeyFeed } from './hls-key-feed.ts';
import { readMediaPlaylist } from './hls-playlist.ts';
import { packageTitle } from './package-title.ts';
import { FfmpegError, PackagerInputError } from './packager-errors.ts';
import { freshKeys, makeTinyMezzanine, TINY, TINY_PACKAGE } from './test-support/tiny-media.ts';

describe('HLS key feed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'packager-feed-'));
  let mezzanine: string;
  let attempt = 0;
  const keys = freshKeys(TINY.seconds);

  before(async () => {
    mezzanine = await makeTinyMezzanine(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Encodes the mezzanine (a keyframe a second) into 1-second AES-128 HLS segments, keys from `feed`. */
  async function remux(feed: HlsKeyFeed): Promise<string> {
    const out = join(dir, `hls-${attempt++}`);
    mkdirSync(out);
    const playlist = join(out, 'index.m3u8');
    await runFfmpeg({
      ffmpeg: mediaTools().ffmpeg,
      step: 'hls:test',
      args: [
        ...[
          '-i',
          mezzanine,
          '-c:v',
          'libx264',
          '-preset',
          'ultrafast',
          '-g',
          String(TINY.fps),
          '-c:a',
          'copy',
        ],
        ...['-f', 'hls', '-hls_time', '1', '-hls_playlist_type', 'vod'],
        ...['-hls_flags', 'periodic_rekey', '-hls_key_info_file', feed.keyInfoPath, playlist],
      ],
      durationSeconds: TINY.seconds,
      timeoutMs: 30_000,
    });
    return playlist;
  }

  it('hands segment i the key of its period and records the periods', async () => {
    const feed = new HlsKeyFeed(dir, { keyFor: (i) => keys[Math.floor(i / 3)], uriFor: (id) => `/k/${id}` });
    feed.start();
    let playlist: string;
    try {
      playlist = await remux(feed);
    } finally {
      await feed.stop();
    }
    const segments = readMediaPlaylist(readFileSync(playlist, 'utf8'), 'test');
    assert.equal(segments.length, TINY.seconds);
    assert.deepEqual(
      segments.map((s) => s.keyUri),
      segments.map((_, i) => `/k/${keys[Math.floor(i / 3)]?.keyId}`),
    );
    assert.deepEqual(
      feed.keyPeriods.map((p) => [p.keyId, p.firstSegment, p.segments]),
      [
        [keys[0]?.keyId, 0, 3],
        [keys[1]?.keyId, 3, segments.length - 3],
      ],
    );
  });

  it('makes ffmpeg fail rather than reuse a key when the schedule runs out', async () => {
    const feed = new HlsKeyFeed(dir, {
      keyFor: (i) => (i < 2 ? keys[i] : undefined),
      uriFor: (id) => `/k/${id}`,
    });
    feed.start();
    try {
      await assert.rejects(remux(feed), FfmpegError);
    } finally {
      await feed.stop();
    }
    assert.match(feed.error?.message ?? '', /segment 2 has no key/);
    assert.equal(feed.keyPeriods.length, 2);
  });

  it('stops without hanging when ffmpeg never read the FIFOs', async () => {
    const feed = new HlsKeyFeed(dir, { keyFor: (i) => keys[i], uriFor: (id) => `/k/${id}` });
    feed.start();
    await feed.stop();
    assert.deepEqual(feed.keyPeriods, []);
  });

  it('packageTitle refuses too few keys for the rotation before encoding anything', async () => {
    const out = join(dir, 'refused');
    await assert.rejects(
      packageTitle({
        ...TINY_PACKAGE,
        input: mezzanine,
        outDir: out,
        title: 'too-few-keys',
        renditions: [{ name: 'low', codec: 'H.264', bitrateMbps: 0.25 }],
        keys: keys.slice(0, 1),
        keyRotationSegments: 1,
      }),
      (error: unknown) =>
        error instanceof PackagerInputError &&
        error.field === 'keys' &&
        /need 4 keys, 1 given/.test(error.message),
    );
    assert.equal(existsSync(out), false, 'the package folder was made before the refusal');
  });
});
