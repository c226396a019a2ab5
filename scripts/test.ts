/**
 * `npm test`: every test in one run of Node's test runner. Integration tests need a real
 * kube-apiserver: this starts one on free loopback ports in a temporary directory (building
 * the toolchain first if the cache lacks it), and a Prometheus for telemetry (scraping every
 * second), passes their whereabouts to the tests, and stops both afterwards, whatever happened.
 * Where the machine can run containers it also installs the site node's toolchain first, so the
 * tests on a real site node run on a fresh machine rather than skip for want of the CNI plugins.
 *   --unit          unit tests only, no hub
 *   --integration   integration tests only
 */
import { spawnSync } from 'node:child_process';
import { globSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureConsoleBuilt } from '@smart-fleet/console';
import {
  freePort,
  prepareSiteNodes,
  startHub,
  startPrometheus,
  stopHub,
  stopPrometheus,
} from '@smart-fleet/hub';
import { TEST_SCRAPE_INTERVAL_MS } from '../test/support/test-prometheus.ts';

const PACKAGES = [
  'model',
  'kube',
  'services',
  'hub',
  'operators',
  'api',
  'stacks',
  'console',
  'test',
  'scripts',
  'bench',
];
const all = PACKAGES.flatMap((p) =>
  globSync(`${p}/**/*.test.ts`, { exclude: (f) => f.includes('node_modules') }),
);
const isIntegration = (f: string) => /\.(integration|e2e)\.test\.ts$/.test(f);
const mode = process.argv.includes('--unit')
  ? 'unit'
  : process.argv.includes('--integration')
    ? 'integration'
    : 'all';
const files = all.filter((f) =>
  mode === 'unit' ? !isIntegration(f) : mode === 'integration' ? isIntegration(f) : true,
);

async function withHub(run: (env: NodeJS.ProcessEnv) => number): Promise<number> {
  if (!files.some(isIntegration)) {
    return run(process.env);
  }
  const dir = mkdtempSync(join(tmpdir(), 'smart-fleet-test-hub-'));
  const prometheusDir = join(dir, 'prometheus');
  try {
    const prometheus = await startPrometheus({
      dir: prometheusDir,
      port: await freePort(),
      scrapeIntervalMs: TEST_SCRAPE_INTERVAL_MS,
      retention: '2d',
      log: () => {},
    });
    const hub = await startHub({
      dir,
      apiserverPort: await freePort(),
      etcdPort: await freePort(),
      etcdPeerPort: await freePort(),
    });
    console.error(
      `[test] integration tests use the real kube-apiserver ${hub.version} at ${hub.server} and Prometheus at ${prometheus.url}`,
    );
    return run({
      ...process.env,
      SMART_FLEET_TEST_KUBECONFIG: hub.kubeconfig,
      SMART_FLEET_TEST_HUB_DIR: hub.dir,
      SMART_FLEET_TEST_PROMETHEUS_DIR: prometheusDir,
    });
  } finally {
    await stopPrometheus(prometheusDir, () => {});
    await stopHub(dir, () => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

// Built once here, before any test file could race another to build it.
await ensureConsoleBuilt({ log: (line) => console.error(line) });
if (files.some(isIntegration)) {
  const missing = await prepareSiteNodes((line) => console.error(line));
  console.error(
    missing.length === 0
      ? '[test] this machine runs site nodes: the tests on a real node run'
      : `[test] the tests on a real site node are skipped: this machine lacks ${missing.join('; ')}`,
  );
}
const code = await withHub((env) => {
  console.error(`[test] ${files.length} test files (${files.filter(isIntegration).length} integration)`);
  const result = spawnSync(process.execPath, ['--test', '--test-timeout=300000', ...files.sort()], {
    stdio: 'inherit',
    env,
  });
  return result.status ?? 1;
});
process.exitCode = code;
