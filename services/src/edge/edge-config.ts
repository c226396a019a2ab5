/**
 * The streaming edge's nginx config, rendered from what the site agent knows (its bundle: the
 * site's egress budget, the parent distribution nodes, the pre-positioned titles' directory).
 *
 * A playback session lives under a signed prefix, `/s/<session>/<expires>/<signature>/`, so the
 * relative URIs of playlists and manifests keep it on every segment and key request:
 *   - nginx checks the signature and expiry itself (secure_link): a forged or stale URL costs
 *     nothing but a 403/410;
 *   - then asks the admission service whether the session is still open (auth_request), which
 *     also answers the session's rate (limit_rate: an admitted session keeps its share however
 *     many arrive) and its entitlement token, forwarded only to the site's license proxy;
 *   - media comes from local storage first (the pre-positioned titles), else from the parent
 *     tier through the cache: `hash $uri consistent` over the cluster's distribution nodes (a
 *     title's bytes always come from the same node, and a node's loss moves only its share),
 *     1 MiB slices (a large file is cached piecewise, ranges served from what is there), and
 *     proxy_cache_lock (two concurrent misses make one origin fetch).
 * Opening and closing sessions (`/sessions`) goes straight to the admission service.
 */
import { EDGE_LOG_FORMAT, FILE_SENDING, MEDIA_TYPES, READY_LOCATIONS } from '../nginx/http-common.ts';
import type { HttpBlock } from '../nginx/nginx-server.ts';
import { TITLE_PATH } from '../origin/origin-config.ts';
import { SESSION_ID_PATTERN, SIGNATURE_PATTERN } from './session-url.ts';

export interface EdgeConfig {
  /** host:port players connect to. */
  listen: string;
  /** Pre-positioned titles, one directory per title (the agent fills it). */
  contentDir: string;
  /** The fill cache's directory and its size cap in MB. */
  cacheDir: string;
  cacheMaxMB: number;
  /** The parent tier: the wide-area cluster's distribution nodes, host:port each. */
  origins: readonly string[];
  /** The admission service (host:port) and the site license proxy (host:port). */
  admission: string;
  licenseProxy: string;
  /** The secret session URLs are signed with (shared with the admission service only). */
  sessionSecret: string;
  /** Where the access log the edge meter reads goes. */
  accessLog: string;
}

const SESSION_PREFIX = `^/s/(?<session_id>${SESSION_ID_PATTERN})/(?<expires>[0-9]{1,12})/(?<signature>${SIGNATURE_PATTERN})`;
/** A key id: a UUID, with or without dashes. */
const KEY_ID = '[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}';

export class EdgeConfigError extends Error {
  override readonly name = 'EdgeConfigError';
}

const HOST_PORT = /^[A-Za-z0-9.-]{1,253}:[0-9]{1,5}$/;

function check(c: EdgeConfig): void {
  const addresses: [string, string][] = [
    ['listen', c.listen],
    ['admission', c.admission],
    ['licenseProxy', c.licenseProxy],
    ...c.origins.map((o, i): [string, string] => [`origins[${i}]`, o]),
  ];
  for (const [field, value] of addresses) {
    if (!HOST_PORT.test(value)) {
      throw new EdgeConfigError(`edge config ${field}: "${value}" is not host:port`);
    }
  }
  if (c.origins.length === 0 || c.origins.length > 64) {
    throw new EdgeConfigError(`edge config origins: ${c.origins.length} given, 1 to 64 allowed`);
  }
  for (const [field, value] of [
    ['contentDir', c.contentDir],
    ['cacheDir', c.cacheDir],
    ['accessLog', c.accessLog],
  ] as const) {
    if (!/^\/[^\s;{}"'$\\]*$/.test(value)) {
      throw new EdgeConfigError(`edge config ${field}: "${value}" is not an absolute path nginx can take`);
    }
  }
  if (!/^[A-Za-z0-9_-]{32,128}$/.test(c.sessionSecret)) {
    throw new EdgeConfigError('edge config sessionSecret: 32 to 128 URL-safe characters needed');
  }
  if (!Number.isInteger(c.cacheMaxMB) || c.cacheMaxMB < 1) {
    throw new EdgeConfigError(`edge config cacheMaxMB: ${c.cacheMaxMB} is not a positive whole number`);
  }
}

/** Checks after the session's signature and expiry: what every session location starts with. */
const SESSION_CHECKS = (secret: string) => `set $log_session $session_id;
      set $media_session $session_id;
      secure_link $signature,$expires;
      secure_link_md5 "$expires$session_id ${secret}";
      if ($secure_link = "") { return 403; }
      if ($secure_link = "0") { return 410; }
      auth_request /_admit;
      auth_request_set $granted_rate $upstream_http_x_session_rate;
      auth_request_set $entitlement $upstream_http_x_entitlement;`;

export function edgeHttp(c: EdgeConfig): HttpBlock {
  check(c);
  return (generation) => `  ${MEDIA_TYPES}
  ${FILE_SENDING}
  upstream parents {
    hash $uri consistent;
    ${c.origins.map((o) => `server ${o} max_fails=2 fail_timeout=10s;`).join('\n    ')}
    keepalive 32;
  }
  upstream admission { server ${c.admission}; keepalive 16; }
  upstream license_proxy { server ${c.licenseProxy}; keepalive 8; }
  proxy_cache_path ${c.cacheDir} levels=1:2 keys_zone=fill:16m max_size=${c.cacheMaxMB}m inactive=30d use_temp_path=off;
  ${EDGE_LOG_FORMAT}
  # A refused request has no granted rate; its error page is sent unlimited.
  map $granted_rate $session_rate { "" 0; default $granted_rate; }
  server {
    listen ${c.listen};
    access_log ${c.accessLog} smart;
    # Requests outside a session log an empty source and session; that is not worth a warning.
    uninitialized_variable_warn off;
    ${READY_LOCATIONS}
    ${generation}
    location = /sessions { proxy_pass http://admission; proxy_http_version 1.1; proxy_set_header Connection ""; }
    location ~ "^/sessions/${SESSION_ID_PATTERN}$" { proxy_pass http://admission; proxy_http_version 1.1; proxy_set_header Connection ""; }
    location = /_admit {
      internal;
      proxy_pass http://admission/admit;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Session-Id $session_id;
      proxy_set_header X-Original-URI $request_uri;
    }
    location ~ "${SESSION_PREFIX}/(?:.*/)?keys/(?<key_id>${KEY_ID})(?:\\.key)?$" {
      ${SESSION_CHECKS(c.sessionSecret)}
      proxy_pass http://license_proxy/keys/hls/$key_id;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "Bearer $entitlement";
    }
    location ~ "${SESSION_PREFIX}/license/clearkey$" {
      ${SESSION_CHECKS(c.sessionSecret)}
      client_max_body_size 16k;
      rewrite ^ /license/clearkey break;
      proxy_pass http://license_proxy;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "Bearer $entitlement";
    }
    location ~ "${SESSION_PREFIX}/(?<title>${TITLE_PATH})/(?<file>[^?]+)$" {
      ${SESSION_CHECKS(c.sessionSecret)}
      set $edge_source local;
      # Copied out of the captures: the fill location below needs them after the redirect.
      set $media_title $title;
      set $media_file $file;
      limit_rate $session_rate;
      alias ${c.contentDir}/$title/$file;
      error_page 404 = @fill;
      log_not_found off;
    }
    location @fill {
      # Set again: the redirect here reset what the session location set, but the copies below.
      set $edge_source fill;
      set $log_session $media_session;
      limit_rate $session_rate;
      slice 1m;
      proxy_cache fill;
      proxy_cache_key $media_title/$media_file$slice_range;
      proxy_set_header Range $slice_range;
      proxy_cache_valid 200 206 30d;
      proxy_cache_lock on;
      proxy_cache_lock_timeout 30s;
      proxy_cache_lock_age 30s;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass http://parents/titles/$media_title/$media_file;
    }
    location / { return 404; }
  }`;
}
