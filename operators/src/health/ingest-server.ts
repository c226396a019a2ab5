/**
 * The hub's agent endpoint. Sites sit behind NAT, so agents call in:
 *   POST /v1/register   {namespace, site, bootstrapToken} -> {token}
 *   GET  /v1/bundle?namespace=&site=   Authorization: Bearer <token> -> the desired bundle
 *   POST /v1/telemetry  Authorization: Bearer <token>, {namespace, site, samples: [{at, telemetry}]}
 *                       (what an agent buffered while the hub was unreachable)
 *   POST /v1/heartbeat  Authorization: Bearer <token>,
 *                       {namespace, site, telemetry, release?, failedRelease?}
 * Heartbeats go to the in-memory store only. Bodies are capped at 64 KiB; bad input gets a
 * 4xx naming what is wrong; tokens are never logged. With `routing` (several replicas), a
 * replica that is not the leader relays every call to the leader (leader-forward.ts), so the
 * one process that judges site health holds every heartbeat and every agent credential.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '@smart-fleet/kube';
import { LOOPBACK } from '@smart-fleet/kube';
import { type AgentCredentials, CredentialError } from './agent-credentials.ts';
import type { Telemetry } from './diagnosis.ts';
import type { HeartbeatStore } from './heartbeat-store.ts';
import { type LeaderRouting, type RelayAnswer, relayToLeader } from './leader-forward.ts';

const MAX_BODY = 64 * 1024;
const TELEMETRY_FIELDS = [
  'activeStreams',
  'egressMbps',
  'cacheHitRatio',
  'storageUsedGB',
  'acceleratorsHealthy',
  'drmDenials',
  'errors',
] as const;

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) {
      throw new HttpError(413, `body over ${MAX_BODY} bytes`);
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

function telemetryOf(body: Record<string, unknown>): Telemetry {
  const t = body.telemetry as Record<string, unknown> | undefined;
  if (typeof t !== 'object' || t === null) {
    throw new HttpError(400, 'telemetry must be an object');
  }
  for (const field of TELEMETRY_FIELDS) {
    if (typeof t[field] !== 'number' || !Number.isFinite(t[field]) || (t[field] as number) < 0) {
      throw new HttpError(400, `telemetry.${field} must be a number >= 0`);
    }
  }
  return Object.fromEntries(TELEMETRY_FIELDS.map((f) => [f, t[f]])) as unknown as Telemetry;
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
  now?: () => number;
}

const MAX_REPLAY = 5000;

function samplesOf(body: Record<string, unknown>): { at: number; telemetry: Telemetry }[] {
  if (!Array.isArray(body.samples) || body.samples.length > MAX_REPLAY) {
    throw new HttpError(400, `samples must be a list of at most ${MAX_REPLAY}`);
  }
  return body.samples.map((raw: unknown, i: number) => {
    const sample = (raw ?? {}) as Record<string, unknown>;
    if (typeof sample.at !== 'number' || !Number.isFinite(sample.at)) {
      throw new HttpError(400, `samples[${i}].at must be a time in milliseconds`);
    }
    return { at: sample.at, telemetry: telemetryOf(sample) };
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
  if (req.url === '/v1/telemetry') {
    await authenticated(req, deps, site);
    const samples = samplesOf(body);
    deps.store.addSamples(`${site.namespace}/${site.name}`, samples);
    return { status: 200, body: { accepted: samples.length } };
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
      if (error instanceof HttpError || error instanceof CredentialError) {
        reply(res, error instanceof HttpError ? error.status : 401, { error: error.message });
        return;
      }
      deps.log.error('ingest failed', { error: error instanceof Error ? error.message : String(error) });
      reply(res, 500, { error: 'internal error' });
    });
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}
