import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDuration } from './duration.ts';

test('Prometheus durations parse to milliseconds and format back', () => {
  assert.equal(parseDuration('5s'), 5000);
  assert.equal(parseDuration('14h'), 14 * 3_600_000);
  assert.equal(parseDuration('1h30m'), 90 * 60_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(formatDuration(14 * 3_600_000), '14h');
  assert.equal(formatDuration(90 * 60_000 + 500), '1h30m500ms');
  assert.equal(formatDuration(parseDuration('15d')), '2w1d');
});

test('anything else is refused, naming the setting', () => {
  for (const bad of ['', '5', '-5s', '5 s', '1.5h', 'h', '0s', `${'9'.repeat(40)}s`]) {
    assert.throws(() => parseDuration(bad, 'retention'), /retention must be/, bad);
  }
});
