import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_DEVICE_PATTERN,
  DevicePatternError,
  MAX_PATTERN_CHARS,
  parseDevicePattern,
  parseDevicePatterns,
} from './device-pattern.ts';

describe('device patterns', () => {
  const cases: [pattern: string, matching: string[], notMatching: string[]][] = [
    [
      DEFAULT_DEVICE_PATTERN,
      ['smart-accel0', 'smart-accel12', 'smart-accel3-ctl'],
      ['smart-accel', 'smart-accelx', 'xsmart-accel0'],
    ],
    ['/dev/nvidia[0-9]*', ['nvidia0', 'nvidia15'], ['nvidiactl', 'nvidia-uvm', 'nvidia', 'nvidia-caps']],
    ['/dev/accel?', ['accel0', 'accelx'], ['accel', 'accel10']],
    ['/dev/card[!0-1]', ['card2', 'cardx'], ['card0', 'card1', 'card22']],
    ['/dev/card[^0-1]', ['card2'], ['card1']],
    ['/dev/sa[ab]-*-x', ['saa--x', 'sab-12-x', 'sab-1-2-x'], ['sac-1-x', 'saa-1-y']],
    ['/dev/exact0', ['exact0'], ['exact00', 'exact']],
    ['/dev/*', ['anything'], ['.hidden']],
    ['/dev/.h*', ['.hidden'], ['hidden']],
  ];
  for (const [text, yes, no] of cases) {
    it(`${text} matches ${yes.join(', ')} and not ${no.join(', ')}`, () => {
      const pattern = parseDevicePattern(text);
      assert.equal(pattern.dir, '/dev');
      for (const name of yes) {
        assert.equal(pattern.matches(name), true, name);
      }
      for (const name of no) {
        assert.equal(pattern.matches(name), false, name);
      }
    });
  }

  it('keeps the directory literal, and nested directories work', () => {
    assert.equal(parseDevicePattern('/var/run/smart/dev/accel[0-3]').dir, '/var/run/smart/dev');
  });

  it('costs at most name x pattern steps on a pattern of many stars', () => {
    const pattern = parseDevicePattern(`/dev/${'*a'.repeat(40)}b`);
    const started = process.hrtime.bigint();
    assert.equal(pattern.matches('a'.repeat(255)), false);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(ms < 100, `took ${ms} ms: a backtracking matcher would take years`);
  });

  const refused: [string, string, RegExp][] = [
    ['empty', '', /1 to 256 characters/],
    ['too long', `/dev/${'a'.repeat(MAX_PATTERN_CHARS)}`, /1 to 256 characters/],
    ['relative', 'dev/accel*', /absolute path/],
    ['a directory', '/dev/', /absolute path/],
    ['a glob in the directory', '/dev/*/accel0', /only the last path segment/],
    ['dot-dot', '/dev/../etc/passwd', /written plainly/],
    ['an unclosed class', '/dev/accel[0-9', /not closed/],
    ['a stray bracket', '/dev/accel]', /closes no class/],
    ['an empty class', '/dev/accel[!]x', /names no characters/],
    ['a backwards range', '/dev/accel[9-0]', /runs backwards/],
  ];
  for (const [what, text, message] of refused) {
    it(`refuses ${what}, naming the pattern`, () => {
      assert.throws(
        () => parseDevicePattern(text),
        (error: unknown) =>
          error instanceof DevicePatternError &&
          message.test(error.message) &&
          error.message.startsWith('device pattern'),
      );
    });
  }

  it('takes 1 to 16 patterns', () => {
    assert.equal(parseDevicePatterns(['/dev/a*', '/dev/b*']).length, 2);
    assert.throws(() => parseDevicePatterns([]), DevicePatternError);
    assert.throws(
      () => parseDevicePatterns(Array.from({ length: 17 }, (_, i) => `/dev/a${i}`)),
      /1 to 16 patterns/,
    );
  });
});
