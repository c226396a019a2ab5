/**
 * The hub's agent endpoint. Sites sit behind NAT, so agents call in:
 *   POST /v1/register   {namespace, site, bootstrapToken} -> {token}
 *   GET  /v1/bundle?namespace=&site=   Authorization: Bearer <token> -> the desired bundle
 *   POST /v1/telemetry  Authorization: Bearer <token>, {namespace, site, samples: [{at, telemetry}]}
 *                       -> {accepted, refused, refusedReason?}: what an agent buffered while the
 *                       hub was unreachable, at most MAX_REPLAY_BATCH samples oldest first,
 *                       into Prometheus with their own times (telemetry-replay.ts)
 *   POST /v1/heartbeat  Authorization: Bearer <token>,
 *                       {namespace, site, telemetry, release?, failedRelease?, failedReason?}
 * Heartbeats go to the in-memory store only. Bodies are capped at 64 KiB (a replay batch at
 * MAX_REPLAY_BODY); bad input gets a 4xx naming what is wrong; tokens are never logged. With `routing` (several replicas), a
 * replica that is not the leader relays every call to the leader (leader-forward.ts), so the
 * one process that judges site health holds every heartbeat and every agent credential.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '@smart-fleet/kube';
import { LOOPBACK } from '@smart-fleet/kube';
import { checkTelemetry, type SiteTelemetry, type TelemetrySample } from '@smart-fleet/model';
import { type AgentCredentials, CredentialError } from './agent-credentials.ts';
import type { HeartbeatStore } from './heartbeat-store.ts';
import { type LeaderRouting, type RelayAnswer, relayToLeader } from './leader-forward.ts';
import { MAX_REPLAY_BATCH, MAX_REPLAY_BODY, ReplayError, type TelemetryReplay } from './telemetry-replay.ts';

const MAX_BODY = 64 * 1024;
/** Characters of a failed release's reason kept (the kubelet's or scheduler's message). */
const MAX_FAILED_REASON = 512;
const TELEMETRY_PATH = '/v1/telemetry';
const bodyLimit = (req: IncomingMessage) => (req.url === TELEMETRY_PATH ? MAX_REPLAY_BODY : MAX_BODY);

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const limit = bodyLimit(req);
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    throw new HttpError(413, `body over ${limit} bytes`);
  }
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      throw new HttpError(413, `body over ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req);
  try {
    const body = JSON.parse(raw.toString()) as unknown;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new Error('not an object');
    }
    return body as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'body must be a JSON object');
  }
}

function text(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') {
    throw new HttpError(400, `${field} must be a non-empty string`);
  }
  return value;
}

function telemetryOf(body: Record<string, unknown>, path = 'telemetry'): SiteTelemetry {
  const checked = checkTelemetry(body.telemetry, path);
  if (checked.problem !== undefined) {
    throw new HttpError(400, checked.problem);
  }
  return checked.telemetry;
}

function fillOf(body: Record<string, unknown>): { plannedMB: number; filledMB: number } | undefined {
  const fill = body.fill as Record<string, unknown> | undefined;
  if (fill === undefined) {
    return undefined;
  }
  const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  if (typeof fill !== 'object' || fill === null || !ok(fill.plannedMB) || !ok(fill.filledMB)) {
    throw new HttpError(400, 'fill must be {plannedMB, filledMB}, numbers >= 0');
  }
  return { plannedMB: fill.plannedMB as number, filledMB: fill.filledMB as number };
}

export interface IngestDeps {
  credentials: AgentCredentials;
  store: HeartbeatStore;
  log: Logger;
  /** The desired bundle for a site (release, site values, placement), from the hub's caches. */
  bundleFor?: (site: { namespace: string; name: string }) => unknown;
  /** False for a site that may no longer call in (decommissioned). */
  siteActive?: (site: { namespace: string; name: string }) => boolean;
  /** Several replicas: who leads, and where. Without it, this process answers every call. */
  routing?: LeaderRouting;
  /** Where replayed telemetry goes (Prometheus); without it /v1/telemetry answers 503. */
  replay?: TelemetryReplay;
  now?: () => number;
}

function samplesOf(body: Record<string, unknown>): TelemetrySample[] {
  if (!Array.isArray(body.samples) || body.samples.length > MAX_REPLAY_BATCH) {
    throw new HttpError(400, `samples must be a list of at most ${MAX_REPLAY_BATCH}`);
  }
  return body.samples.map((raw: unknown, i: number) => {
    const sample = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    if (typeof sample.at !== 'number' || !Number.isFinite(sample.at) || sample.at < 0) {
      throw new HttpError(400, `samples[${i}].at must be a time in milliseconds since the epoch`);
    }
    return { at: sample.at, telemetry: telemetryOf(sample, `samples[${i}].telemetry`) };
  });
}

async function authenticated(
  req: IncomingMessage,
  deps: IngestDeps,
  site: { namespace: string; name: string },
) {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (!token || !(await deps.credentials.verify(site, token))) {
    throw new HttpError(401, 'unknown site or wrong agent token');
  }
  if (deps.siteActive && !deps.siteActive(site)) {
    throw new HttpError(403, `site ${site.namespace}/${site.name} is decommissioned`);
  }
}

async function bundle(req: IncomingMessage, deps: IngestDeps): Promise<{ status: number; body?: unknown }> {
  const query = new URL(req.url ?? '', 'http://agent').searchParams;
  const site = { namespace: query.get('namespace') ?? '', name: query.get('site') ?? '' };
  await authenticated(req, deps, site);
  const found = deps.bundleFor?.(site);
  if (!found) {
    throw new HttpError(404, `no bundle for ${site.namespace}/${site.name}`);
  }
  return { status: 200, body: found };
}

async function handle(req: IncomingMessage, deps: IngestDeps): Promise<{ status: number; body?: unknown }> {
  if (req.method === 'GET' && req.url?.startsWith('/v1/bundle?')) {
    return bundle(req, deps);
  }
  if (req.method !== 'POST') {
    throw new HttpError(405, 'POST only');
  }
  const body = await readJson(req);
  const site = { namespace: text(body, 'namespace'), name: text(body, 'site') };
  if (req.url === '/v1/register') {
    const token = await deps.credentials.register(site, text(body, 'bootstrapToken'));
    deps.log.info('agent registered', { site: `${site.namespace}/${site.name}` });
    return { status: 200, body: { token } };
  }
  if (req.url === TELEMETRY_PATH) {
    await authenticated(req, deps, site);
    const samples = samplesOf(body);
    if (!deps.replay) {
      throw new HttpError(
        503,
        'this hub keeps no telemetry history (no Prometheus configured); keep the samples',
      );
    }
    const outcome = await deps.replay.replay(`${site.namespace}/${site.name}`, samples);
    if (outcome.refused > 0) {
      deps.log.info('replayed telemetry refused in part', {
        site: `${site.namespace}/${site.name}`,
        refused: outcome.refused,
        reason: outcome.refusedReason,
      });
    }
    return { status: 200, body: outcome };
  }
  if (req.url === '/v1/heartbeat') {
    await authenticated(req, deps, site);
    const optional = (field: string) =>
      typeof body[field] === 'string' ? (body[field] as string) : undefined;
    deps.store.record(`${site.namespace}/${site.name}`, {
      at: deps.now?.() ?? Date.now(),
      telemetry: telemetryOf(body),
      release: optional('release'),
      failedRelease: optional('failedRelease'),
      // Bounded: a status message, never a log.
      failedReason: optional('failedReason')?.slice(0, MAX_FAILED_REASON),
      fill: fillOf(body),
    });
    return { status: 204 };
  }
  throw new HttpError(404, `no route ${req.url}`);
}

function reply(res: ServerResponse, status: number, body?: unknown): void {
  res
    .writeHead(status, { 'content-type': 'application/json' })
    .end(body === undefined ? undefined : JSON.stringify(body));
}

async function relay(req: IncomingMessage, routing: LeaderRouting): Promise<RelayAnswer> {
  const body = req.method === 'POST' ? await readBody(req) : undefined;
  return relayToLeader(routing, {
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers: req.headers,
    body,
  });
}

function answer(req: IncomingMessage, res: ServerResponse, deps: IngestDeps): Promise<void> {
  if (deps.routing && !deps.routing.leading()) {
    return relay(req, deps.routing).then((relayed) => {
      res.writeHead(relayed.status, { 'content-type': relayed.type }).end(relayed.body || undefined);
    });
  }
  return handle(req, deps).then((local) => reply(res, local.status, local.body));
}

/** Serves the agents' endpoint on `host` (loopback unless told); port 0 picks a free port. */
export function serveIngest(deps: IngestDeps, port: number, host = LOOPBACK): Promise<Server> {
  const server = createServer((req, res) => {
    answer(req, res, deps).catch((error: unknown) => {
      if (error instanceof HttpError || error instanceof ReplayError || error instanceof CredentialError) {
        reply(res, error instanceof CredentialError ? 401 : error.status, { error: error.message });
        return;
      }
      deps.log.error('ingest failed', { error: error instanceof Error ? error.message : String(error) });
      reply(res, 500, { error: 'internal error' });
    });
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}
