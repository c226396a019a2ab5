/**
 * The site license proxy (one per site, beside the streaming edge): forwards license and HLS
 * key requests to the wide-area license service, stamped with this site's identity
 * (x-smartfleet-site, replacing whatever a client sent). A token whose `site` claim names
 * another site is refused here, before it costs the wide-area service anything; the license
 * service still verifies everything (the proxy holds no keys and trusts no token). Bounded:
 * bodies 16 KiB each way, a deadline per upstream call, a cap on requests in flight. Tokens
 * travel upstream in the Authorization header only, never in a URL a log could keep.
 *   POST /license/clearkey, GET /keys/hls/<keyId>    forwarded
 *   GET  /healthz, /readyz, /metrics
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { finished } from 'node:stream/promises';
import { Counter, describeError, type Logger, type Registry } from '@smart-fleet/kube';
import { decodeJwt } from 'jose';
import { closeNow, HttpError, listen, readBody, sendError } from '../http/json-http.ts';
import { Denials, type LicenseRoute } from './denials.ts';
import {
  CLEARKEY_PATH,
  HLS_KEY_PREFIX,
  hlsKeyId,
  MAX_LICENSE_BODY_BYTES,
  requestToken,
  SITE_HEADER,
} from './license-protocol.ts';

/** The proxy's `denied` count on /metrics, for a site agent reading a proxy that runs as a pod. */
export const LICENSE_DENIALS_METRIC = 'smartfleet_license_proxy_denials_total';
const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_MAX_IN_FLIGHT = 256;
/** A license for 16 keys is under 2 KiB; an HLS key is 16 bytes. */
const MAX_UPSTREAM_BYTES = 16 * 1024;

export interface LicenseProxyOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** This site's name, as entitlement tokens' `site` claim names it. */
  site: string;
  /** The license service's base URL. */
  upstream: URL;
  timeoutMs?: number;
  maxInFlight?: number;
  log: Logger;
  registry: Registry;
}

interface Forward {
  route: LicenseRoute;
  path: string;
  token: string;
}

export class LicenseProxy {
  readonly #o: LicenseProxyOptions;
  readonly #server: Server;
  readonly #refusals: Denials;
  readonly #forwarded: Counter<'status'>;
  readonly #denials: Counter;
  #inFlight = 0;
  #denied = 0;

  private constructor(options: LicenseProxyOptions, server: Server) {
    this.#o = options;
    this.#server = server;
    this.#refusals = new Denials({
      log: options.log,
      registry: options.registry,
      metric: 'smartfleet_license_proxy_refusals_total',
      help: 'License and key requests the site proxy refused before forwarding, by reason.',
    });
    this.#forwarded = new Counter({
      name: 'smartfleet_license_proxy_forwarded_total',
      help: "Requests forwarded to the license service, by the service's status code.",
      labelNames: ['status'],
      registers: [options.registry],
    });
    this.#denials = new Counter({
      name: LICENSE_DENIALS_METRIC,
      help: 'License and key requests denied (401 or 403), by the proxy or by the license service.',
      registers: [options.registry],
    });
  }

  static async start(options: LicenseProxyOptions): Promise<LicenseProxy> {
    const server = createServer({ requestTimeout: 10_000, headersTimeout: 5_000 });
    const proxy = new LicenseProxy(options, server);
    server.on('request', (req, res) => void proxy.#handle(req, res));
    await listen(server, options.host, options.port);
    return proxy;
  }

  /**
   * License and key requests refused for this site so far: refused here, or by the license
   * service behind (401/403 relayed). The site agent reports the difference each heartbeat.
   */
  get denied(): number {
    return this.#denied;
  }

  #deny(): void {
    this.#denied++;
    this.#denials.inc();
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await closeNow(this.#server);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.#inFlight >= (this.#o.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT)) {
      sendError(
        res,
        new HttpError(503, 'busy', 'too many requests at once', { headers: { 'retry-after': '1' } }),
      );
      return;
    }
    this.#inFlight++;
    try {
      await this.#route(req, res);
    } catch (error) {
      this.#refused(res, error);
    } finally {
      this.#inFlight--;
    }
  }

  /** Answers a failed request: a refusal as itself (a 401/403 counted as a denial), anything else as a 500. */
  #refused(res: ServerResponse, error: unknown): void {
    if (!(error instanceof HttpError)) {
      this.#o.log.error('license proxy request failed', { error: describeError(error) });
    }
    const refusal = error instanceof HttpError ? error : new HttpError(500, 'internal', 'the request failed');
    if (refusal.status === 401 || refusal.status === 403) {
      this.#deny();
    }
    if (!res.headersSent) {
      sendError(res, refusal);
    }
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://license-proxy');
    if (url.pathname === CLEARKEY_PATH && req.method === 'POST') {
      const body = await readBody(req, MAX_LICENSE_BODY_BYTES);
      await this.#forward(res, this.#checked(req, url, 'clearkey', []), body);
      return;
    }
    const keyId = hlsKeyId(url.pathname);
    if (keyId && req.method === 'GET') {
      await this.#forward(res, this.#checked(req, url, 'hls', [keyId]));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/metrics') {
      res
        .writeHead(200, { 'content-type': this.#o.registry.contentType })
        .end(await this.#o.registry.metrics());
      return;
    }
    if (req.method === 'GET' && (url.pathname === '/healthz' || url.pathname === '/readyz')) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    const known = url.pathname === CLEARKEY_PATH || url.pathname.startsWith(HLS_KEY_PREFIX);
    throw known
      ? new HttpError(405, 'method-not-allowed', 'POST a license request, GET an HLS key')
      : new HttpError(404, 'not-found', 'no such route');
  }

  /** The request's token, refused here when it is absent, unreadable or for another site. */
  #checked(req: IncomingMessage, url: URL, route: LicenseRoute, keyIds: string[]): Forward {
    const subject = { route, site: this.#o.site, kids: keyIds };
    const token = requestToken(req, url);
    if (!token) {
      throw this.#refusals.deny(
        'malformed',
        'no entitlement token: send Authorization: Bearer <token>',
        subject,
      );
    }
    let site: unknown;
    try {
      // Not verified here (the license service does): only read, to spare it tokens for elsewhere.
      site = decodeJwt(token).site;
    } catch {
      throw this.#refusals.deny('malformed', 'the entitlement is not a well-formed token', subject);
    }
    if (site !== this.#o.site) {
      throw this.#refusals.deny('wrong-site', `the entitlement is not for site ${this.#o.site}`, subject);
    }
    return { route, path: url.pathname, token };
  }

  async #forward(res: ServerResponse, forward: Forward, body?: Buffer): Promise<void> {
    let upstream: Response;
    try {
      upstream = await fetch(new URL(forward.path, this.#o.upstream), {
        method: body ? 'POST' : 'GET',
        headers: {
          authorization: `Bearer ${forward.token}`,
          [SITE_HEADER]: this.#o.site,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? new Uint8Array(body) : undefined,
        redirect: 'error',
        signal: AbortSignal.timeout(this.#o.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (error) {
      this.#o.log.error('license service unreachable', { route: forward.route, error: describeError(error) });
      throw new HttpError(502, 'upstream-unavailable', 'the license service cannot be reached');
    }
    const bytes = await boundedBody(upstream);
    this.#forwarded.inc({ status: String(upstream.status) });
    if (upstream.status === 401 || upstream.status === 403) {
      this.#deny();
    }
    res.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
      'content-length': bytes.length,
      'cache-control': 'no-store',
    });
    res.end(bytes);
    // The answer may hold key bytes: gone from here once the socket has them.
    await finished(res).catch(() => undefined);
    bytes.fill(0);
  }
}

async function boundedBody(response: Response): Promise<Buffer> {
  const tooLarge = () =>
    new HttpError(502, 'upstream-too-large', 'the license service answered more than a license');
  if (Number(response.headers.get('content-length') ?? 0) > MAX_UPSTREAM_BYTES) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const reader = response.body?.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  for (let part = await reader?.read(); part && !part.done; part = await reader?.read()) {
    size += part.value.byteLength;
    if (size > MAX_UPSTREAM_BYTES) {
      await reader?.cancel();
      throw tooLarge();
    }
    chunks.push(Buffer.from(part.value));
    part.value.fill(0); // may hold key bytes; the copy is zeroed once sent
  }
  return Buffer.concat(chunks);
}
