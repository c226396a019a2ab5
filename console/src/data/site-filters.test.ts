import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FilterError, MAX_FILTER_VALUES, siteFilterVariables, siteSortVariables } from './site-filters.ts';

describe('site list filters to the API SiteFilter', () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['nothing chosen', {}, {}],
    [
      'regions and phases',
      { regions: ['SEOUL', 'BUSAN'], phases: ['OFFLINE'] },
      { regions: ['SEOUL', 'BUSAN'], phases: ['OFFLINE'] },
    ],
    ['a single value becomes a list', { kinds: 'SCHOOL' }, { kinds: ['SCHOOL'] }],
    ['empty lists and blank text are no constraint', { regions: [], q: '   ' }, {}],
    ['text is trimmed', { q: '  gangnam ' }, { text: 'gangnam' }],
    [
      'tenants, releases, clusters by name',
      { tenants: ['metro-cable'], releases: ['edge-2-0'], clusters: ['wac-capital'] },
      { tenants: ['metro-cable'], releases: ['edge-2-0'], clusters: ['wac-capital'] },
    ],
    ['unknown keys are dropped', { colour: 'red', channels: ['CANARY'] }, { channels: ['CANARY'] }],
  ];
  for (const [name, filter, variables] of cases) {
    it(name, () => assert.deepEqual(siteFilterVariables(filter), variables));
  }

  it('caps text at 100 characters', () => {
    assert.equal((siteFilterVariables({ q: 'x'.repeat(500) }).text as string).length, 100);
  });

  const refused: [string, Record<string, unknown>, RegExp][] = [
    [
      'too many values',
      { regions: Array.from({ length: MAX_FILTER_VALUES + 1 }, () => 'SEOUL') },
      /regions: at most 50 values, not 51/,
    ],
    [
      'a value that is no enum name',
      { phases: ['ready; drop'] },
      /phases: "ready; drop" is not a valid value/,
    ],
    ['a non-string value', { kinds: [{ $ne: 1 }] }, /kinds: .* is not a valid value/],
    ['a tenant that is no object name', { tenants: ['Metro Cable'] }, /tenants: "Metro Cable"/],
  ];
  for (const [name, filter, message] of refused) {
    it(`refuses ${name}, naming the filter`, () =>
      assert.throws(
        () => siteFilterVariables(filter),
        (e: Error) => e instanceof FilterError && message.test(e.message),
      ));
  }
});

describe('site list sort to the API SiteSort', () => {
  it('maps each sortable column to its API field and direction', () => {
    assert.deepEqual(siteSortVariables({ field: 'name', order: 'ASC' }), { field: 'NAME', direction: 'ASC' });
    assert.deepEqual(siteSortVariables({ field: 'status.lastHeartbeat', order: 'DESC' }), {
      field: 'LAST_HEARTBEAT',
      direction: 'DESC',
    });
    assert.deepEqual(siteSortVariables({ field: 'spec.location.region', order: 'ASC' }), {
      field: 'REGION',
      direction: 'ASC',
    });
  });
  it("leaves react-admin's default id sort to the API's own order", () => {
    assert.equal(siteSortVariables({ field: 'id', order: 'ASC' }), undefined);
    assert.equal(siteSortVariables(undefined), undefined);
  });
  it('refuses a column the API cannot sort by', () => {
    assert.throws(
      () => siteSortVariables({ field: 'spec.tenant', order: 'ASC' }),
      /sites cannot be sorted by spec.tenant/,
    );
  });
});
