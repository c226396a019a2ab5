/**
 * The edge's admission service (loopback, beside the edge's nginx): opens playback sessions,
 * answers nginx's per-request check, and closes them.
 *   POST   /sessions        {title}  Authorization: Bearer <entitlement token>
 *          201 {session, prefix, expiresAt, bitrateMbps}: play `<edge><prefix>/<title>/...`
 *          503 {error: egress-budget | subscriber-limit, message, retryAfterSeconds} + Retry-After
 *          401/403 with the entitlement's denial reason (license/entitlement.ts: expired,
 *          wrong-site, wrong-title, ...); 404 for a title this site does not serve
 *   GET    /admit           nginx's auth_request: X-Session-Id -> 204 with X-Session-Rate
 *          (bytes/s for limit_rate) and X-Entitlement (for the license proxy), or 403
 *   DELETE /sessions/<id>   204: the session's share is free again
 * Idle sessions are swept on a timer and free their share too.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@smart-fleet/kube';
import {
  bearerToken,
  closeNow,
  HttpError,
  listen,
  readJsonObject,
  sendError,
  sendJson,
} from '../http/json-http.ts';
import { verifyEntitlement } from '../license/entitlement.ts';
import type { EntitlementKeys } from '../license/entitlement-keys.ts';
import { AdmissionBook, type AdmissionLimits } from './admission.ts';
import { isSessionId, newSessionId, sessionPrefix } from './session-url.ts';

const MAX_BODY = 4096;
const TITLE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export interface AdmissionServerOptions extends AdmissionLimits {
  host: string;
  port: number;
  sessionSecret: string;
  /** This site: a token must be for it. */
  site: string;
  /** The hub's public entitlement keys. */
  entitlementKeys: EntitlementKeys;
  /** The bitrate a session of this title reserves (its top rendition), or undefined if not served here. */
  titleBitrateMbps: (title: string) => Promise<number | undefined>;
  /** A session's hard lifetime, signed into its URLs. Default 6 h. */
  sessionMaxMs?: number;
  /** limit_rate per session, as a multiple of its bitrate: room to fill the player's buffer. */
  rateHeadroom?: number;
  now?: () => number;
  log: Logger;
}

export interface AdmissionStats {
  activeSessions: number;
  reservedMbps: number;
  refusals: Record<string, number>;
}

export class AdmissionServer {
  readonly #o: AdmissionServerOptions;
  readonly #book: AdmissionBook;
  readonly #server: Server;
  readonly #sweeper: NodeJS.Timeout;

  private constructor(o: AdmissionServerOptions, server: Server) {
    this.#o = o;
    this.#book = new AdmissionBook(o);
    this.#server = server;
    this.#sweeper = setInterval(
      () => this.#book.sweep(this.#now()),
      Math.max(250, Math.floor(o.idleTimeoutMs / 4)),
    );
    this.#sweeper.unref();
  }

  static async start(o: AdmissionServerOptions): Promise<AdmissionServer> {
    const server = createServer();
    const admission = new AdmissionServer(o, server);
    server.on('request', (req, res) => void admission.#handle(req, res));
    await listen(server, o.host, o.port);
    return admission;
  }

  get address(): string {
    const a = this.#server.address() as AddressInfo;
    return `${a.address}:${a.port}`;
  }

  stats(): AdmissionStats {
    this.#book.sweep(this.#now());
    return {
      activeSessions: this.#book.active,
      reservedMbps: this.#book.reservedMbps,
      refusals: { ...this.#book.refusals },
    };
  }

  async stop(): Promise<void> {
    clearInterval(this.#sweeper);
    await closeNow(this.#server);
  }

  #now(): number {
    return this.#o.now?.() ?? Date.now();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.#route(req, res);
    } catch (error) {
      if (!(error instanceof HttpError)) {
        this.#o.log.error('admission request failed', { error });
      }
      sendError(
        res,
        error instanceof HttpError ? error : new HttpError(500, 'internal', 'the admission service failed'),
      );
    }
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const closing = /^\/sessions\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && path === '/admit') {
      this.#admit(req, res);
    } else if (req.method === 'POST' && path === '/sessions') {
      await this.#open(req, res);
    } else if (req.method === 'DELETE' && closing) {
      this.#close(closing[1] ?? '', res);
    } else {
      throw new HttpError(404, 'not-found', `no ${req.method} ${path} here`);
    }
  }

  #close(id: string, res: ServerResponse): void {
    if (!isSessionId(id) || !this.#book.close(id)) {
      throw new HttpError(404, 'unknown-session', 'no open session has this id');
    }
    res.writeHead(204).end();
  }

  #admit(req: IncomingMessage, res: ServerResponse): void {
    const id = String(req.headers['x-session-id'] ?? '');
    const session = isSessionId(id) ? this.#book.touch(id, this.#now()) : undefined;
    if (!session) {
      res.writeHead(403).end();
      return;
    }
    const headroom = this.#o.rateHeadroom ?? 1.5;
    res.writeHead(204, {
      'x-session-rate': String(Math.round((session.bitrateMbps * headroom * 1e6) / 8)),
      'x-entitlement': session.entitlement,
    });
    res.end();
  }

  async #open(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const token = bearerToken(req);
    if (!token) {
      throw new HttpError(
        401,
        'unauthenticated',
        'an entitlement token is needed: Authorization: Bearer <token>',
      );
    }
    const body = await readJsonObject(req, MAX_BODY);
    const title = body.title;
    if (typeof title !== 'string' || !TITLE.test(title)) {
      throw new HttpError(
        400,
        'malformed',
        'title must be a title name (lower-case letters, digits, dashes)',
      );
    }
    const verdict = await verifyEntitlement(token, this.#o.entitlementKeys, {
      now: new Date(this.#now()),
      site: this.#o.site,
      title,
    });
    if (!verdict.ok) {
      throw new HttpError(verdict.status, verdict.reason, verdict.message);
    }
    const bitrateMbps = await this.#o.titleBitrateMbps(title);
    if (bitrateMbps === undefined) {
      throw new HttpError(404, 'unknown-title', 'this site does not serve that title');
    }
    const now = this.#now();
    const expiresAt = now + (this.#o.sessionMaxMs ?? 6 * 3_600_000);
    const session = {
      id: newSessionId(),
      subscriber: verdict.claims.sub,
      title,
      bitrateMbps,
      entitlement: token,
      openedAt: now,
      lastSeenAt: now,
      expiresAt,
    };
    const refusal = this.#book.admit(session);
    if (refusal) {
      throw new HttpError(503, refusal.reason, refusal.message, {
        headers: { 'retry-after': String(refusal.retryAfterSeconds) },
        details: { retryAfterSeconds: refusal.retryAfterSeconds },
      });
    }
    const expiresSeconds = Math.floor(expiresAt / 1000);
    sendJson(res, 201, {
      session: session.id,
      prefix: sessionPrefix(this.#o.sessionSecret, session.id, expiresSeconds),
      expiresAt: new Date(expiresSeconds * 1000).toISOString(),
      bitrateMbps,
    });
  }
}
