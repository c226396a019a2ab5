/**
 * The standalone edge's plan file: a good plan is taken as written (trailing slashes off the
 * parents), and every bad one is refused with the file and field named, whatever is wrong.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkEdgePlan, EdgePlanError, MAX_PLAN_BYTES, readEdgePlan } from './edge-plan-file.ts';

const GOOD = {
  egressBudgetMbps: 4000,
  originUrls: ['http://10.0.0.7:8080/'],
  titles: [{ title: 'seoul-by-night', renditions: ['hd-8m', 'sd-2m'], sizeMB: 900 }],
  fillAllowed: false,
};

const refusal = (value: unknown): string => {
  try {
    checkEdgePlan('plan.json', value);
  } catch (error) {
    assert.ok(error instanceof EdgePlanError);
    return error.message;
  }
  return 'taken';
};

describe('edge plan file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-plan-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('takes a good plan', () => {
    assert.deepEqual(checkEdgePlan('plan.json', GOOD), { ...GOOD, originUrls: ['http://10.0.0.7:8080'] });
  });

  it('refuses each bad field by name', () => {
    const cases: [unknown, RegExp][] = [
      [[], /\(root\): must be a JSON object/],
      [{ ...GOOD, extra: 1 }, /extra: unknown field/],
      [{ ...GOOD, egressBudgetMbps: -1 }, /egressBudgetMbps/],
      [{ ...GOOD, egressBudgetMbps: Number.NaN }, /egressBudgetMbps/],
      [{ ...GOOD, originUrls: [] }, /originUrls: must list 1 to 64/],
      [{ ...GOOD, originUrls: ['file:///etc/passwd'] }, /originUrls\[0\]: .* is not http:\/\/host:port/],
      [{ ...GOOD, originUrls: ['http://user@10.0.0.7:8080'] }, /originUrls\[0\]/],
      [{ ...GOOD, originUrls: ['http://10.0.0.7:8080/library'] }, /originUrls\[0\]/],
      [{ ...GOOD, titles: [{ title: '../etc', renditions: ['a'] }] }, /titles\[0\]\.title/],
      [{ ...GOOD, titles: [{ title: 'a', renditions: [] }] }, /titles\[0\]\.renditions: must list 1 to 16/],
      [{ ...GOOD, titles: [{ title: 'a', renditions: ['ok', 'Bad Name'] }] }, /titles\[0\]\.renditions\[1\]/],
      [{ ...GOOD, titles: [{ title: 'a', renditions: ['ok'], sizeMB: 1.5 }] }, /titles\[0\]\.sizeMB/],
      [
        { ...GOOD, titles: Array.from({ length: 10_001 }, () => GOOD.titles[0]) },
        /titles: must be a list of at most/,
      ],
      [{ ...GOOD, fillAllowed: 'yes' }, /fillAllowed: must be true or false/],
    ];
    for (const [value, expected] of cases) {
      assert.match(refusal(value), expected);
      assert.match(refusal(value), /^plan\.json: /);
    }
  });

  it('refuses a file that is missing, not JSON, or too large', () => {
    assert.throws(
      () => readEdgePlan(join(dir, 'missing.json')),
      /missing\.json: \(file\): cannot be read \(ENOENT\)/,
    );
    writeFileSync(join(dir, 'bad.json'), '{"egressBudgetMbps": ');
    assert.throws(() => readEdgePlan(join(dir, 'bad.json')), /bad\.json: \(file\): is not JSON/);
    writeFileSync(join(dir, 'big.json'), ' '.repeat(MAX_PLAN_BYTES + 1));
    assert.throws(() => readEdgePlan(join(dir, 'big.json')), /big\.json: \(file\): is over/);
    writeFileSync(join(dir, 'good.json'), JSON.stringify(GOOD));
    assert.equal(readEdgePlan(join(dir, 'good.json')).egressBudgetMbps, 4000);
  });
});
