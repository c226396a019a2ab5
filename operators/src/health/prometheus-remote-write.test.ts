import assert from 'node:assert/strict';
import { test } from 'node:test';
import protobuf from 'protobufjs';
import { uncompressSync } from 'snappy';
import { encodeWriteRequest, RemoteWriteUnavailable, remoteWriter } from './prometheus-remote-write.ts';

test('a WriteRequest is snappy-compressed protobuf with labels sorted by name and ms timestamps', () => {
  const body = encodeWriteRequest([
    {
      labels: { site: 'apt-1', __name__: 'smart_fleet_site_errors', namespace: 'fleet' },
      samples: [
        { timestamp: 1_700_000_000_123, value: 1 },
        { timestamp: 1_700_000_005_123, value: 2.5 },
      ],
    },
  ]);
  const raw = Buffer.from(uncompressSync(body) as Buffer);
  // Decoded field by field, independently of the encoder's schema: 1 = timeseries.
  const reader = protobuf.Reader.create(raw);
  assert.equal(reader.uint32() >>> 3, 1);
  const series = protobuf.Reader.create(reader.bytes());
  const labels: string[] = [];
  const samples: [number, number][] = [];
  while (series.pos < series.len) {
    const tag = series.uint32() >>> 3;
    const inner = protobuf.Reader.create(series.bytes());
    if (tag === 1) {
      inner.uint32();
      const name = inner.string();
      inner.uint32();
      labels.push(`${name}=${inner.string()}`);
    } else {
      inner.uint32();
      const value = inner.double();
      inner.uint32();
      samples.push([Number(inner.int64()), value]);
    }
  }
  assert.deepEqual(labels, ['__name__=smart_fleet_site_errors', 'namespace=fleet', 'site=apt-1']);
  assert.deepEqual(samples, [
    [1_700_000_000_123, 1],
    [1_700_000_005_123, 2.5],
  ]);
});

test('a Prometheus that does not answer is RemoteWriteUnavailable, naming where', async () => {
  await assert.rejects(
    remoteWriter('http://127.0.0.1:1', 500).write([{ labels: { __name__: 'x' }, samples: [] }]),
    (error: unknown) =>
      error instanceof RemoteWriteUnavailable && /127\.0\.0\.1:1 did not answer/.test(error.message),
  );
});
