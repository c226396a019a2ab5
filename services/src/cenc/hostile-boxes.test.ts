/**
 * Malformed and hostile MP4 refused by the encryptor with a typed Mp4BoxError that names the box
 * (by path) and the byte offset: truncated boxes, sizes overflowing their parent, 64-bit sizes
 * out of range, too many boxes or samples, samples outside the mdat, NAL units past their sample,
 * layouts we do not move (absolute base offsets), already protected tracks. Then every
 * truncation of a real init and media segment is refused the same way, never with a RangeError.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { mediaTools } from '../media-tools.ts';
import { BOX_LIMITS, readTopLevel } from './box-reader.ts';
import { box, fullBox, u32 } from './box-writer.ts';
import { protectInitSegment, type TrackProtection } from './init-segment.ts';
import { IvSequence } from './iv-sequence.ts';
import { protectMediaSegment } from './media-segment.ts';
import { Mp4BoxError, type Mp4BoxProblem } from './mp4-box-error.ts';
import { COMMON_SYSTEM_ID } from './system-ids.ts';
import { MAX_SAMPLES_PER_TRAF } from './track-fragment.ts';

const KEY = Buffer.alloc(16, 7);
const KEY_ID = '6f1d0b2e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const AVC_TRACK: TrackProtection = {
  trackId: 1,
  originalFormat: 'avc1',
  layout: { kind: 'avc', nalLengthSize: 4 },
  defaultSampleSize: undefined,
};

const protectSegment = (data: Buffer) =>
  protectMediaSegment(
    { data, name: 'hostile.m4s' },
    { tracks: [AVC_TRACK], key: KEY, ivs: new IvSequence(8) },
  );
const protectInit = (data: Buffer) =>
  protectInitSegment(
    { data, name: 'hostile-init.mp4' },
    { keyId: KEY_ID, ivSize: 8, systemIds: [COMMON_SYSTEM_ID] },
  );

function refusal(
  fn: () => unknown,
  expected: { problem: Mp4BoxProblem; box: string; offset: number },
): Mp4BoxError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof Mp4BoxError, `expected an Mp4BoxError, got ${String(caught)}`);
  assert.deepEqual(
    { problem: caught.problem, box: caught.box, offset: caught.offset },
    expected,
    caught.message,
  );
  assert.match(
    caught.message,
    new RegExp(`${expected.box.replace(/[()\\]/g, '\\$&')} at byte ${expected.offset}:`),
  );
  assert.doesNotMatch(caught.message, new RegExp(KEY.toString('hex')));
  return caught;
}

/** A one-traf moof (default-base-is-moof, sizes in trun) followed by its mdat. */
function segment(options: {
  sampleSizes: number[];
  mdat: Buffer;
  dataOffsetDelta?: number;
  tfhdFlags?: number;
}): Buffer {
  const tfhd = fullBox(
    'tfhd',
    { version: 0, flags: options.tfhdFlags ?? 0x20000 },
    u32(1),
    ...(options.tfhdFlags === 0x1 ? [Buffer.alloc(8)] : []),
  );
  const trunSize = 8 + 4 + 4 + 4 + options.sampleSizes.length * 4;
  const moofSize = 8 + (8 + 8) + (8 + tfhd.length + trunSize);
  const dataOffset = moofSize + 8 + (options.dataOffsetDelta ?? 0);
  const trun = fullBox(
    'trun',
    { version: 0, flags: 0x201 },
    u32(options.sampleSizes.length),
    u32(dataOffset),
    ...options.sampleSizes.map(u32),
  );
  const moof = box('moof', fullBox('mfhd', { version: 0, flags: 0 }, u32(1)), box('traf', tfhd, trun));
  return Buffer.concat([moof, box('mdat', options.mdat)]);
}

/** One H.264 sample: a 4-byte length, an IDR slice header byte, then payload. */
const slice = (payload: number) =>
  Buffer.concat([u32(payload + 1), Buffer.of(0x65), Buffer.alloc(payload, 0xab)]);

describe('hostile and malformed MP4 boxes are refused, naming the box and the byte offset', () => {
  it('a file that ends inside a box header', () => {
    refusal(() => protectSegment(Buffer.from('00000010', 'hex')), {
      problem: 'truncated',
      box: '(header)',
      offset: 0,
    });
  });

  it('a top-level box whose size runs past the end of the file', () => {
    const data = Buffer.concat([u32(1000), Buffer.from('moof'), Buffer.alloc(20)]);
    refusal(() => protectSegment(data), { problem: 'truncated', box: 'moof', offset: 0 });
  });

  it('a child whose size overflows its parent', () => {
    const data = box('moof', Buffer.concat([u32(500), Buffer.from('traf'), Buffer.alloc(8)]));
    refusal(() => protectSegment(data), { problem: 'bad-size', box: 'moof/traf', offset: 8 });
  });

  it('a box smaller than its own header', () => {
    const data = Buffer.concat([box('free'), u32(4), Buffer.from('moof')]);
    refusal(() => protectSegment(data), { problem: 'bad-size', box: 'moof', offset: 8 });
  });

  it('a 64-bit box size beyond any file we take', () => {
    const data = Buffer.concat([u32(1), Buffer.from('mdat'), Buffer.from('ffffffffffffffff', 'hex')]);
    refusal(() => protectSegment(data), { problem: 'bad-size', box: 'mdat', offset: 0 });
  });

  it('more boxes in one container than any segment has', () => {
    const data = Buffer.concat(
      Array.from({ length: BOX_LIMITS.maxBoxesPerContainer + 1 }, () => box('free')),
    );
    refusal(() => protectSegment(data), {
      problem: 'too-many',
      box: '(file)',
      offset: BOX_LIMITS.maxBoxesPerContainer * 8,
    });
  });

  it('a trun claiming more samples than a traf may hold', () => {
    const data = segment({ sampleSizes: [10], mdat: slice(5) });
    const trunAt = data.indexOf('trun') - 4;
    data.writeUInt32BE(MAX_SAMPLES_PER_TRAF + 1, trunAt + 12);
    refusal(() => protectSegment(data), { problem: 'too-many', box: 'moof/traf/trun', offset: trunAt });
  });

  it('a trun whose sample records run past the box', () => {
    const data = segment({ sampleSizes: [10], mdat: slice(5) });
    const trunAt = data.indexOf('trun') - 4;
    data.writeUInt32BE(50, trunAt + 12);
    refusal(() => protectSegment(data), { problem: 'truncated', box: 'moof/traf/trun', offset: trunAt + 20 });
  });

  it('a sample lying outside every mdat', () => {
    const data = segment({ sampleSizes: [10], mdat: slice(5), dataOffsetDelta: 4 });
    const trunAt = data.indexOf('trun') - 4;
    const error = refusal(() => protectSegment(data), {
      problem: 'bad-size',
      box: 'moof/traf/trun',
      offset: trunAt,
    });
    assert.match(error.message, /sample 0 .* lies outside every mdat/);
  });

  it('a NAL unit whose length runs past its sample', () => {
    const nal = Buffer.concat([u32(400), Buffer.of(0x65), Buffer.alloc(15)]);
    const data = segment({ sampleSizes: [nal.length], mdat: nal });
    const mdatAt = data.indexOf('mdat') - 4;
    refusal(() => protectSegment(data), { problem: 'bad-size', box: 'mdat', offset: mdatAt + 8 });
  });

  it('a track fragment with an absolute base_data_offset', () => {
    const data = segment({ sampleSizes: [10], mdat: slice(5), tfhdFlags: 0x1 });
    refusal(() => protectSegment(data), {
      problem: 'unsupported',
      box: 'moof/traf/tfhd',
      offset: data.indexOf('tfhd') - 4,
    });
  });

  it('a fragment of a track the init segment does not have', () => {
    const data = segment({ sampleSizes: [10], mdat: slice(5) });
    data.writeUInt32BE(9, data.indexOf('tfhd') + 8);
    refusal(() => protectSegment(data), {
      problem: 'missing',
      box: 'moof/traf',
      offset: data.indexOf('traf') - 4,
    });
  });

  it('a media segment without a moof, an init segment without a moov', () => {
    refusal(() => protectSegment(box('free')), { problem: 'missing', box: '(file)', offset: 0 });
    refusal(() => protectInit(box('ftyp', Buffer.from('iso5'))), {
      problem: 'missing',
      box: '(file)',
      offset: 0,
    });
  });

  it('the one well-formed synthetic segment is taken, so the refusals above are about their faults', () => {
    const data = segment({ sampleSizes: [10, 10], mdat: Buffer.concat([slice(5), slice(5)]) });
    assert.ok(protectSegment(data).length > data.length);
  });
});

describe('every truncation of real segments is refused as an Mp4BoxError', () => {
  it('cuts an ffmpeg init and media segment at every 7th byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cenc-hostile-'));
    try {
      await promisify(execFile)(
        mediaTools().ffmpeg,
        [
          ...[
            '-hide_banner',
            '-loglevel',
            'error',
            '-nostdin',
            '-f',
            'lavfi',
            '-i',
            'testsrc2=size=64x36:rate=10:duration=1',
          ],
          ...[
            '-c:v',
            'libx264',
            '-preset',
            'ultrafast',
            '-f',
            'dash',
            '-init_seg_name',
            'init.m4s',
            '-media_seg_name',
            'seg-$Number$.m4s',
          ],
          join(dir, 'x.mpd'),
        ],
        { timeout: 30_000 },
      );
      const init = readFileSync(join(dir, 'init.m4s'));
      const media = readFileSync(join(dir, 'seg-1.m4s'));
      const { tracks } = protectInit(init);
      const refusals = new Map<string, number>();
      let cuts = 0;
      for (const [file, data, protect] of [
        ['init', init, (d: Buffer) => protectInit(d)],
        [
          'media',
          media,
          (d: Buffer) =>
            protectMediaSegment({ data: d, name: 'cut' }, { tracks, key: KEY, ivs: new IvSequence(8) }),
        ],
      ] as const) {
        // Every cut lands inside some box (the last one ends the file), so every cut is malformed.
        assert.equal(readTopLevel({ data, name: file }).at(-1)?.end, data.length);
        for (let at = 1; at < data.length; at += 7) {
          cuts++;
          assert.throws(
            () => protect(data.subarray(0, at)),
            (error: unknown) => {
              assert.ok(error instanceof Mp4BoxError, `${file} cut at ${at}: ${String(error)}`);
              refusals.set(error.problem, (refusals.get(error.problem) ?? 0) + 1);
              return true;
            },
          );
        }
      }
      assert.ok(cuts > 50, `${cuts} cuts`);
      assert.ok((refusals.get('truncated') ?? 0) > 0, JSON.stringify([...refusals]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
