import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  buildSchema,
  type GraphQLSchema,
  getNamedType,
  parse,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { STAFF_ONLY_FIELDS } from '../../../api/src/schema/types/scopes.ts';
import { partnerOperationsManifest } from '../../scripts/partner-operations-manifest.ts';
import { documentFor, requestBody, sha256Hex } from './client.ts';
import { PARTNER_OPERATIONS } from './partner-operations.ts';
import { STAFF_OPERATIONS } from './staff-operations.ts';

const schema = buildSchema(readFileSync(new URL('../../../api/schema.graphql', import.meta.url), 'utf8'));
/** Types a partner can never read (docs/api.md): reaching one from a partner document is a bug. */
const STAFF_ONLY_TYPES = new Set([
  'WideAreaCluster',
  'SiteRelease',
  'Rollout',
  'ContentPlacement',
  'DrmPolicy',
  'Alert',
  'ApiKey',
]);
const STAFF_ONLY_ROOTS = new Set([
  'alerts',
  'apiKeys',
  'rollouts',
  'siteReleases',
  'wideAreaClusters',
  'drmPolicies',
  'regionSeries',
]);

function staffOnlyFieldsIn(document: string, s: GraphQLSchema): string[] {
  const found: string[] = [];
  const info = new TypeInfo(s);
  visit(
    parse(document),
    visitWithTypeInfo(info, {
      Field(node) {
        const parent = info.getParentType()?.name ?? '';
        const type = getNamedType(info.getType())?.name ?? '';
        const path = `${parent}.${node.name.value}`;
        if (
          path in STAFF_ONLY_FIELDS ||
          STAFF_ONLY_TYPES.has(type) ||
          (parent === 'Query' && STAFF_ONLY_ROOTS.has(node.name.value)) ||
          ['Site.cluster', 'Site.placement', 'Site.alerts', 'ContentTitle.drmPolicy'].includes(path)
        ) {
          found.push(path);
        }
      },
    }),
  );
  return found;
}

describe("the console's GraphQL documents", () => {
  for (const [name, document] of Object.entries({ ...STAFF_OPERATIONS, ...PARTNER_OPERATIONS })) {
    it(`${name} is valid against api/schema.graphql and named as it is keyed`, () => {
      const parsed = parse(document);
      assert.deepEqual(
        validate(schema, parsed).map((e) => e.message),
        [],
      );
      const operation = parsed.definitions[0];
      assert.equal(operation?.kind === 'OperationDefinition' ? operation.name?.value : undefined, name);
    });
  }

  it('partner documents read nothing a partner may not see', () => {
    for (const [name, document] of Object.entries(PARTNER_OPERATIONS)) {
      assert.deepEqual(staffOnlyFieldsIn(document, schema), [], name);
    }
    // and the check does catch one: the staff site document reads the cluster and conditions
    assert.ok(staffOnlyFieldsIn(STAFF_OPERATIONS.Site, schema).includes('Site.cluster'));
  });

  it('the allow-list file holds exactly the partner documents, keyed by the hash the browser sends', async () => {
    const manifest = partnerOperationsManifest();
    assert.equal(Object.keys(manifest).length, Object.keys(PARTNER_OPERATIONS).length);
    for (const document of Object.values(PARTNER_OPERATIONS)) {
      assert.equal(manifest[await sha256Hex(document)], document);
    }
  });

  it('a partner sends only the hash; staff send the document; a partner asking for a staff document is refused here', async () => {
    const partner = { kind: 'partner' as const, apiKey: 'sfk_x', tenant: 't', tenantName: 't' };
    const staff = { kind: 'staff' as const, token: 't', role: 'noc' as const, subject: 's', expiresAt: 0 };
    const body = JSON.parse(await requestBody(partner, 'PartnerSiteList', { first: 5 }));
    assert.equal(body.query, undefined);
    assert.equal(
      body.extensions.persistedQuery.sha256Hash,
      await sha256Hex(PARTNER_OPERATIONS.PartnerSiteList),
    );
    assert.equal(JSON.parse(await requestBody(staff, 'SiteList', {})).query, STAFF_OPERATIONS.SiteList);
    assert.throws(() => documentFor(partner, 'RolloutList'), { status: 403 });
  });
});
