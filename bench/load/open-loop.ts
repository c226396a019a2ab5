/**
 * Open-loop HTTP load generator for benchmarks. Requests go out on a fixed schedule (one every
 * 1/rate seconds) whether or not earlier ones have answered, and each latency counts from the
 * request's SCHEDULED send time. A closed-loop client waits for the server, so a stall would
 * hold back the requests it should have sent and the tail would look better than it is
 * (coordinated omission); here a stall shows up in every request scheduled during it.
 *
 * `runLoad` runs the engine in a child process (load-worker.ts) so that the generator never
 * shares an event loop, and so never steals time, from a server under test in the caller's
 * process. `generateLoad` is the engine itself.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { isIPv4 } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface LoadSpec {
  /** Target, e.g. http://127.0.0.1:4000/graphql. Only loopback (127.0.0.0/8) over http. */
  url: string;
  /** Default POST. */
  method?: 'POST' | 'GET';
  headers?: Record<string, string>;
  /** Sent as-is (JSON). */
  body?: string;
  /**
   * Several bodies, sent in turn (request i carries bodies[i % length]): a mix of queries, so
   * that no answer is simply the last one repeated. Replaces `body`.
   */
  bodies?: string[];
  /** Fixed offered rate. */
  ratePerSecond: number;
  /** Length of the measured window. */
  durationSeconds: number;
  /** Requests sent on the same schedule before the measured window, but not recorded. Default 2. */
  warmupSeconds?: number;
  /** Keep-alive sockets at most. Default 64. */
  connections?: number;
  /** Per request, from when it was sent. Default 5000. */
  timeoutMs?: number;
  /**
   * Says whether a response failed: returns an error message, or undefined for success.
   * Replaces the default `graphqlCheck`. Functions cannot cross processes, so `runLoad`
   * always uses the default.
   */
  check?: (status: number, body: string) => string | undefined;
}

export interface LoadResult {
  offeredRate: number;
  /** `completed` per second over the measured window (longer than durationSeconds if answers lag). */
  achievedRate: number;
  /** Measured (non-warmup) requests sent. */
  sent: number;
  /** Measured requests that succeeded. */
  completed: number;
  /** Non-2xx, timeouts, socket errors, GraphQL `errors`, or no answer by the hard deadline. */
  errors: number;
  firstError?: string;
  /** Over completed requests, each from its scheduled send time. */
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
}

const DEFAULT_WARMUP_SECONDS = 2;
const DEFAULT_CONNECTIONS = 64;
const DEFAULT_TIMEOUT_MS = 5000;
/** After the last request's timeout, how long to wait before giving up on the stragglers. */
const DEADLINE_SLACK_MS = 3000;
/** Timer tick bounds: Node timers fire at millisecond granularity at best. */
const MAX_TICK_MS = 5;
/**
 * A tick also sends requests due within this much of now, so that timer lateness does not add
 * a millisecond to every latency; such a request's latency counts from when it was actually
 * sent, so sending early never makes a latency look shorter than it was.
 */
const LOOKAHEAD_MS = 0.5;
const MAX_ERROR_CHARS = 300;

const truncate = (s: string) => (s.length > MAX_ERROR_CHARS ? `${s.slice(0, MAX_ERROR_CHARS - 1)}…` : s);

/**
 * The default check: a non-2xx status fails, and so does a 2xx whose JSON body carries a
 * non-empty GraphQL `errors` array (a GraphQL server answers 200 to a failed operation).
 */
export function graphqlCheck(status: number, body: string): string | undefined {
  if (status < 200 || status >= 300) {
    return `HTTP ${status}: ${body}`;
  }
  // Parsing every body would cost the generator CPU it needs for sending; most bodies lack errors.
  if (!body.includes('"errors"')) {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const errors = (parsed as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) {
    return undefined;
  }
  const first = errors[0] as { message?: unknown } | null;
  const message = typeof first?.message === 'string' ? first.message : JSON.stringify(first);
  return `GraphQL error: ${message}`;
}

interface Plan {
  target: URL;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  /** Empty for requests without a body; otherwise request i sends bodies[i % length]. */
  bodies: Buffer[];
  intervalMs: number;
  warmupCount: number;
  measuredCount: number;
  connections: number;
  timeoutMs: number;
  check: (status: number, body: string) => string | undefined;
}

function positive(name: string, value: number | undefined): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`load spec: ${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

/** The generator only ever targets this machine: it is a benchmark tool, not a way to flood a host. */
function loopbackTarget(url: string): URL {
  const target = new URL(url);
  if (target.protocol !== 'http:') {
    throw new Error(`load spec: url must be http://, got ${url}`);
  }
  if (!isIPv4(target.hostname) || !target.hostname.startsWith('127.')) {
    throw new Error(`load spec: url must target a loopback address in 127.0.0.0/8, got ${url}`);
  }
  return target;
}

function plan(spec: LoadSpec): Plan {
  const rate = positive('ratePerSecond', spec.ratePerSecond);
  const duration = positive('durationSeconds', spec.durationSeconds);
  const warmup = spec.warmupSeconds ?? DEFAULT_WARMUP_SECONDS;
  if (!Number.isFinite(warmup) || warmup < 0) {
    throw new Error(`load spec: warmupSeconds must be >= 0, got ${warmup}`);
  }
  const connections = positive('connections', spec.connections ?? DEFAULT_CONNECTIONS);
  if (!Number.isInteger(connections)) {
    throw new Error(`load spec: connections must be an integer, got ${connections}`);
  }
  const measuredCount = Math.round(rate * duration);
  if (measuredCount < 1) {
    throw new Error(`load spec: ratePerSecond * durationSeconds must be at least 1 request`);
  }
  if (spec.bodies !== undefined && spec.bodies.length === 0) {
    throw new Error('load spec: bodies must hold at least one body');
  }
  const bodies = (spec.bodies ?? (spec.body === undefined ? [] : [spec.body])).map((b) => Buffer.from(b));
  const headers: Record<string, string> = { accept: 'application/json', ...spec.headers };
  if (bodies.length > 0 && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  return {
    target: loopbackTarget(spec.url),
    method: spec.method ?? 'POST',
    headers,
    bodies,
    intervalMs: 1000 / rate,
    warmupCount: Math.round(rate * warmup),
    measuredCount,
    connections,
    timeoutMs: positive('timeoutMs', spec.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    check: spec.check ?? graphqlCheck,
  };
}

/** A check that throws fails its request rather than the whole run. */
function runCheck(p: Plan, status: number, body: string): string | undefined {
  try {
    return p.check(status, body);
  } catch (err) {
    return `check threw: ${(err as Error).message}`;
  }
}

/** What the measured requests came to so far. */
interface Tally {
  sent: number;
  completed: number;
  errors: number;
  firstError: string | undefined;
  latencies: Float64Array;
  lastCompletion: number;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) {
    return 0;
  }
  // Nearest rank: the smallest value with at least p of the sample at or below it.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1] ?? 0;
}

function summarize(p: Plan, tally: Tally, measureStart: number): LoadResult {
  const sorted = tally.latencies.subarray(0, tally.completed).sort();
  let sum = 0;
  for (const l of sorted) {
    sum += l;
  }
  const durationMs = p.measuredCount * p.intervalMs;
  const windowMs = Math.max(durationMs, tally.lastCompletion - measureStart);
  return {
    offeredRate: round3(1000 / p.intervalMs),
    achievedRate: round3((tally.completed * 1000) / windowMs),
    sent: tally.sent,
    completed: tally.completed,
    errors: tally.errors,
    ...(tally.firstError === undefined ? {} : { firstError: tally.firstError }),
    latencyMs: {
      p50: round3(percentile(sorted, 0.5)),
      p90: round3(percentile(sorted, 0.9)),
      p99: round3(percentile(sorted, 0.99)),
      max: round3(sorted.at(-1) ?? 0),
      mean: round3(sorted.length === 0 ? 0 : sum / sorted.length),
    },
  };
}

/** The in-process engine (load-worker.ts runs it in its own process). */
export function generateLoad(spec: LoadSpec): Promise<LoadResult> {
  let p: Plan;
  try {
    p = plan(spec);
  } catch (err) {
    return Promise.reject(err);
  }
  return new Promise((resolve) => {
    const agent = new Agent({ keepAlive: true, maxSockets: p.connections, maxFreeSockets: p.connections });
    const total = p.warmupCount + p.measuredCount;
    const tally: Tally = {
      sent: 0,
      completed: 0,
      errors: 0,
      firstError: undefined,
      latencies: new Float64Array(p.measuredCount),
      lastCompletion: 0,
    };
    const t0 = performance.now();
    const measureStart = t0 + p.warmupCount * p.intervalMs;
    const scheduledAt = (i: number) => t0 + i * p.intervalMs;
    let next = 0;
    let outstanding = 0;
    let finished = false;
    let tickTimer: NodeJS.Timeout | undefined;

    const finish = () => {
      if (finished) {
        return;
      }
      finished = true;
      clearTimeout(tickTimer);
      clearTimeout(deadlineTimer);
      // Whatever is still out by now can no longer answer in time: count it, then cut it off.
      const unanswered = tally.sent - tally.completed - tally.errors;
      if (unanswered > 0) {
        tally.errors += unanswered;
        tally.firstError ??= `${unanswered} requests unanswered at the hard deadline`;
      }
      agent.destroy();
      resolve(summarize(p, tally, measureStart));
    };

    const fail = (message: string) => {
      tally.errors++;
      tally.firstError ??= truncate(message.replace(/\s+/g, ' '));
    };

    const send = (i: number) => {
      const scheduled = scheduledAt(i);
      const sentAt = performance.now();
      const measured = i >= p.warmupCount;
      if (measured) {
        tally.sent++;
      }
      outstanding++;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const settle = (error: string | undefined) => {
        if (settled || finished) {
          return;
        }
        settled = true;
        clearTimeout(timer);
        outstanding--;
        const end = performance.now();
        if (measured && error !== undefined) {
          fail(error);
        } else if (measured) {
          tally.latencies[tally.completed++] = end - Math.min(scheduled, sentAt);
          tally.lastCompletion = end;
        }
        if (next >= total && outstanding === 0) {
          finish();
        }
      };
      const body = p.bodies.length > 0 ? p.bodies[i % p.bodies.length] : undefined;
      let req: ReturnType<typeof request>;
      try {
        req = request(
          {
            agent,
            host: p.target.hostname,
            port: p.target.port || 80,
            path: `${p.target.pathname}${p.target.search}`,
            method: p.method,
            headers: body ? { ...p.headers, 'content-length': String(body.length) } : p.headers,
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              body += chunk;
            });
            res.on('end', () => settle(runCheck(p, res.statusCode ?? 0, body)));
            res.on('error', (err) => settle(`response error: ${err.message}`));
          },
        );
      } catch (err) {
        // e.g. a header value node:http rejects: every request would fail the same way
        settle(`request error: ${(err as Error).message}`);
        return;
      }
      req.on('error', (err) => settle(`request error: ${err.message}`));
      timer = setTimeout(() => {
        settle(`timeout: no answer within ${p.timeoutMs} ms`);
        req.destroy();
      }, p.timeoutMs);
      req.end(body);
    };

    // Each tick sends everything whose scheduled time has come, however late the tick is:
    // the schedule, not the tick, decides how many requests go out.
    const tick = () => {
      const now = performance.now();
      while (next < total && scheduledAt(next) <= now + LOOKAHEAD_MS) {
        send(next++);
      }
      if (next < total) {
        const wait = scheduledAt(next) - LOOKAHEAD_MS - performance.now();
        tickTimer = setTimeout(tick, Math.min(MAX_TICK_MS, Math.max(1, wait)));
      } else if (outstanding === 0) {
        finish();
      }
    };

    // The hard bound: every request has been sent and timed out by then, plus slack.
    const deadlineMs = total * p.intervalMs + p.timeoutMs + DEADLINE_SLACK_MS;
    const deadlineTimer = setTimeout(finish, deadlineMs);
    tick();
  });
}

const WORKER = fileURLToPath(new URL('./load-worker.ts', import.meta.url));
/** Besides the load's own deadline, time for the worker to start and report. */
const WORKER_SLACK_MS = 30_000;

function parseResult(stdout: string): LoadResult {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  const result = JSON.parse(line) as LoadResult;
  if (typeof result?.completed !== 'number' || typeof result.latencyMs?.p50 !== 'number') {
    throw new Error('not a LoadResult');
  }
  return result;
}

/**
 * Runs the load in a child process (bench/load/load-worker.ts) so the generator never shares
 * an event loop with the server; resolves with the worker's result, rejects with the worker's
 * stderr if it fails. The spec goes over stdin (a GraphQL body can outgrow an argv string).
 */
export function runLoad(spec: Omit<LoadSpec, 'check'>): Promise<LoadResult> {
  // The worker validates the spec (an invalid one rejects with its stderr); this only bounds
  // how long the child may take, falling back to the slack alone for a spec it will refuse.
  const loadMs =
    ((spec.warmupSeconds ?? DEFAULT_WARMUP_SECONDS) + spec.durationSeconds) * 1000 +
    (spec.timeoutMs ?? DEFAULT_TIMEOUT_MS) +
    DEADLINE_SLACK_MS;
  const limitMs = (Number.isFinite(loadMs) && loadMs > 0 ? loadMs : 0) + WORKER_SLACK_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', (err) => {
      clearTimeout(killer);
      reject(new Error(`load worker failed to start: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      if (code !== 0) {
        const why = signal ? `killed by ${signal}` : `exited ${code}`;
        reject(new Error(`load worker ${why}: ${stderr.trim() || '(no stderr)'}`));
        return;
      }
      try {
        resolve(parseResult(stdout));
      } catch (err) {
        reject(new Error(`load worker printed no result (${(err as Error).message}): ${stderr.trim()}`));
      }
    });
    child.stdin.on('error', () => {}); // a crash before reading stdin surfaces through 'close'
    child.stdin.end(JSON.stringify(spec));
  });
}

const fixed1 = (n: number) => n.toFixed(1);

/** One line: "name: 500 req/s offered, 499.8 done, p50 1.2 ms, p99 4.5 ms, max 9.1 ms, 0 errors". */
export function formatResult(name: string, r: LoadResult): string {
  const line =
    `${name}: ${r.offeredRate} req/s offered, ${fixed1(r.achievedRate)} done, ` +
    `p50 ${fixed1(r.latencyMs.p50)} ms, p99 ${fixed1(r.latencyMs.p99)} ms, max ${fixed1(r.latencyMs.max)} ms, ` +
    `${r.errors} errors`;
  return r.firstError === undefined ? line : `${line} (first: ${r.firstError})`;
}
