import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { connect, usesInClusterConfig } from './client.ts';

describe('usesInClusterConfig: the pod service account only when no kubeconfig is named', () => {
  const inPod = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
  const cases: { what: string; explicit?: string; env: NodeJS.ProcessEnv; inCluster: boolean }[] = [
    { what: 'in a pod, nothing named', env: inPod, inCluster: true },
    { what: 'in a pod, KUBECONFIG set', env: { ...inPod, KUBECONFIG: '/k' }, inCluster: false },
    { what: 'in a pod, an explicit path', explicit: '/k', env: inPod, inCluster: false },
    { what: 'in a pod, KUBECONFIG empty', env: { ...inPod, KUBECONFIG: '' }, inCluster: true },
    { what: 'outside a pod', env: {}, inCluster: false },
    { what: 'outside a pod, service host empty', env: { KUBERNETES_SERVICE_HOST: '' }, inCluster: false },
  ];
  for (const c of cases) {
    it(`${c.what}: ${c.inCluster ? 'in-cluster' : 'kubeconfig file'}`, () => {
      assert.equal(usesInClusterConfig(c.explicit, c.env), c.inCluster);
    });
  }
});

describe('connect', () => {
  const saved = { ...process.env };
  const dir = mkdtempSync(join(tmpdir(), 'kube-client-test-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:16443' } }],
      users: [{ name: 'u', user: { token: 'not-a-real-token' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    }),
  );
  beforeEach(() => {
    process.env.KUBERNETES_SERVICE_HOST = '10.96.0.1';
    process.env.KUBERNETES_SERVICE_PORT = '443';
    delete process.env.KUBECONFIG;
  });
  afterEach(() => {
    for (const key of ['KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT', 'KUBECONFIG']) {
      if (saved[key] === undefined) {
        delete process.env[key];
      } else {
        process.env[key] = saved[key];
      }
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('in a pod with no kubeconfig named, talks to the API server Service with the service account token', () => {
    const client = connect();
    assert.equal(client.server, 'https://10.96.0.1:443');
    const user = client.kc.getCurrentUser();
    assert.equal(user?.authProvider?.name, 'tokenFile');
    assert.equal(user?.authProvider?.config.tokenFile, '/var/run/secrets/kubernetes.io/serviceaccount/token');
    assert.equal(
      client.kc.getCurrentCluster()?.caFile,
      '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
    );
  });

  it('in a pod, KUBECONFIG still wins', () => {
    process.env.KUBECONFIG = kubeconfig;
    assert.equal(connect().server, 'https://127.0.0.1:16443');
  });

  it('in a pod, an explicit kubeconfig still wins', () => {
    assert.equal(connect(kubeconfig).server, 'https://127.0.0.1:16443');
  });

  it('outside a pod with no kubeconfig anywhere, says how to get one', () => {
    delete process.env.KUBERNETES_SERVICE_HOST;
    assert.throws(() => connect(join(dir, 'missing')), /no kubeconfig at .*missing: start the local hub/);
  });
});
