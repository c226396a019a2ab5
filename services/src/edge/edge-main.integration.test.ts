/**
 * `npm run edge` as a process, as the streaming-edge image runs it: refuses bad flags and a bad
 * plan at start with the field named (exit 2), serves the plan it was given, takes a rewritten
 * plan, keeps serving the last good one when a rewrite fails its check, takes a key the hub
 * rotated in (and refuses a key set that is not public keys), and serves its figures to the site
 * agent on its status port.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@smart-fleet/kube';
import { exportJWK } from 'jose';
import { issueEntitlement } from '../license/entitlement.ts';
import {
  type EntitlementSigner,
  generateEntitlementSigner,
  publicKeySet,
} from '../license/entitlement-keys.ts';
import { Origin } from '../origin/origin.ts';
import { EDGE_TELEMETRY_PATH, type EdgeReading } from './edge-status-server.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

function run(args: string[]): { child: ChildProcess; output: string[] } {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...process.env, SMART_FLEET_LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  return { child, output };
}

const logged = (output: string[], message: string) =>
  output
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((entry) => entry.msg === message || entry.message === message);

describe('npm run edge, as a process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-main-'));
  const planFile = join(dir, 'plan.json');
  const keysFile = join(dir, 'jwks.json');
  let origin: Origin;
  let edge: ReturnType<typeof run>;
  let hubKey: EntitlementSigner;
  const plan = (over: Record<string, unknown> = {}) =>
    writeFileSync(
      planFile,
      JSON.stringify({
        egressBudgetMbps: 40,
        originUrls: [origin.url],
        titles: [],
        fillAllowed: false,
        ...over,
      }),
    );
  const args = () => [
    ...['--site', 'apt-seoul-00001', '--plan', planFile, '--license-proxy', '127.0.0.1:9'],
    ...['--entitlement-keys', keysFile, '--listen', '127.0.0.1:0', '--status', '127.0.0.1:0'],
    ...['--dir', join(dir, 'edge')],
  ];

  before(async () => {
    hubKey = await generateEntitlementSigner('hub-1');
    writeFileSync(keysFile, JSON.stringify(publicKeySet([hubKey])));
    origin = await Origin.start({ dir: join(dir, 'origin'), libraryDir: dir, host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    edge?.child.kill('SIGTERM');
    await origin?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a missing flag and a bad plan at start, naming them', async () => {
    const noPlan = run(['--site', 'apt-seoul-00001']);
    const [code] = await once(noPlan.child, 'exit');
    assert.equal(code, 2);
    assert.match(noPlan.output.join(''), /edge: --plan FILE \(or EDGE_PLAN_FILE\) is required/);

    plan({ originUrls: ['ftp://10.0.0.1/'] });
    const badPlan = run(args());
    const [badCode] = await once(badPlan.child, 'exit');
    assert.equal(badCode, 2);
    assert.match(badPlan.output.join(''), /plan\.json: originUrls\[0\]: .* is not http:\/\/host:port/);
  });

  it('serves its plan, takes a rewritten one, and keeps the last good one when a rewrite is bad', async () => {
    plan();
    edge = run(args());
    const url = await waitFor(async () => logged(edge.output, 'serving')?.url as string | undefined, {
      what: 'the edge to serve',
      timeoutMs: 30_000,
      abortReason: () => (edge.child.exitCode === null ? undefined : `it exited: ${edge.output.join('')}`),
    });
    const unentitled = () => fetch(`${url}/sessions`, { method: 'POST', body: '{"title":"x"}' });
    assert.equal((await unentitled()).status, 401);
    // Its figures, for the site agent, on the status port.
    const status = logged(edge.output, 'serving')?.status as string;
    const reading = (await (await fetch(`${status}${EDGE_TELEMETRY_PATH}`)).json()) as EdgeReading;
    assert.equal(reading.telemetry.activeStreams, 0);
    assert.equal(reading.telemetry.storageUsedGB, 0);
    assert.deepEqual(reading.fill, { plannedMB: 0, filledMB: 0, titlesComplete: 0, titlesPlaced: 0 });
    assert.equal((await fetch(`${status}${EDGE_TELEMETRY_PATH}`, { method: 'POST' })).status, 405);
    assert.equal((await fetch(`${status}/sessions`)).status, 404, 'the status port opens no session');

    plan({ egressBudgetMbps: -5 });
    const refused = await waitFor(async () => logged(edge.output, 'plan refused; the last good plan stays'), {
      what: 'the bad plan to be refused',
      timeoutMs: 15_000,
    });
    assert.match(String(refused.error), /egressBudgetMbps: must be a number/);
    assert.equal((await unentitled()).status, 401, 'still serving');

    plan({ egressBudgetMbps: 80, fillAllowed: true });
    const applied = await waitFor(async () => logged(edge.output, 'plan applied'), {
      what: 'the rewritten plan to be applied',
      timeoutMs: 15_000,
    });
    assert.equal(applied.fillAllowed, true);

    // The hub rotates in a second key: a session it signs is verified from then on.
    const rotated = await generateEntitlementSigner('hub-2');
    const open = async (signer: EntitlementSigner) => {
      const claims = { subscriber: 'ann', tenant: 'acme', title: 'x', site: 'apt-seoul-00001' };
      const token = await issueEntitlement(signer, {
        ...claims,
        kids: ['5f0c3d52-4a8e-4b8e-9b1e-2d7b9f3c1a01'],
        ttlSeconds: 60,
      });
      const res = await fetch(`${url}/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"title":"x"}',
      });
      return { status: res.status, body: await res.text() };
    };
    assert.equal((await open(rotated)).status, 401, 'a key the edge was not given');
    writeFileSync(keysFile, JSON.stringify(publicKeySet([hubKey, rotated])));
    const taken = await waitFor(async () => logged(edge.output, 'entitlement keys applied'), {
      what: 'the rotated key set to be applied',
      timeoutMs: 15_000,
    });
    assert.deepEqual(taken.kids, ['hub-1', 'hub-2']);
    const verified = await open(rotated);
    assert.notEqual(verified.status, 401, `verified with the rotated-in key: ${verified.body}`);
    // A private key is never a verifier's: refused, and the last good set stays.
    writeFileSync(
      keysFile,
      JSON.stringify({ keys: [{ ...(await exportJWK(rotated.privateKey)), kid: 'hub-2', alg: 'ES256' }] }),
    );
    const badKeys = await waitFor(
      async () => logged(edge.output, 'entitlement keys refused; the last good set stays'),
      { what: 'the private key set to be refused', timeoutMs: 15_000 },
    );
    assert.match(String(badKeys.error), /key hub-2: a verifier is given public keys only/);
    assert.notEqual((await open(rotated)).status, 401, 'the last good set stays');

    edge.child.kill('SIGTERM');
    const [code] = await once(edge.child, 'exit');
    assert.equal(code, 0);
  });
});
