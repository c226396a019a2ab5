/**
 * Persisted operations against a running server over a real hub: with an allow-list, a partner
 * runs only the operations in it, by id; staff may still send any document. And the list the
 * API ships (api/operations/partner-operations.json, what `npm start` and the hub stack load):
 * every operation in it runs for a partner holding the scopes it needs, by id alone,
 * subscriptions included.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { listAll } from '@smart-fleet/kube';
import type { Site } from '@smart-fleet/model';
import { getOperationAST, Kind, parse } from 'graphql';
import {
  type ApiHarness,
  apiHarness,
  type Caller,
  headersFor,
  writeSiteStatus,
} from '../../test/support/api-server.ts';
import { subscribe } from '../../test/support/sse.ts';
import { readPartnerOperations } from '../src/persisted-operations.ts';
import { assertAnswered, onlyError, post, send } from './http-answers.ts';

const byId = (sha256Hash: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash } } });

describe('persisted-operation allow-list for partners', () => {
  const ALLOWED = 'query Summary { fleetSummary { sites } }';
  const hash = createHash('sha256').update(ALLOWED).digest('hex');
  let h: ApiHarness;
  let partner: Caller;

  before(async () => {
    h = await apiHarness({
      sites: 4,
      prefix: 'api-pq',
      serverOptions: { partnerOperations: { [hash]: ALLOWED } },
    });
    const [site] = (await listAll(h.hub.client, 'Site', h.namespace)) as unknown as Site[];
    assert.ok(site);
    partner = await h.partnerKey(site.spec.tenant, ['sites:read']);
  });
  after(() => h?.stop());

  test('a partner runs an allowed operation by its sha256, sending no document', async () => {
    const answer = await post(h.api.url, partner, byId(hash));
    assertAnswered(answer);
    assert.ok(answer.body?.data.fleetSummary.sites > 0, answer.text);
  });

  test('a partner may also send the id over GET', async () => {
    const answer = await send(h.api.url, partner, {
      method: 'GET',
      search: `?extensions=${encodeURIComponent(JSON.stringify(byId(hash).extensions))}`,
    });
    assertAnswered(answer);
  });

  test('a partner sending any document is refused, even the allowed one spelled out', async () => {
    for (const query of ['{ tenants { totalCount } }', ALLOWED]) {
      const error = onlyError(await post(h.api.url, partner, { query }));
      assert.equal(error.message, 'PersistedQueryOnly');
      assert.equal(error.extensions?.code, 'CANNOT_SEND_PQ_ID_AND_BODY');
    }
  });

  test('a partner sending an unknown id is refused', async () => {
    const unknown = createHash('sha256').update('{ tenants { totalCount } }').digest('hex');
    const error = onlyError(await post(h.api.url, partner, byId(unknown)));
    assert.equal(error.extensions?.code, 'PERSISTED_QUERY_NOT_IN_LIST');
  });

  test('staff may still send any document, and the allowed ids', async () => {
    const answer = await post(h.api.url, h.operator, {
      query: '{ tenants { totalCount } sites { totalCount } }',
    });
    assertAnswered(answer);
    assert.equal(answer.body?.data.sites.totalCount, 4);
    assertAnswered(await post(h.api.url, h.noc, byId(hash)));
  });
});

describe('the shipped partner operations', () => {
  const shipped = readPartnerOperations();
  const operations = Object.entries(shipped).map(([hash, document]) => {
    const operation = getOperationAST(parse(document));
    assert.ok(operation?.name);
    return { hash, name: operation.name.value, operation };
  });
  let h: ApiHarness;
  let site: Site;
  let own: number;

  before(async () => {
    h = await apiHarness({
      sites: 12,
      prefix: 'api-shipped-ops',
      serverOptions: { partnerOperations: shipped },
    });
    const sites = (await listAll(h.hub.client, 'Site', h.namespace)) as unknown as Site[];
    site = sites[0] as Site;
    own = sites.filter((s) => s.spec.tenant === site.spec.tenant).length;
  });
  after(() => h?.stop());

  /** Values for an operation's required variables: the partner's own site where it names one. */
  function variablesFor(op: (typeof operations)[number]): Record<string, unknown> {
    const known: Record<string, unknown> = {
      namespace: h.namespace,
      name: site.metadata.name,
      id: Buffer.from(`Site:${h.namespace}/${site.metadata.name}`).toString('base64'),
      first: 10,
    };
    const variables: Record<string, unknown> = {};
    for (const definition of op.operation.variableDefinitions ?? []) {
      const name = definition.variable.name.value;
      if (name in known) {
        variables[name] = known[name];
      } else {
        const required = definition.type.kind === Kind.NON_NULL_TYPE && !definition.defaultValue;
        assert.ok(!required, `${op.name}: give the test a value for its required $${name}`);
      }
    }
    return variables;
  }

  test('holds every operation of the partner folder and the console, and subscriptions among them', () => {
    assert.ok(operations.length >= 18, String(operations.map((o) => o.name)));
    assert.ok(operations.some((o) => o.operation.operation === 'subscription'));
  });

  test('every query runs for a partner with every scope, by id alone, and sees only its tenant', async () => {
    const partner = await h.partnerKey(site.spec.tenant, ['sites:read', 'content:read', 'telemetry:read']);
    for (const op of operations.filter((o) => o.operation.operation === 'query')) {
      const answer = await post(h.api.url, partner, { ...byId(op.hash), variables: variablesFor(op) });
      assertAnswered(answer);
      if (op.name === 'PartnerSites' || op.name === 'PartnerSiteList' || op.name === 'MapSites') {
        assert.equal(answer.body?.data.sites.totalCount, own, op.name);
      }
    }
  });

  test('a key without telemetry:read runs the site operations but not the telemetry ones', async () => {
    const partner = await h.partnerKey(site.spec.tenant, ['sites:read']);
    const run = (name: string) => {
      const op = operations.find((o) => o.name === name);
      assert.ok(op, name);
      return post(h.api.url, partner, { ...byId(op.hash), variables: variablesFor(op) });
    };
    assertAnswered(await run('PartnerSites'));
    assertAnswered(await run('PartnerFleetSummary'));
    for (const name of ['PartnerFleetUsage', 'PartnerSiteTelemetry']) {
      const answer = await run(name);
      assert.ok(
        answer.body?.errors?.every((e) => e.extensions?.code === 'FORBIDDEN'),
        `${name}: ${answer.text}`,
      );
    }
  });

  test('the phase subscription runs by id over Server-Sent Events', async () => {
    const op = operations.find((o) => o.name === 'PartnerSitePhaseChanged');
    assert.ok(op);
    const partner = await h.partnerKey(site.spec.tenant, ['sites:read']);
    const stream = await subscribe(h.api.url, headersFor(partner), undefined, {}, byId(op.hash).extensions);
    try {
      await writeSiteStatus(h.hub.client, h.namespace, site.metadata.name, { phase: 'Ready' });
      const event = await stream.next();
      const change = event.data?.sitePhaseChanged as { to: string } | undefined;
      assert.equal(change?.to, 'READY', JSON.stringify(event));
    } finally {
      stream.close();
    }
  });
});
