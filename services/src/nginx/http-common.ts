/**
 * What the origin's and the edge's nginx configs share: the media types we serve, the access-log
 * format the edge meter reads, and the readiness endpoint the stacks probe.
 */
import { SITE_PROBE_PATHS } from '@smart-fleet/model';

/** Only what packaged titles hold; anything else is served as bytes. */
export const MEDIA_TYPES = `types {
    application/vnd.apple.mpegurl m3u8;
    video/mp2t ts;
    video/mp4 mp4;
    video/iso.segment m4s;
    audio/mp4 m4a;
    application/dash+xml mpd;
    application/json json;
    application/xml xml;
  }
  default_type application/octet-stream;`;

/**
 * One JSON object per request (escape=json): what the edge meter sums into telemetry. `src` is
 * where the bytes came from: `local` (pre-positioned), `fill` (the parent, through the cache:
 * `cache` then says HIT, MISS, ...), or empty (control requests: sessions, keys). The session
 * locations set `src` and `session`; elsewhere they are unset and log empty.
 */
export const EDGE_LOG_FORMAT = `log_format smart escape=json '{"t":$msec,"status":$status,"bytes":$bytes_sent,"src":"$edge_source","cache":"$upstream_cache_status","session":"$log_session","uri":"$uri"}';`;

/** The origin's: what a request asked and what it got (the same fields the edge meter reads). */
export const ORIGIN_LOG_FORMAT = `log_format smart escape=json '{"t":$msec,"status":$status,"bytes":$bytes_sent,"range":"$http_range","uri":"$uri"}';`;

export const READY_LOCATIONS = `location = ${SITE_PROBE_PATHS.ready} { default_type text/plain; return 200 "ready"; }
    location = ${SITE_PROBE_PATHS.live} { default_type text/plain; return 200 "live"; }`;

/** Tuning for sending files: sendfile with a cap per call, so one fast client cannot hog a worker. */
export const FILE_SENDING = `sendfile on;
  sendfile_max_chunk 512k;
  tcp_nopush on;
  keepalive_timeout 65s;`;
