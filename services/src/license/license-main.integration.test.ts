import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@smart-fleet/kube';
import { testHub, uniqueNamespace } from '../../../test/support/test-hub.ts';
import { sealContentKey } from '../drm/envelope.ts';
import { buildKeySecret, contentKeyContext } from '../drm/key-secret.ts';
import { issueEntitlement } from './entitlement.ts';
import { type EntitlementSigner, generateEntitlementSigner, publicKeySet } from './entitlement-keys.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

interface Started {
  child: ChildProcess;
  port: number;
  output: string[];
}

/** Starts an entry point on a free port; resolves once it logs where it listens. */
async function start(main: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const child = spawn(process.execPath, [main, '--port', '0', ...args], {
    env: { ...process.env, SMART_FLEET_LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const port = await waitFor(
    async () => {
      const line = output
        .join('')
        .split('\n')
        .find((l) => l.includes('listening'));
      return line ? (JSON.parse(line) as { port: number }).port : undefined;
    },
    {
      what: `${main} to listen`,
      timeoutMs: 30_000,
      abortReason: () => (child.exitCode === null ? undefined : `it exited: ${output.join('').slice(-500)}`),
    },
  );
  return { child, port, output };
}

describe('npm run license-service / license-proxy, as processes', () => {
  const namespace = uniqueNamespace('license-main');
  const dir = mkdtempSync(join(tmpdir(), 'license-main-'));
  const keyId = randomUUID();
  const contentKey = randomBytes(16);
  let signer: EntitlementSigner;
  let service: Started;
  let proxy: Started;

  before(async () => {
    const { client, kubeconfig } = await testHub();
    await client.core.createNamespace({ body: { metadata: { name: namespace } } });
    const kek = randomBytes(32);
    const record = {
      keyId,
      scope: 'title' as const,
      target: 'night-train',
      createdAt: new Date().toISOString(),
      state: 'active' as const,
    };
    const context = contentKeyContext({ namespace, title: 'night-train', key: record });
    const body = buildKeySecret({
      title: { name: 'night-train', namespace, uid: randomUUID(), owner: 'studio-a' },
      policy: { name: 'premium', algorithm: 'AES-128-CBC' },
      keys: [record],
      sealed: new Map([[keyId, sealContentKey({ kek, kekId: 'kek-9', contentKey, context })]]),
    });
    // No ContentTitle here, so no owner reference: the garbage collector would remove an orphan.
    await client.core.createNamespacedSecret({
      namespace,
      body: { ...body, metadata: { ...body.metadata, ownerReferences: [] } },
    });
    signer = await generateEntitlementSigner('hub-main');
    writeFileSync(join(dir, 'kek'), `${kek.toString('base64')}\n`, { mode: 0o600 });
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify(publicKeySet([signer])));
    service = await start(
      here('./service/main.ts'),
      [
        '--namespace',
        namespace,
        '--kubeconfig',
        kubeconfig,
        '--kek-file',
        join(dir, 'kek'),
        '--entitlement-keys',
        join(dir, 'jwks.json'),
      ],
      { SMART_FLEET_DRM_KEK_ID: 'kek-9' },
    );
    proxy = await start(here('./proxy/main.ts'), [
      '--site',
      'campus-3',
      '--upstream',
      `http://127.0.0.1:${service.port}`,
    ]);
  });

  after(() => {
    for (const p of [proxy, service]) {
      p?.child.kill('SIGTERM');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves an HLS key through the proxy from the configured KEK, key set and namespace', async () => {
    const token = await issueEntitlement(signer, {
      subscriber: 's-1',
      tenant: 'studio-a',
      title: 'night-train',
      site: 'campus-3',
      kids: [keyId],
      ttlSeconds: 120,
    });
    const response = await fetch(`http://127.0.0.1:${proxy.port}/keys/hls/${keyId}?token=${token}`);
    assert.equal(response.status, 200);
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), contentKey);
    const probes = await Promise.all(
      ['/healthz', '/readyz'].flatMap((p) =>
        [service, proxy].map((s) => fetch(`http://127.0.0.1:${s.port}${p}`)),
      ),
    );
    assert.deepEqual(
      probes.map((p) => p.status),
      [200, 200, 200, 200],
    );
    const logs = [...service.output, ...proxy.output].join('');
    assert.ok(
      !logs.includes(contentKey.toString('hex')) && !logs.includes(token),
      'no key or token in the logs',
    );
  });

  it('exits with status 2 and a clear line when its configuration is incomplete', async () => {
    const child = spawn(process.execPath, [here('./service/main.ts'), '--namespace', namespace], {
      env: {
        ...process.env,
        SMART_FLEET_LOG_FORMAT: 'json',
        SMART_FLEET_DRM_KEK: '',
        SMART_FLEET_DRM_KEK_SECRET: '',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 2);
    assert.match(stderr, /cannot start: no KEK/);
  });
});
