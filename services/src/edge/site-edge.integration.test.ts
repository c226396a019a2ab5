/**
 * The streaming edge against a real distribution origin, both Debian's nginx on loopback:
 * pre-positioning pulls the placed renditions' real bytes under the cap; a session is admitted
 * within the egress budget and the subscriber's limit, refused with a typed 503 beyond them;
 * signed session URLs are enforced by nginx; a miss is filled from the origin once however many
 * ask at the same time; a reload keeps a download in flight; telemetry comes from the log.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger, waitFor } from '@smart-fleet/kube';
import { issueEntitlement } from '../license/entitlement.ts';
import {
  type EntitlementSigner,
  entitlementKeys,
  generateEntitlementSigner,
  publicKeySet,
} from '../license/entitlement-keys.ts';
import { Origin } from '../origin/origin.ts';
import { type EdgePlan, SiteEdge } from './site-edge.ts';

const root = mkdtempSync(join(tmpdir(), 'smart-fleet-edge-'));
const library = join(root, 'library');
let origin: Origin;
let edge: SiteEdge;
let fillOpen = false;
let missSession = '';
let plan: EdgePlan;

let signer: EntitlementSigner;
const KID = '5f0c3d52-4a8e-4b8e-9b1e-2d7b9f3c1a01';
/** A real entitlement token from the hub's signer, for `subscriber` and `title` at this site. */
const token = (subscriber: string, title: string, site = 'apt-test-00001') =>
  issueEntitlement(signer, { subscriber, tenant: 'acme', title, site, kids: [KID], ttlSeconds: 300 });

function writeTitle(name: string, files: Record<string, number>, topMbps = 4): void {
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(join(library, name, path, '..'), { recursive: true });
    // Distinct bytes per file, so a mix-up shows in the digest.
    const seed = createHash('sha256').update(`${name}/${path}`).digest();
    writeFileSync(join(library, name, path), Buffer.alloc(bytes, seed));
  }
  writeFileSync(
    join(library, name, 'packaged.json'),
    JSON.stringify({
      renditions: [
        { name: 'low', targetMbps: 2 },
        { name: 'high', targetMbps: topMbps },
      ],
    }),
  );
}

const digest = (buffer: Buffer | Uint8Array) => createHash('sha256').update(buffer).digest('hex');
const originLines = () =>
  readFileSync(origin.accessLog as string, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { uri: string; status: number });

async function open(who: string, title: string, bearer?: string) {
  const [subscriber = '', entitled = ''] = who.split('.');
  const res = await fetch(`${edge.url}/sessions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${bearer ?? (await token(subscriber, entitled))}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ title }),
  });
  return { res, body: (await res.json()) as Record<string, unknown> };
}

before(async () => {
  signer = await generateEntitlementSigner('hub-test');
  mkdirSync(join(library, 'placed'), { recursive: true });
  mkdirSync(join(library, 'unplaced'), { recursive: true });
  writeTitle('placed', {
    'index.m3u8': 200,
    'low/seg0.ts': 1_500_000,
    'low/seg1.ts': 1_500_000,
    'high/seg0.ts': 3_000_000,
  });
  writeTitle('unplaced', { 'big.mp4': 5_000_000 }, 100);
  origin = await Origin.start({
    dir: join(root, 'origin'),
    libraryDir: library,
    host: '127.0.0.1',
    port: 0,
    logRequests: true,
  });
  plan = {
    egressBudgetMbps: 10,
    originUrls: [origin.url],
    titles: [{ title: 'placed', renditions: ['low'] }],
  };
  edge = await SiteEdge.start(
    {
      dir: join(root, 'edge'),
      host: '127.0.0.1',
      port: 0,
      licenseProxy: '127.0.0.1:9',
      site: 'apt-test-00001',
      entitlementKeys: entitlementKeys(publicKeySet([signer])),
      maxStreamsPerSubscriber: 2,
      fillRateMBps: 10,
      mayFill: () => fillOpen,
      log: silentLogger,
    },
    plan,
  );
});

after(async () => {
  await edge?.stop();
  await origin?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('the streaming edge', () => {
  it('pre-positions the placed renditions only in the fill window, capped, real bytes', async () => {
    assert.equal(edge.fill().filledMB, 0, 'filled outside the window');
    const opened = performance.now();
    fillOpen = true;
    const done = await waitFor(
      async () => {
        const p = edge.fill();
        return p.titlesComplete === 1 && p;
      },
      { what: 'the placed title on disk', timeoutMs: 30_000 },
    );
    const seconds = (performance.now() - opened) / 1000;
    // 3 MB of low rendition + index + manifest; the high rendition is not placed.
    assert.equal(done.plannedMB, 3);
    assert.ok(seconds >= 0.25, `3 MB at a 10 MB/s cap took only ${seconds} s`);
    const local = join(root, 'edge', 'content', 'placed');
    assert.equal(
      digest(readFileSync(join(local, 'low/seg1.ts'))),
      digest(readFileSync(join(library, 'placed/low/seg1.ts'))),
    );
    assert.throws(() => readFileSync(join(local, 'high/seg0.ts')), /ENOENT/);
  });

  it('admits within the budget and the subscriber limit, refuses beyond with a typed 503', async () => {
    const a = await open('ann.placed', 'placed'); // 4 Mbps (the top rendition)
    const b = await open('bob.placed', 'placed'); // 8 of 10
    assert.equal(a.res.status, 201);
    assert.equal(b.res.status, 201);
    const c = await open('cat.placed', 'placed');
    assert.equal(c.res.status, 503);
    assert.equal(c.body.error, 'egress-budget');
    assert.ok(Number(c.res.headers.get('retry-after')) > 0);
    assert.equal(edge.telemetry().activeStreams, 2);
    const closed = await fetch(`${edge.url}/sessions/${a.body.session}`, { method: 'DELETE' });
    assert.equal(closed.status, 204);
    const d = await open('bob.placed', 'placed');
    assert.equal(d.res.status, 201, 'the freed share is not reusable');
    const e = await open('bob.placed', 'placed');
    assert.equal(e.res.status, 503);
    assert.equal(e.body.error, 'egress-budget');
    await fetch(`${edge.url}/sessions/${b.body.session}`, { method: 'DELETE' });
    await fetch(`${edge.url}/sessions/${d.body.session}`, { method: 'DELETE' });
    const forged = await open('ann.placed', 'placed', `${(await token('ann', 'placed')).slice(0, -4)}AAAA`);
    assert.equal(forged.res.status, 401);
    assert.equal(forged.body.error, 'bad-signature');
    const elsewhere = await open('ann.placed', 'placed', await token('ann', 'placed', 'apt-other-00002'));
    assert.equal(elsewhere.res.status, 403);
    assert.equal(elsewhere.body.error, 'wrong-site');
    const otherTitle = await open('ann.unplaced', 'placed');
    assert.equal(otherTitle.body.error, 'wrong-title');
  });

  it("refuses a subscriber's stream over its concurrent-stream limit, however much budget is left", async () => {
    await edge.apply({ ...plan, egressBudgetMbps: 200 });
    const opened = [await open('eve.placed', 'placed'), await open('eve.placed', 'placed')];
    assert.deepEqual(
      opened.map((o) => o.res.status),
      [201, 201],
    );
    const third = await open('eve.placed', 'placed');
    assert.equal(third.res.status, 503);
    assert.equal(third.body.error, 'subscriber-limit');
    const other = await open('fay.placed', 'placed');
    assert.equal(other.res.status, 201, 'another subscriber was refused too');
    for (const o of [...opened, other]) {
      await fetch(`${edge.url}/sessions/${o.body.session}`, { method: 'DELETE' });
    }
    await edge.apply(plan);
  });

  it('serves a session from local storage; forged, expired and closed URLs are refused by nginx', async () => {
    const { body } = await open('ann.placed', 'placed');
    const prefix = String(body.prefix);
    const seg = await fetch(`${edge.url}${prefix}/placed/low/seg0.ts`);
    assert.equal(seg.status, 200);
    assert.equal(
      digest(new Uint8Array(await seg.arrayBuffer())),
      digest(readFileSync(join(library, 'placed/low/seg0.ts'))),
    );
    const forged = prefix.replace(/\/[^/]+$/, '/AAAAAAAAAAAAAAAAAAAAAA');
    assert.equal((await fetch(`${edge.url}${forged}/placed/low/seg0.ts`)).status, 403);
    const parts = prefix.split('/'); // ['', 's', id, expires, signature]
    const stale = `/s/${parts[2]}/1000/${parts[4]}`;
    assert.equal(
      (await fetch(`${edge.url}${stale}/placed/low/seg0.ts`)).status,
      403,
      'a changed expiry passes the signature',
    );
    await fetch(`${edge.url}/sessions/${body.session}`, { method: 'DELETE' });
    assert.equal(
      (await fetch(`${edge.url}${prefix}/placed/low/seg0.ts`)).status,
      403,
      'a closed session still plays',
    );
    assert.equal((await fetch(`${edge.url}/placed/low/seg0.ts`)).status, 404);
  });

  it('fills a miss from the origin once for two concurrent requests, then serves it locally', async () => {
    await edge.apply({ ...plan, egressBudgetMbps: 200 }); // room for the 100 Mbps title
    const { body } = await open('ann.unplaced', 'unplaced');
    missSession = String(body.session);
    const url = `${edge.url}${body.prefix}/unplaced/big.mp4`;
    const before = originLines().filter((l) => l.uri === '/titles/unplaced/big.mp4').length;
    const [x, y] = await Promise.all([fetch(url), fetch(url)]);
    const [bx, by] = [new Uint8Array(await x.arrayBuffer()), new Uint8Array(await y.arrayBuffer())];
    const expected = digest(readFileSync(join(library, 'unplaced/big.mp4')));
    assert.equal(digest(bx), expected);
    assert.equal(digest(by), expected);
    const fetches = originLines().filter((l) => l.uri === '/titles/unplaced/big.mp4').length - before;
    // 5 MB in 1 MiB slices: 5 origin requests for both clients together, not 10.
    assert.equal(fetches, 5, `the origin saw ${fetches} requests`);
    const again = await fetch(url);
    assert.equal(digest(new Uint8Array(await again.arrayBuffer())), expected);
    assert.equal(
      originLines().filter((l) => l.uri === '/titles/unplaced/big.mp4').length - before,
      5,
      'a cached title was fetched again',
    );
    await fetch(`${edge.url}/sessions/${body.session}`, { method: 'DELETE' });
  });

  it('reports telemetry measured from what it served', async () => {
    // nginx logs a request just after its last byte: wait until every earlier one is in the log.
    const logged = () =>
      readFileSync(join(root, 'edge', 'nginx', 'logs', 'access.jsonl'), 'utf8')
        .trim()
        .split('\n');
    const settled = async (session: string, n: number) =>
      waitFor(async () => logged().filter((l) => l.includes(`"session":"${session}"`)).length >= n, {
        what: `${n} requests of session ${session} in the access log`,
        timeoutMs: 5000,
      });
    await settled(missSession, 3);
    edge.telemetry(); // a fresh window
    const { body } = await open('ann.placed', 'placed');
    const res = await fetch(`${edge.url}${body.prefix}/placed/low/seg1.ts`);
    const bytes = (await res.arrayBuffer()).byteLength;
    await settled(String(body.session), 1);
    const t = edge.telemetry();
    assert.equal(t.activeStreams, 1);
    assert.ok(t.egressMbps > 0, 'no egress measured');
    assert.equal(t.cacheHitRatio, 1, 'a pre-positioned segment counted as a miss');
    assert.ok(t.storageUsedGB * 1e9 >= bytes);
    await fetch(`${edge.url}/sessions/${body.session}`, { method: 'DELETE' });
  });

  it('reloads nginx for a new parent list without dropping a download in flight', async () => {
    const { body } = await open('ann.placed', 'placed');
    // 1.5 MB at the session's 0.75 MB/s: about two seconds in flight.
    const download = fetch(`${edge.url}${body.prefix}/placed/low/seg0.ts`).then(async (r) => ({
      status: r.status,
      digest: digest(new Uint8Array(await r.arrayBuffer())),
    }));
    const generation = edge.nginxGeneration;
    await edge.apply({ ...plan, originUrls: [origin.url, 'http://127.0.0.1:9'] });
    assert.equal(edge.nginxGeneration, generation + 1, 'nginx was not reloaded');
    const done = await download;
    assert.equal(done.status, 200);
    assert.equal(done.digest, digest(readFileSync(join(library, 'placed/low/seg0.ts'))));
    await edge.apply(plan);
    await fetch(`${edge.url}/sessions/${body.session}`, { method: 'DELETE' });
  });

  it('refuses paths outside a title, however encoded', async () => {
    const { body } = await open('ann.placed', 'placed');
    for (const path of [
      '/placed/../../etc/passwd',
      '/placed/%2e%2e/%2e%2e/etc/passwd',
      '/..%2fplaced/index.m3u8',
      '/placed/low/seg0.ts.partial',
    ]) {
      const res = await fetch(`${edge.url}${body.prefix}${path}`);
      assert.ok([400, 403, 404].includes(res.status), `${path} answered ${res.status}`);
      assert.doesNotMatch(await res.text(), /root:/);
    }
    await fetch(`${edge.url}/sessions/${body.session}`, { method: 'DELETE' });
  });
});
