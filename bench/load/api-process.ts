/**
 * The GraphQL API as benchmarks measure it: `api/src/main.ts serve` in a process of its own, as
 * it runs in production (its own Deployment), not inside the benchmark's process, whose heap
 * still holds what applying the fleet left behind. Reports the process's CPU time, so a
 * benchmark can give the API's cost per request apart from the load generator's and the hub's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OidcConfig } from '@smart-fleet/api';
import { freePort } from '@smart-fleet/hub';
import { waitFor } from '@smart-fleet/kube';
import { cpuMsOf } from './proc-cpu.ts';

const MAIN = fileURLToPath(new URL('../../api/src/main.ts', import.meta.url));
const READY_TIMEOUT_MS = 180_000;
const STDERR_TAIL_CHARS = 2000;

/**
 * The node flags `npm run api` gives the API (package.json's `api` script, the one place they
 * are written), so the benchmark measures the process as it is run.
 */
export function apiNodeFlags(): string[] {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const script = manifest.scripts.api ?? '';
  const match = /\bnode((?:\s+--[\w-]+(?:=\S+)?)*)\s+api\/src\/main\.ts/.exec(script);
  if (!match) {
    throw new Error(`package.json's api script does not run node ... api/src/main.ts: ${script}`);
  }
  return (match[1] ?? '').trim().split(/\s+/).filter(Boolean);
}

export interface ApiProcessOptions {
  kubeconfig: string;
  oidc: OidcConfig;
  keysNamespace: string;
  responseCache: boolean;
  /** Extra `node` flags for the API process. */
  nodeFlags?: string[];
  /** Where telemetry lives, and its scrape interval (`5s`). */
  prometheus?: { url: string; scrapeInterval: string };
}

export interface ApiProcess {
  url: string;
  /** The process id, for what /proc tells of it (memory). */
  pid: number;
  /** User + system CPU the process has used so far, in ms. */
  cpuMs(): number;
  stop(): Promise<void>;
}

export async function startApiProcess(options: ApiProcessOptions): Promise<ApiProcess> {
  const port = await freePort();
  const args = [
    ...(options.nodeFlags ?? []),
    MAIN,
    'serve',
    '--port',
    String(port),
    '--oidc-issuer',
    options.oidc.issuer,
    '--oidc-audience',
    options.oidc.audience,
    ...(options.oidc.jwksUrl ? ['--oidc-jwks-url', options.oidc.jwksUrl] : []),
    '--keys-namespace',
    options.keysNamespace,
    '--response-cache',
    options.responseCache ? 'on' : 'off',
    ...(options.prometheus
      ? ['--prometheus-url', options.prometheus.url, '--scrape-interval', options.prometheus.scrapeInterval]
      : []),
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, KUBECONFIG: options.kubeconfig, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL_CHARS);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  try {
    // Ready once every kind has listed: the view then holds the whole fleet.
    await waitFor(async () => (await fetch(`${base}/readyz`)).ok, {
      timeoutMs: READY_TIMEOUT_MS,
      what: 'the API process to be ready',
      abortReason: () => (child.exitCode === null ? undefined : `it exited ${child.exitCode}: ${stderr}`),
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const pid = child.pid ?? 0;
  return {
    url: `${base}/graphql`,
    pid,
    cpuMs: () => cpuMsOf(pid),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
