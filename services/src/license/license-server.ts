/**
 * The DRM license service (wide-area): hands a title's content keys only to a request that
 * comes through a site's license proxy with a valid, short-lived entitlement token the hub
 * signed, and only the keys that token grants.
 *   POST /license/clearkey    W3C ClearKey license request -> license (JSON)
 *   GET  /keys/hls/<keyId>    the 16 raw key bytes (HLS AES-128 key delivery)
 *   GET  /healthz, /readyz, /metrics
 * The token comes as `Authorization: Bearer`, or `?token=` for HLS players. Keys come from the
 * title's key Secret through the kube API (title-keys.ts), sealed; they are opened here with
 * the KEK, held only in memory, and zeroed once written. Active and retired keys are served (a
 * retired key keeps playing until the licenses issued with it expire); a revoked key never is,
 * even to a token issued before the revocation. Every denial is logged and counted by reason
 * (denials.ts); answers are typed JSON errors: 400, 401, 403, 404, 405, 413, 503.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { finished } from 'node:stream/promises';
import { Counter, describeError, type Logger, type Registry } from '@smart-fleet/kube';
import { NAME_PATTERN } from '@smart-fleet/model';
import { EnvelopeError, openContentKey } from '../drm/envelope.ts';
import { contentKeyContext, type KeysDocument } from '../drm/key-secret.ts';
import { closeNow, HttpError, listen, readJsonObject, sendError, sendJson } from '../http/json-http.ts';
import { type DenialSubject, Denials, type LicenseRoute } from './denials.ts';
import { checkEntitlement, type EntitlementClaims, verifyEntitlement } from './entitlement.ts';
import type { EntitlementKeys } from './entitlement-keys.ts';
import {
  CLEARKEY_PATH,
  clearKeyLicense,
  HLS_KEY_PREFIX,
  hlsKeyId,
  MAX_LICENSE_BODY_BYTES,
  parseClearKeyRequest,
  requestToken,
  SITE_HEADER,
} from './license-protocol.ts';
import type { TitleKeys } from './title-keys.ts';

const DEFAULT_MAX_IN_FLIGHT = 512;
const SITE = new RegExp(NAME_PATTERN);

export interface LicenseServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The hub's public entitlement keys. */
  keys: EntitlementKeys;
  issuer?: string;
  audience?: string;
  titleKeys: TitleKeys;
  /** Every KEK that may have sealed a key, by kekId. Never logged. */
  keks: ReadonlyMap<string, Buffer>;
  log: Logger;
  registry: Registry;
  now?: () => Date;
  /** Requests handled at once; more are answered 503 at once. */
  maxInFlight?: number;
}

interface OpenedKey {
  keyId: string;
  key: Buffer;
}

export class LicenseServer {
  readonly #o: LicenseServerOptions;
  readonly #server: Server;
  readonly #denials: Denials;
  readonly #served: Counter<'route'>;
  #inFlight = 0;

  private constructor(options: LicenseServerOptions, server: Server) {
    this.#o = options;
    this.#server = server;
    this.#denials = new Denials({
      log: options.log,
      registry: options.registry,
      metric: 'smartfleet_license_denials_total',
      help: 'License and key requests refused, by reason.',
    });
    this.#served = new Counter({
      name: 'smartfleet_license_keys_served_total',
      help: 'Licenses (ClearKey) and HLS keys handed out.',
      labelNames: ['route'],
      registers: [options.registry],
    });
  }

  static async start(options: LicenseServerOptions): Promise<LicenseServer> {
    const server = createServer({ requestTimeout: 10_000, headersTimeout: 5_000 });
    const service = new LicenseServer(options, server);
    server.on('request', (req, res) => void service.#handle(req, res));
    await listen(server, options.host, options.port);
    return service;
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
      if (!(error instanceof HttpError)) {
        this.#o.log.error('license request failed', { error: describeError(error) });
      }
      const answer =
        error instanceof HttpError ? error : new HttpError(500, 'internal', 'the request failed');
      if (!res.headersSent) {
        sendError(res, answer);
      }
    } finally {
      this.#inFlight--;
    }
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://license-service');
    if (url.pathname === CLEARKEY_PATH) {
      allow(req, 'POST');
      const keyIds = parseClearKeyRequest(await readJsonObject(req, MAX_LICENSE_BODY_BYTES));
      await this.#answer(req, url, { route: 'clearkey', keyIds }, (keys) =>
        sendJson(res, 200, clearKeyLicense(keys)),
      );
      return;
    }
    if (url.pathname.startsWith(HLS_KEY_PREFIX)) {
      allow(req, 'GET');
      const keyId = hlsKeyId(url.pathname);
      if (!keyId) {
        throw new HttpError(404, 'unknown-key', 'the path names no key id (a UUID)');
      }
      await this.#answer(req, url, { route: 'hls', keyIds: [keyId] }, ([opened]) =>
        sendKey(res, opened as OpenedKey),
      );
      return;
    }
    await this.#probe(req, res, url.pathname);
  }

  async #probe(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method === 'GET' && path === '/metrics') {
      const body = await this.#o.registry.metrics();
      res.writeHead(200, { 'content-type': this.#o.registry.contentType }).end(body);
      return;
    }
    if (req.method === 'GET' && (path === '/healthz' || path === '/readyz')) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    throw new HttpError(404, 'not-found', 'no such route');
  }

  /** Authorises the request, opens its keys, lets `send` write them, then zeroes them. */
  async #answer(
    req: IncomingMessage,
    url: URL,
    asked: { route: LicenseRoute; keyIds: string[] },
    send: (keys: OpenedKey[]) => void | Promise<void>,
  ): Promise<void> {
    const header = req.headers[SITE_HEADER];
    const site = typeof header === 'string' && header.length <= 63 && SITE.test(header) ? header : undefined;
    const subject: DenialSubject = { route: asked.route, site, kids: asked.keyIds };
    const claims = await this.#verified(requestToken(req, url), subject);
    const document = await this.#keysOf(claims.title);
    const revoked = new Set(document.keys.filter((k) => k.state === 'revoked').map((k) => k.keyId));
    // An old Secret may not name its tenant yet: then no tenant owns it and nothing is served.
    const verdict = checkEntitlement(claims, {
      tenant: document.tenant ?? '',
      kids: asked.keyIds,
      revokedKeyIds: revoked,
    });
    if (!verdict.ok) {
      throw this.#denials.deny(verdict.reason, verdict.message, { ...subject, claims });
    }
    const keys = asked.keyIds.map((keyId) => ({ keyId, key: this.#open(document, keyId) }));
    try {
      await send(keys);
      this.#served.inc({ route: asked.route });
    } finally {
      for (const { key } of keys) {
        key.fill(0);
      }
    }
  }

  async #verified(token: string | undefined, subject: DenialSubject): Promise<EntitlementClaims> {
    if (!token) {
      const message = 'no entitlement token: send Authorization: Bearer <token>, or ?token= for HLS';
      throw this.#denials.deny('malformed', message, subject);
    }
    if (!subject.site) {
      const message = `no site identity (${SITE_HEADER}): licenses are asked for through a site's license proxy`;
      throw this.#denials.deny('wrong-site', message, subject);
    }
    const { issuer, audience } = this.#o;
    const now = (this.#o.now ?? (() => new Date()))();
    const verdict = await verifyEntitlement(token, this.#o.keys, {
      issuer,
      audience,
      now,
      site: subject.site,
    });
    if (!verdict.ok) {
      throw this.#denials.deny(verdict.reason, verdict.message, { ...subject, claims: verdict.claims });
    }
    return verdict.claims;
  }

  async #keysOf(title: string): Promise<KeysDocument> {
    let document: KeysDocument | undefined;
    try {
      document = await this.#o.titleKeys.get(title);
    } catch (error) {
      this.#o.log.error('cannot read the title keys', { title, error: describeError(error) });
      throw new HttpError(503, 'keys-unavailable', "the title's keys cannot be read now", {
        headers: { 'retry-after': '1' },
      });
    }
    if (!document) {
      throw new HttpError(404, 'unknown-title', `title ${title} has no content keys`);
    }
    return document;
  }

  #open(document: KeysDocument, keyId: string): Buffer {
    const record = document.keys.find((k) => k.keyId === keyId);
    if (!record?.sealed) {
      throw new HttpError(404, 'unknown-key', `title ${document.title} has no key ${keyId}`);
    }
    // The context names the namespace the Secret was read from: a Secret copied in from
    // another namespace fails to open rather than serving that namespace's keys.
    const context = contentKeyContext({
      namespace: this.#o.titleKeys.namespace,
      title: document.title,
      key: record,
    });
    try {
      return openContentKey({ keks: this.#o.keks, sealed: record.sealed, context });
    } catch (error) {
      const code = error instanceof EnvelopeError ? error.code : 'error';
      this.#o.log.error('cannot open a content key', { title: document.title, kid: keyId, code });
      throw new HttpError(503, 'key-unavailable', `key ${keyId} cannot be opened here`);
    }
  }
}

function allow(req: IncomingMessage, method: string): void {
  if (req.method !== method) {
    throw new HttpError(405, 'method-not-allowed', `use ${method}`, { headers: { allow: method } });
  }
}

/** Resolves once the bytes are handed to the socket (or the client has gone): then they may be zeroed. */
async function sendKey(res: ServerResponse, opened: OpenedKey): Promise<void> {
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': opened.key.length,
    'cache-control': 'no-store',
  });
  res.end(opened.key);
  await finished(res).catch(() => undefined);
}
