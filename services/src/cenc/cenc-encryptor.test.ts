/**
 * The CENC encryptor against ffmpeg as the reference decrypter: ffmpeg writes clear DASH (H.264,
 * MPEG-4 Part 2 and AAC tracks, 1-second segments), we protect it, and ffmpeg's
 * `-decryption_key` must give back exactly the clear frames (framemd5, frame by frame), with
 * 8- and 16-byte IVs; a wrong key must not. The boxes are read back where ISO/IEC 23001-7 puts
 * them, and the subsample maps are checked against the clear bytes.
 *
 * Decryption is fed through a pipe: ffmpeg 5.1's mov demuxer, given a seekable file of several
 * fragments, decrypts a sample with another fragment's senc entry (seen here: sample 0 under
 * fragment 2's first IV); read from a pipe it parses each moof just before its samples.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { mediaTools } from '../media-tools.ts';
import { decode, freshKeys, TINY } from '../packager/test-support/tiny-media.ts';
import { type BoxSource, readTopLevel } from './box-reader.ts';
import type { IvSize } from './cenc-boxes.ts';
import { inspectInit, inspectSegment } from './cenc-inspect.ts';
import { FieldReader } from './field-reader.ts';
import { protectInitSegment, type TrackProtection } from './init-segment.ts';
import { IvSequence } from './iv-sequence.ts';
import { protectMediaSegment } from './media-segment.ts';
import { COMMON_SYSTEM_ID } from './system-ids.ts';

const run = promisify(execFile);
const [KEY] = freshKeys(1) as [{ keyId: string; key: Buffer }];

interface Track {
  name: string;
  map: string;
  init: Buffer;
  segments: Buffer[];
}

/** ffmpeg's clear DASH of a tiny test picture and tone: representation 0 H.264, 1 MPEG-4 Part 2, 2 AAC. */
async function clearDash(dir: string): Promise<Track[]> {
  const { ffmpeg } = mediaTools();
  await run(
    ffmpeg,
    [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
      ...[
        '-f',
        'lavfi',
        '-i',
        `testsrc2=size=${TINY.width}x${TINY.height}:rate=${TINY.fps}:duration=${TINY.seconds}`,
      ],
      ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${TINY.seconds}`],
      ...[
        '-map',
        '0:v',
        '-map',
        '0:v',
        '-map',
        '1:a',
        '-c:v:0',
        'libx264',
        '-preset',
        'veryfast',
        '-c:v:1',
        'mpeg4',
      ],
      ...['-b:v', '300k', '-g', String(TINY.fps), '-sc_threshold', '0', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
      ...[
        '-f',
        'dash',
        '-seg_duration',
        '1',
        '-adaptation_sets',
        'id=0,streams=0 id=1,streams=1 id=2,streams=2',
      ],
      ...[
        '-init_seg_name',
        'init-$RepresentationID$.m4s',
        '-media_seg_name',
        'chunk-$RepresentationID$-$Number%05d$.m4s',
      ],
      join(dir, 'clear.mpd'),
    ],
    { timeout: 60_000 },
  );
  const files = readdirSync(dir).sort();
  return [
    ['h264', '0:v:0'],
    ['mpeg4', '0:v:0'],
    ['aac', '0:a:0'],
  ].map(([name, map], id) => ({
    name: name as string,
    map: map as string,
    init: readFileSync(join(dir, `init-${id}.m4s`)),
    segments: files.filter((f) => f.startsWith(`chunk-${id}-`)).map((f) => readFileSync(join(dir, f))),
  }));
}

interface Protected {
  tracks: TrackProtection[];
  init: Buffer;
  segments: Buffer[];
}

function protect(track: Track, ivSize: IvSize, ivs = new IvSequence(ivSize)): Protected {
  const init = protectInitSegment(
    { data: track.init, name: `${track.name} init` },
    { keyId: KEY.keyId, ivSize, systemIds: [COMMON_SYSTEM_ID] },
  );
  const segments = track.segments.map((data, i) =>
    protectMediaSegment(
      { data, name: `${track.name} segment ${i}` },
      { tracks: init.tracks, key: KEY.key, ivs },
    ),
  );
  return { tracks: init.tracks, init: init.bytes, segments };
}

/** Where a segment's sidx says its one subsegment (moof + mdat) starts and ends. */
function sidxSpan(src: BoxSource): { start: number; end: number } {
  const sidx = readTopLevel(src).find((b) => b.type === 'sidx');
  assert.ok(sidx, `${src.name}: no sidx`);
  const r = new FieldReader(src, sidx);
  const { version } = r.fullBox();
  r.skipBytes(8 + (version === 0 ? 4 : 8), 'reference_ID, timescale, earliest_presentation_time');
  const start = sidx.end + (version === 0 ? r.u32('first_offset') : r.u64('first_offset'));
  r.skipBytes(2, 'reserved');
  assert.equal(r.u16('reference_count'), 1);
  return { start, end: start + (r.u32('referenced_size') & 0x7fffffff) };
}

const decrypt = (p: Protected, map: string, key: Buffer) =>
  decode({
    input: ['-decryption_key', key.toString('hex'), '-i', 'pipe:0'],
    stdin: Buffer.concat([p.init, ...p.segments]),
    map,
  });

const clearFrames = (t: Track) =>
  decode({ input: ['-i', 'pipe:0'], stdin: Buffer.concat([t.init, ...t.segments]), map: t.map });

describe('CENC encryptor over ffmpeg clear DASH', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cenc-'));
  let tracks: Track[];

  before(async () => {
    tracks = await clearDash(dir);
    assert.ok(
      tracks.every((t) => t.segments.length >= TINY.seconds),
      'ffmpeg wrote fewer segments than expected',
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const ivSize of [8, 16] as const) {
    it(`decrypts to exactly the clear frames of every track (${ivSize}-byte IVs)`, async () => {
      // One IV sequence across all tracks, as the packager uses it under one key.
      const ivs = new IvSequence(ivSize);
      for (const track of tracks) {
        const clear = await clearFrames(track);
        assert.equal(clear.errors, '');
        const decrypted = await decrypt(protect(track, ivSize, ivs), track.map, KEY.key);
        assert.equal(decrypted.errors, '', `${track.name}: ffmpeg reported errors`);
        assert.ok(clear.hashes.length > 0);
        assert.deepEqual(
          decrypted.hashes,
          clear.hashes,
          `${track.name}: decrypted frames differ from the clear ones`,
        );
      }
    });
  }

  it('does not decode cleanly under a wrong key', async () => {
    for (const track of tracks) {
      const clear = await clearFrames(track);
      const wrong = await decrypt(protect(track, 8), track.map, randomBytes(16));
      const same = wrong.hashes.filter((h, i) => h === clear.hashes[i]).length;
      // Either ffmpeg's decoder complains or the pictures and sounds are not the clear ones.
      assert.ok(
        wrong.errors !== '' || same === 0,
        `${track.name}: ${same} of ${clear.hashes.length} frames still match`,
      );
      assert.ok(
        same < clear.hashes.length / 10,
        `${track.name}: ${same} of ${clear.hashes.length} frames still match`,
      );
    }
  });

  it('writes encv/enca with sinf (frma, schm cenc, tenc with the KID) and a common-system pssh', () => {
    const formats = tracks.map((t) => {
      const info = inspectInit({ data: protect(t, 16).init, name: t.name });
      assert.equal(info.defaultKeyId, KEY.keyId);
      assert.equal(info.scheme, 'cenc');
      assert.equal(info.ivSize, 16);
      assert.deepEqual(info.psshSystemIds, [COMMON_SYSTEM_ID]);
      return `${info.sampleEntry}/${info.originalFormat}`;
    });
    assert.deepEqual(formats, ['encv/avc1', 'encv/mp4v', 'enca/mp4a']);
  });

  it('gives every traf a senc, saiz and saio that agree with its trun and point at senc', () => {
    for (const track of tracks) {
      const p = protect(track, 8);
      p.segments.forEach((data, i) => {
        const where = `${track.name} segment ${i}`;
        for (const traf of inspectSegment({ data, name: where }, 8)) {
          assert.ok(traf.trunSamples > 0, where);
          assert.equal(traf.sencSamples, traf.trunSamples, `${where}: senc sample count`);
          assert.equal(traf.saizSamples, traf.trunSamples, `${where}: saiz sample count`);
          assert.equal(traf.saioTarget, traf.sencData, `${where}: saio offset`);
          assert.equal(traf.sencFlags, track.name === 'h264' ? 2 : 0, `${where}: subsample flag`);
          const mdat = readTopLevel({ data, name: where }).find((b) => b.type === 'mdat');
          assert.equal(
            traf.dataStart,
            (mdat?.offset ?? 0) + 8,
            `${where}: trun data_offset after the moof grew`,
          );
        }
        const moof = readTopLevel({ data, name: where }).find((b) => b.type === 'moof');
        assert.deepEqual(
          sidxSpan({ data, name: where }),
          { start: moof?.offset, end: data.length },
          `${where}: sidx`,
        );
      });
    }
  });

  it('keeps each H.264 NAL length and header clear and encrypts the rest of each slice', () => {
    const track = tracks.find((t) => t.name === 'h264') as Track;
    const p = protect(track, 8);
    let protectedBytes = 0;
    p.segments.forEach((data, i) => {
      const where = `segment ${i}`;
      const [traf] = inspectSegment({ data, name: where }, 8);
      const clearMdat = readTopLevel({ data: track.segments[i] as Buffer, name: where }).find(
        (b) => b.type === 'mdat',
      );
      const encMdat = readTopLevel({ data, name: where }).find((b) => b.type === 'mdat');
      let clearAt = (clearMdat?.offset ?? 0) + 8;
      let encAt = (encMdat?.offset ?? 0) + 8;
      for (const sample of traf?.samples ?? []) {
        for (const run of sample.subsamples ?? []) {
          const clearRun = track.segments[i]?.subarray(clearAt, clearAt + run.clear);
          assert.deepEqual(
            data.subarray(encAt, encAt + run.clear),
            clearRun,
            `${where}: a clear run changed`,
          );
          // A clear run ends with a 4-byte NAL length and a coded-slice header (types 1-5).
          const header = (clearRun?.[run.clear - 1] ?? 0) & 0x1f;
          assert.ok(
            run.protected === 0 || (header >= 1 && header <= 5),
            `${where}: protected bytes follow NAL type ${header}`,
          );
          const a = data.subarray(encAt + run.clear, encAt + run.clear + run.protected);
          const b = track.segments[i]?.subarray(clearAt + run.clear, clearAt + run.clear + run.protected);
          assert.ok(run.protected === 0 || !a.equals(b as Buffer), `${where}: protected bytes left clear`);
          protectedBytes += run.protected;
          clearAt += run.clear + run.protected;
          encAt += run.clear + run.protected;
        }
      }
      assert.equal(encAt, encMdat?.end, `${where}: the subsample maps do not cover the mdat`);
    });
    assert.ok(protectedBytes > 0);
  });
});
