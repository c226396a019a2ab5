import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKnownTimeZone } from './time-zones.ts';

describe('isKnownTimeZone: what Intl.DateTimeFormat accepts', () => {
  const cases: [string, boolean][] = [
    ['Asia/Seoul', true],
    ['UTC', true], // not in Intl.supportedValuesOf('timeZone'), which lists canonical names only
    ['Etc/UTC', true],
    ['Asia/Calcutta', true], // an alias of Asia/Kolkata
    ['US/Pacific', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
    ['Z', false],
    ['Asia/Seoul ', false],
  ];
  for (const [zone, known] of cases) {
    it(`${JSON.stringify(zone)} is ${known ? 'known' : 'unknown'}`, () => {
      assert.equal(isKnownTimeZone(zone), known);
      assert.equal(isKnownTimeZone(zone), known, 'the second answer comes from the cache and agrees');
      let threw = false;
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
      } catch {
        threw = true;
      }
      assert.equal(!threw, known, 'agrees with the constructor');
    });
  }

  it('answers for many distinct unknown names without growing without end', () => {
    for (let i = 0; i < 5000; i++) {
      assert.equal(isKnownTimeZone(`Nowhere/Place_${i}`), false);
    }
  });
});
