/**
 * Benchmark: how many concurrent 20 Mbps sessions one site edge sustains on loopback with at
 * least 99.9% of segments whole before their playback deadline, beside the ceiling of a plain
 * static nginx serving the same files in the same run (issue #11: >= 200 sessions, the paper's
 * 4 Gbps; >= 0.9 of the plain ceiling).
 *
 * The title: a generated 20 s clip packaged once by the real packager (one 720p H.264 rendition
 * at 20 Mbps, HLS AES-128, 4 s segments of about 10 MB), cached in bench/.cache/. The edge: a
 * real SiteEdge (admission service, nginx with secure_link, auth_request and limit_rate per
 * session) with the title pre-positioned from a real origin; an egress budget that admits the
 * largest step, one stream per subscriber, a distinct subscriber per session. The baseline: the
 * same nginx with the same worker count serving the edge's pre-positioned files plainly. The
 * client: player sessions in separate processes (bench/load/hls-player.ts: open, playlist,
 * segments in order at a player's pace, the title looping). Steps of N go up for each target
 * until a step misses 99.9% or the load generator saturates; each step reports on-time %,
 * delivered Mbps, the load generator's CPU, nginx's CPU and the edge's admission refusals.
 * Players fetch no key: the license path needs a kube-apiserver (the license service reads the
 * title's key Secret) running beside the load on the same cores, and is not what is measured;
 * playback.e2e.test.ts plays through it. A full run takes about 17 minutes on two cores.
 *   npm run bench:edge-sessions [-- --max-sessions 2000 --step-seconds 40 --ramp-seconds 5
 *                                   --workers 2 --steps 50,100,... --targets edge,plain]
 * Records the run in bench/results/edge-sessions.json (not for a run with --no-record).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { silentLogger, waitFor } from '@smart-fleet/kube';
import {
  entitlementKeys,
  generateEntitlementSigner,
  issueEntitlement,
  publicKeySet,
  SiteEdge,
} from '@smart-fleet/services';
import { mediaTools } from '../services/src/media-tools.ts';
import { Origin } from '../services/src/origin/origin.ts';
import { DEFAULT_FIXTURE, edgeFixture } from './load/edge-fixture.ts';
import type { PlayerSpec } from './load/hls-player.ts';
import { startPlainNginx, workerProcessesOf } from './load/plain-nginx.ts';
import { measureStep, ON_TIME_TARGET, type StepFigures, type StepTarget } from './load/session-step.ts';
import { limitIn, printSteps, type TargetOutcome } from './load/session-summary.ts';

const { values } = parseArgs({
  options: {
    'max-sessions': { type: 'string', default: '2000' },
    steps: { type: 'string', default: '50,100,200,300,400,600,800,1000,1200,1600,2000' },
    'step-seconds': { type: 'string', default: '40' },
    'ramp-seconds': { type: 'string', default: '5' },
    workers: { type: 'string', default: '2' },
    targets: { type: 'string', default: 'edge,plain' },
    'no-record': { type: 'boolean', default: false },
  },
});

function wholeNumber(flag: string, value: string | undefined, range: [number, number]): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < range[0] || n > range[1]) {
    throw new Error(`--${flag} must be a whole number from ${range[0]} to ${range[1]}, not ${value}`);
  }
  return n;
}

const maxSessions = wholeNumber('max-sessions', values['max-sessions'], [1, 2000]);
const stepSeconds = wholeNumber('step-seconds', values['step-seconds'], [8, 300]);
const rampSeconds = wholeNumber('ramp-seconds', values['ramp-seconds'], [0, 60]);
const workers = wholeNumber('workers', values.workers, [1, 16]);
const stepList = (values.steps ?? '').split(',').map((s) => wholeNumber('steps', s.trim(), [1, 2000]));
const steps = [...new Set(stepList)].sort((a, b) => a - b).filter((n) => n <= maxSessions);
if (steps.length === 0 || steps.length > 30) {
  throw new Error(`--steps with --max-sessions ${maxSessions} leaves ${steps.length} steps; 1 to 30 allowed`);
}
const targets = (values.targets ?? '').split(',').map((t) => t.trim());
if (targets.length === 0 || targets.some((t) => t !== 'edge' && t !== 'plain')) {
  throw new Error(`--targets must list edge and/or plain, not ${values.targets}`);
}

const SITE = 'apt-bench-00001';
const TENANT = 'bench-broadcaster';
const FILL_TIMEOUT_MS = 120_000;
/** A player's startup buffer and the most it keeps buffered, in segments. */
const STARTUP_SEGMENTS = 2;
const AHEAD_SEGMENTS = 3;

/** Test runs or other benchmarks on this machine would share the cores and skew the figure. */
function othersRunning(): string[] {
  const found = spawnSync(
    'pgrep',
    ['-af', String.raw`scripts/test.ts|\.ci/run|node --test|kube-apiserver|bench/[a-z-]+\.ts`],
    {
      encoding: 'utf8',
    },
  );
  return found.stdout
    .split('\n')
    .filter((l) => l && !l.includes('edge-sessions') && !l.startsWith(`${process.pid} `))
    .map((l) => l.slice(0, 160));
}

/** `nginx -v` answers on stderr. */
const nginxVersion = () => spawnSync(mediaTools().nginx, ['-v'], { encoding: 'utf8' }).stderr.trim();

// Interrupted: exit through 'exit', where nginx and the player workers are killed with us.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(130));
}

const others = othersRunning();
if (others.length > 0) {
  console.error(`[bench] warning: other work is running, the figures will be low:\n  ${others.join('\n  ')}`);
}
const fixture = await edgeFixture({
  cacheDir: join(import.meta.dirname, '.cache', 'edge-sessions'),
  ...DEFAULT_FIXTURE,
});
const rendition = fixture.manifest.renditions.find((r) => r.name === DEFAULT_FIXTURE.rendition);
const measuredMbps = rendition?.hls?.measuredMbps ?? DEFAULT_FIXTURE.bitrateMbps;
const segments = rendition?.hls?.segments ?? 1;
console.error(
  `[bench] fixture ${fixture.reused ? 'reused' : `packaged in ${fixture.seconds.toFixed(0)} s`}: ` +
    `${rendition?.resolution.width}x${rendition?.resolution.height} at ${measuredMbps.toFixed(2)} Mbps, ` +
    `${segments} segments of ${DEFAULT_FIXTURE.segmentSeconds} s (${((rendition?.hls?.bytes ?? 0) / segments / 1e6).toFixed(1)} MB each)`,
);

const dir = mkdtempSync(join(tmpdir(), 'smart-fleet-edge-bench-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
const signer = await generateEntitlementSigner('hub-bench');
const origin = await Origin.start({
  dir: join(dir, 'origin'),
  libraryDir: fixture.libraryDir,
  host: '127.0.0.1',
  port: 0,
});
const { title } = DEFAULT_FIXTURE;
// Room for the largest step at the rate a session reserves (its top rendition, measured or target).
const egressBudgetMbps = Math.ceil(maxSessions * Math.max(measuredMbps, DEFAULT_FIXTURE.bitrateMbps) * 1.05);
const edge = await SiteEdge.start(
  {
    dir: join(dir, 'edge'),
    host: '127.0.0.1',
    port: 0,
    licenseProxy: '127.0.0.1:9', // no key is fetched: the license path is not what is measured
    site: SITE,
    entitlementKeys: entitlementKeys(publicKeySet([signer])),
    maxStreamsPerSubscriber: 1,
    fillRateMBps: 500,
    mayFill: () => true,
    log: silentLogger,
  },
  {
    egressBudgetMbps,
    originUrls: [origin.url],
    titles: [{ title, renditions: [DEFAULT_FIXTURE.rendition] }],
  },
);
const outcomes: TargetOutcome[] = [];
/** The edge's nginx workers (what SiteEdge runs); the plain nginx gets as many. */
let nginxWorkers = 0;
const figures: StepFigures[] = [];
try {
  await waitFor(async () => edge.fill().titlesComplete === 1, {
    what: 'the title pre-positioned at the edge',
    timeoutMs: FILL_TIMEOUT_MS,
  });
  nginxWorkers = workerProcessesOf(join(dir, 'edge', 'nginx'));
  const plain = await startPlainNginx({
    dir: join(dir, 'plain'),
    root: join(dir, 'edge', 'content'),
    workers: nginxWorkers,
  });
  const spec = (base: string, mode: 'edge' | 'plain'): PlayerSpec => ({
    base,
    mode,
    title,
    playlistPath: fixture.playlistPath,
    startupSegments: STARTUP_SEGMENTS,
    aheadSegments: AHEAD_SEGMENTS,
    segmentsPerSession: Math.ceil(stepSeconds / DEFAULT_FIXTURE.segmentSeconds),
    requestTimeoutMs: 30_000,
  });
  let step = 0;
  const all: Record<'edge' | 'plain', StepTarget> = {
    edge: {
      name: 'edge',
      spec: spec(edge.url, 'edge'),
      pidFile: join(dir, 'edge', 'nginx', 'nginx.pid'),
      edge,
      tokens: (n) =>
        Promise.all(
          Array.from({ length: n }, (_, i) =>
            issueEntitlement(signer, {
              subscriber: `bench-${step}-${i}`,
              tenant: TENANT,
              title,
              site: SITE,
              kids: fixture.keyIds,
              ttlSeconds: 600,
            }),
          ),
        ),
    },
    plain: { name: 'plain', spec: spec(plain.url, 'plain'), pidFile: plain.pidFile },
  };
  try {
    const going = new Set(targets as ('edge' | 'plain')[]);
    for (const n of steps) {
      for (const name of [...going]) {
        step++;
        const f = await measureStep(all[name], n, {
          workers,
          rampSeconds,
          bitrateMbps: measuredMbps,
          segmentSeconds: DEFAULT_FIXTURE.segmentSeconds,
        });
        const beside = othersRunning();
        figures.push(beside.length > 0 ? { ...f, othersRunning: beside } : f);
        console.error(
          `[bench] ${name} ${n} sessions: ${f.onTimePercent}% on time (${f.late} late, ${f.lateFilling} of them filling, ${f.failed} failed), ` +
            `${f.deliveredMbps} Mbps; load generator ${f.generator.percentOfCore}% of a core ` +
            `(busiest worker ${f.generator.busiestWorkerPercent}%), nginx ${f.nginxPercentOfCore}% (peak ${f.nginxPeakPercentOfCore}%), ` +
            `machine ${f.machineBusyPercent}% busy (peak ${f.machinePeakBusyPercent}%)${f.edge ? `; admission refusals ${f.edge.admissionRefusals}` : ''}` +
            `${f.firstError ? `; first error: ${f.firstError}` : ''}` +
            `${beside.length > 0 ? `; beside it: ${beside.map((l) => l.slice(0, 60)).join(', ')}` : ''}`,
        );
        if (!f.passed || f.generator.saturated) {
          going.delete(name);
        }
      }
      if (going.size === 0) {
        break;
      }
    }
  } finally {
    await plain.server.stop();
  }
  for (const name of targets as ('edge' | 'plain')[]) {
    outcomes.push(
      limitIn(
        name,
        figures.filter((f) => f.target === name),
        { maxStep: steps.at(-1) ?? 0, nginxWorkers, aheadSegments: AHEAD_SEGMENTS, rampSeconds },
      ),
    );
  }
} finally {
  await edge.stop();
  await origin.stop();
  rmSync(dir, { recursive: true, force: true });
}

const edgeOutcome = outcomes.find((o) => o.target === 'edge');
const plainOutcome = outcomes.find((o) => o.target === 'plain');
const ratio =
  edgeOutcome && plainOutcome?.sustained ? edgeOutcome.sustained / plainOutcome.sustained : undefined;
const summary = {
  edgeSustained: edgeOutcome?.sustained,
  plainCeiling: plainOutcome?.sustained,
  ratio: ratio === undefined ? undefined : Number(ratio.toFixed(3)),
  targets: {
    sessions200: edgeOutcome ? edgeOutcome.sustained >= 200 : undefined,
    ratio0_9: ratio === undefined ? undefined : ratio >= 0.9,
  },
  limits: Object.fromEntries(outcomes.map((o) => [o.target, o.limit])),
};
printSteps(figures);
console.log(JSON.stringify(summary, null, 2));
const result = {
  date: new Date().toISOString(),
  command: `npm run bench:edge-sessions${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    nginx: nginxVersion() || undefined,
    othersRunning: others,
  },
  fixture: {
    title,
    rendition: DEFAULT_FIXTURE.rendition,
    resolution: rendition?.resolution,
    targetMbps: DEFAULT_FIXTURE.bitrateMbps,
    measuredMbps,
    segmentSeconds: DEFAULT_FIXTURE.segmentSeconds,
    segments,
    segmentMB: Number(((rendition?.hls?.bytes ?? 0) / segments / 1e6).toFixed(2)),
    reused: fixture.reused,
  },
  settings: {
    steps,
    stepSeconds,
    rampSeconds,
    workers,
    startupSegments: STARTUP_SEGMENTS,
    aheadSegments: AHEAD_SEGMENTS,
    onTimeTarget: ON_TIME_TARGET,
    egressBudgetMbps,
    nginxWorkers,
    keyFetched: false,
  },
  summary,
  steps: figures,
};
if (!values['no-record']) {
  const out = join(import.meta.dirname, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'edge-sessions.json'), `${JSON.stringify(result, null, 2)}\n`);
}
