import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TelemetryBuffer } from './telemetry-buffer.ts';

const t = {
  activeStreams: 1,
  egressMbps: 1,
  cacheHitRatio: 1,
  storageUsedGB: 1,
  acceleratorsHealthy: 1,
  drmDenials: 0,
  errors: 0,
};
const file = () => join(mkdtempSync(join(tmpdir(), 'buffer-')), 'telemetry.jsonl');

describe('TelemetryBuffer', () => {
  it('keeps samples across instances (an agent restart)', () => {
    const path = file();
    new TelemetryBuffer(path).append({ at: 1, telemetry: t });
    new TelemetryBuffer(path).append({ at: 2, telemetry: t });
    assert.deepEqual(
      new TelemetryBuffer(path).read().map((s) => s.at),
      [1, 2],
    );
  });

  it('drops the oldest past its bound, and nothing within it', () => {
    const buffer = new TelemetryBuffer(file(), 3);
    for (const at of [1, 2, 3]) {
      buffer.append({ at, telemetry: t });
    }
    assert.deepEqual(
      buffer.read().map((s) => s.at),
      [1, 2, 3],
    );
    buffer.append({ at: 4, telemetry: t });
    assert.deepEqual(
      buffer.read().map((s) => s.at),
      [2, 3, 4],
    );
  });

  it('drops what the hub accepted, keeping what came after', () => {
    const buffer = new TelemetryBuffer(file());
    for (const at of [1, 2, 3]) {
      buffer.append({ at, telemetry: t });
    }
    buffer.drop(2);
    assert.deepEqual(
      buffer.read().map((s) => s.at),
      [3],
    );
  });
});

describe('TelemetryBuffer for replays', () => {
  it('holds a 12-hour outage at 5 s beats by default, and hands it out oldest first', () => {
    const buffer = new TelemetryBuffer(file());
    for (let at = 0; at < 8640; at++) {
      buffer.append({ at, telemetry: t });
    }
    assert.equal(buffer.size, 8640);
    assert.deepEqual(
      buffer.head(3).map((s) => s.at),
      [0, 1, 2],
    );
    buffer.drop(1000);
    assert.equal(buffer.size, 7640);
    assert.equal(buffer.head(1)[0]?.at, 1000);
  });

  it('skips a line a crash cut short, keeping the rest', () => {
    const path = file();
    const buffer = new TelemetryBuffer(path);
    buffer.append({ at: 1, telemetry: t });
    appendFileSync(path, '{"at":2,"tele');
    const reopened = new TelemetryBuffer(path);
    reopened.append({ at: 3, telemetry: t });
    assert.deepEqual(
      reopened.read().map((s) => s.at),
      [1, 3],
    );
  });
});
