import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { buildSchema, type GraphQLEnumType } from 'graphql';
import englishMessages from 'ra-language-english';
import { en, type Messages } from './en.ts';
import { messagesFor, regionLabels } from './i18n-provider.ts';
import { ko } from './ko.ts';
import { raKorean } from './ra-korean.ts';

function keys(tree: Messages, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`),
  );
}
const schema = buildSchema(readFileSync(new URL('../../../api/schema.graphql', import.meta.url), 'utf8'));
const values = (type: string) => (schema.getType(type) as GraphQLEnumType).getValues().map((v) => v.name);

describe('Korean and English', () => {
  it("have the same keys for the console's own text", () => {
    assert.deepEqual(keys(ko as Messages).sort(), keys(en as Messages).sort());
  });

  it("have the same keys for react-admin's text", () => {
    assert.deepEqual(keys(raKorean as Messages).sort(), keys(englishMessages as unknown as Messages).sort());
  });

  it('say every value of the API enums the console shows, in both languages', () => {
    const groups: [string, string][] = [
      ['phase', 'SitePhase'],
      ['kind', 'SiteKind'],
      ['channel', 'ReleaseChannel'],
      ['severity', 'AlertSeverity'],
      ['source_kind', 'AlertSourceKind'],
      ['rollout_phase', 'RolloutPhase'],
      ['wave_state', 'WaveState'],
      ['cluster_phase', 'ClusterPhase'],
      ['node_role', 'NodeRole'],
      ['tenant_kind', 'TenantKind'],
      ['placement_state', 'ContentPlacementState'],
      ['scope', 'PartnerScope'],
    ];
    for (const locale of ['ko', 'en']) {
      const app = messagesFor(locale).app as unknown as Record<string, Record<string, string>>;
      for (const [group, type] of groups) {
        for (const value of values(type)) {
          assert.ok(app[group]?.[value], `${locale}: app.${group}.${value}`);
        }
      }
      for (const region of values('RegionCode')) {
        assert.ok(app.region?.[region], `${locale}: app.region.${region}`);
      }
    }
  });

  it("take region names from the model, in each language's own", () => {
    assert.equal(regionLabels('ko').SEOUL, '서울특별시');
    assert.equal(regionLabels('en').GYEONGBUK, 'North Gyeongsang');
  });
});
