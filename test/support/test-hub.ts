/**
 * The hub integration tests talk to: the one `npm test` started (SMART_FLEET_TEST_KUBECONFIG),
 * or, when a test file is run on its own, a private hub this process starts and stops.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, installCrds, startHub, stopHub } from '@smart-fleet/hub';
import { connect, type KubeClient } from '@smart-fleet/kube';

export interface TestHub {
  client: KubeClient;
  kubeconfig: string;
  /** The hub's directory: extra API servers (site clusters) start from it. */
  dir: string;
}

let shared: Promise<TestHub> | undefined;

async function privateHub(): Promise<{ kubeconfig: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'smart-fleet-test-hub-'));
  const info = await startHub({
    dir,
    apiserverPort: await freePort(),
    etcdPort: await freePort(),
    etcdPeerPort: await freePort(),
    log: () => {},
  });
  // Stopped when the test file's event loop drains; `after` would bind to whichever hook asked first.
  let stopping = false;
  process.on('beforeExit', () => {
    if (!stopping) {
      stopping = true;
      void stopHub(dir, () => {}).finally(() => rmSync(dir, { recursive: true, force: true }));
    }
  });
  return { kubeconfig: info.kubeconfig, dir };
}

/** A client for the test hub, with the fleet CRDs installed. */
export function testHub(): Promise<TestHub> {
  shared ??= (async () => {
    const fromRunner = process.env.SMART_FLEET_TEST_KUBECONFIG;
    const { kubeconfig, dir } = fromRunner
      ? { kubeconfig: fromRunner, dir: process.env.SMART_FLEET_TEST_HUB_DIR ?? '' }
      : await privateHub();
    const client = connect(kubeconfig);
    await installCrds(client, () => {});
    return { client, kubeconfig, dir };
  })();
  return shared;
}

/** A fresh namespace name per test, so test files never see each other's objects. */
export function uniqueNamespace(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.floor(Math.random() * 1e6)}`.slice(0, 63);
}
