/**
 * The data plane end to end, on loopback, every part real: a generated test video packaged by
 * the packager (HLS AES-128, the key rotated every 2 segments) into the origin's library, its
 * keys sealed in the title's key Secret on a real kube-apiserver, the license service and the
 * site's license proxy, the site's edge pre-positioning it; then ffmpeg plays it through the
 * edge as a subscriber would, with the entitlement token the hub signs.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Registry, silentLogger, waitFor } from '@smart-fleet/kube';
import { testHub, uniqueNamespace } from '../../../test/support/test-hub.ts';
import { FIXTURE_KEK_ID, keyRecord, titleKeyFixture } from '../drm/test-support/title-key-fixture.ts';
import { type EntitlementGrant, issueEntitlement } from '../license/entitlement.ts';
import {
  type EntitlementSigner,
  entitlementKeys,
  generateEntitlementSigner,
  publicKeySet,
} from '../license/entitlement-keys.ts';
import { LicenseProxy } from '../license/license-proxy.ts';
import { LicenseServer } from '../license/license-server.ts';
import { TitleKeys } from '../license/title-keys.ts';
import { mediaTools } from '../media-tools.ts';
import { Origin } from '../origin/origin.ts';
import { packageTitle } from '../packager/package-title.ts';
import type { PackagedTitle } from '../packager/packaged-manifest.ts';
import {
  decode,
  freshKeys,
  makeTinyMezzanine,
  TINY_FRAMES,
  TINY_PACKAGE,
} from '../packager/test-support/tiny-media.ts';
import { SiteEdge } from './site-edge.ts';

const run = promisify(execFile);
const TITLE = 'tiny-night';
const TENANT = 'public-broadcaster';
const SITE = 'apt-seoul-00001';

describe('packaged, distributed, admitted, licensed and played through a site edge', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smart-fleet-playback-'));
  const library = join(dir, 'library');
  const namespace = uniqueNamespace('playback');
  const keys = freshKeys(2);
  const kek = Buffer.alloc(32, 7);
  let signer: EntitlementSigner;
  let manifest: PackagedTitle;
  let origin: Origin;
  let service: LicenseServer;
  let proxy: LicenseProxy;
  let edge: SiteEdge;
  let writeKeys: (revoked: readonly string[]) => Promise<void>;
  let fillOpen = false;
  const started = performance.now();

  const token = (over: Partial<EntitlementGrant> = {}, by?: EntitlementSigner) =>
    issueEntitlement(by ?? signer, {
      subscriber: 'subscriber-7',
      tenant: TENANT,
      title: TITLE,
      site: SITE,
      kids: keys.map((k) => k.keyId),
      ttlSeconds: 300,
      ...over,
    });
  const openSession = async (bearer: string) => {
    const res = await fetch(`${edge.url}/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: TITLE }),
    });
    return {
      status: res.status,
      body: (await res.json()) as { prefix?: string; session?: string; error?: string },
    };
  };
  const playlist = (prefix: string, rendition: string) =>
    `${edge.url}${prefix}/${TITLE}/hls/${rendition}/index.m3u8`;

  before(async () => {
    const hub = await testHub();
    await hub.client.core.createNamespace({ body: { metadata: { name: namespace } } });
    const fixture = await titleKeyFixture({
      client: hub.client,
      namespace,
      title: TITLE,
      kek,
      plaintext: new Map(keys.map((k) => [k.keyId, k.key])),
      policy: { name: 'premium', algorithm: 'AES-128-CBC' },
      spec: {
        owner: TENANT,
        mpeg7: {
          title: 'Tiny night',
          genre: ['documentary'],
          creators: [],
          language: 'ko',
          durationSeconds: 4,
        },
        renditions: [
          { name: 'low', codec: 'H.264', bitrateMbps: 2, sizeMB: 1 },
          { name: 'high', codec: 'H.264', bitrateMbps: 4, sizeMB: 1 },
        ],
      },
    });
    // The last key is the active one; the earlier ones are retired (they still license).
    writeKeys = (revoked) =>
      fixture.write(
        keys.map((k, i) =>
          keyRecord(
            TITLE,
            k.keyId,
            revoked.includes(k.keyId) ? 'revoked' : i === keys.length - 1 ? 'active' : 'retired',
          ),
        ),
      );
    await writeKeys([]);

    const mezzanine = join(dir, 'mezzanine');
    mkdirSync(mezzanine);
    manifest = await packageTitle({
      ...TINY_PACKAGE,
      input: await makeTinyMezzanine(mezzanine),
      outDir: join(library, TITLE),
      title: TITLE,
      renditions: [
        { name: 'low', codec: 'H.264', bitrateMbps: 0.25 },
        { name: 'high', codec: 'H.264', bitrateMbps: 0.5 },
      ],
      keys,
      formats: ['hls'],
      keyRotationSegments: 2,
      // Relative: resolved under the session's signed prefix, where the edge sends it to the license proxy.
      hlsKeyBaseUrl: 'keys/',
    });

    signer = await generateEntitlementSigner('hub-test');
    const publicKeys = entitlementKeys(publicKeySet([signer]));
    service = await LicenseServer.start({
      host: '127.0.0.1',
      port: 0,
      keys: publicKeys,
      titleKeys: new TitleKeys({ client: hub.client, namespace, ttlMs: 200 }),
      keks: new Map([[FIXTURE_KEK_ID, kek]]),
      log: silentLogger,
      registry: new Registry(),
    });
    proxy = await LicenseProxy.start({
      host: '127.0.0.1',
      port: 0,
      site: SITE,
      upstream: new URL(`http://127.0.0.1:${service.port}`),
      log: silentLogger,
      registry: new Registry(),
    });
    origin = await Origin.start({
      dir: join(dir, 'origin'),
      libraryDir: library,
      host: '127.0.0.1',
      port: 0,
    });
    edge = await SiteEdge.start(
      {
        dir: join(dir, 'edge'),
        host: '127.0.0.1',
        port: 0,
        site: SITE,
        entitlementKeys: publicKeys,
        licenseProxy: `127.0.0.1:${proxy.port}`,
        maxStreamsPerSubscriber: 4,
        fillRateMBps: 50,
        mayFill: () => fillOpen,
        log: silentLogger,
      },
      {
        egressBudgetMbps: 40,
        originUrls: [origin.url],
        titles: [{ title: TITLE, renditions: ['low', 'high'] }],
      },
    );
  });

  after(async () => {
    await edge?.stop();
    await origin?.stop();
    await proxy?.close();
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
    console.log(`# end to end: ${((performance.now() - started) / 1000).toFixed(1)} s, packaging included`);
  });

  it('pre-positions the packaged title in the fill window, every byte', async () => {
    fillOpen = true;
    const fill = await waitFor(
      async () => {
        const p = edge.fill();
        return p.titlesComplete === 1 && p;
      },
      { what: 'the title on the edge', timeoutMs: 30_000 },
    );
    assert.equal(fill.titlesPlaced, 1);
  });

  it('plays every frame of every rendition across the key rotation, at the packaged resolution and bitrate', async () => {
    const { status, body } = await openSession(await token());
    assert.equal(status, 201, JSON.stringify(body));
    for (const r of manifest.renditions) {
      const decoded = await decode({ input: ['-i', playlist(String(body.prefix), r.name)] });
      assert.equal(decoded.errors, '', `${r.name}: ffmpeg reported errors`);
      assert.equal(decoded.hashes.length, TINY_FRAMES, `${r.name}: frames decoded`);
      const probe = await run(mediaTools().ffprobe, [
        ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height'],
        ...['-of', 'json', playlist(String(body.prefix), r.name)],
      ]);
      const [stream] = (JSON.parse(probe.stdout) as { streams: { width: number; height: number }[] }).streams;
      assert.deepEqual([stream?.width, stream?.height], [r.resolution.width, r.resolution.height]);
      // x264 cannot hold a 144p rung to a quarter of a megabit: the tiny ladder overshoots, never undershoots.
      const measured = r.hls?.measuredMbps ?? 0;
      assert.ok(
        measured > r.targetMbps * 0.5 && measured < r.targetMbps * 2.5,
        `${r.name} streams ${measured} Mbps`,
      );
    }
    const t = edge.telemetry();
    assert.equal(t.activeStreams, 1);
    assert.equal(t.cacheHitRatio, 1, 'a pre-positioned title was fetched from the origin');
  });

  it('refuses expired, forged, wrong-site and wrong-tenant entitlements', async () => {
    const expired = await openSession(await token({ ttlSeconds: 1, now: new Date(Date.now() - 120_000) }));
    assert.deepEqual([expired.status, expired.body.error], [401, 'expired']);
    const forged = await openSession(await token({}, await generateEntitlementSigner('hub-test')));
    assert.deepEqual([forged.status, forged.body.error], [401, 'bad-signature']);
    const elsewhere = await openSession(await token({ site: 'apt-busan-00002' }));
    assert.deepEqual([elsewhere.status, elsewhere.body.error], [403, 'wrong-site']);
    // A token for another tenant opens a session (the edge does not know owners) but gets no key.
    const before = proxy.denied;
    const other = await openSession(await token({ tenant: 'someone-else' }));
    assert.equal(other.status, 201);
    const decoded = await decode({ input: ['-i', playlist(String(other.body.prefix), 'low')] });
    assert.notEqual(decoded.hashes.length, TINY_FRAMES, 'played without a key');
    assert.ok(proxy.denied > before, 'the license proxy counted no denial');
  });

  it('stops a revoked key at once: the rotation boundary is where playback ends', async () => {
    await writeKeys([keys[1]?.keyId as string]);
    const { status, body } = await openSession(await token());
    assert.equal(status, 201);
    const cut = await waitFor(
      async () => {
        const decoded = await decode({ input: ['-i', playlist(String(body.prefix), 'low')] });
        return decoded.hashes.length < TINY_FRAMES && decoded;
      },
      { what: 'the revoked key to be refused', timeoutMs: 10_000 },
    );
    // The first key period still plays (its key is only retired); the revoked second one does not.
    assert.ok(cut.hashes.length > 0, 'nothing played before the revoked period');
    await writeKeys([]);
  });
});
