/**
 * The distribution origin's nginx config: the packaged library served from storage under
 * `/titles/`, read-only, with byte ranges (the edges' slices) and long-lived caching headers
 * (a packaged segment never changes: a re-package writes new names); a title's directories
 * list as JSON (nginx's autoindex) for the edges' pre-positioning.
 */
import { FILE_SENDING, MEDIA_TYPES, ORIGIN_LOG_FORMAT, READY_LOCATIONS } from '../nginx/http-common.ts';
import type { HttpBlock } from '../nginx/nginx-server.ts';

export interface OriginConfig {
  /** host:port to listen on. */
  listen: string;
  /** The library: one directory per title, as the packager writes it. */
  libraryDir: string;
  /** Where requests are logged (JSON lines, the edge's format); none when absent. */
  accessLog?: string;
}

/** Title names are object names; anything else under /titles/ is not ours to serve. */
export const TITLE_PATH = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';

export function originHttp(c: OriginConfig): HttpBlock {
  return (generation) => `  ${MEDIA_TYPES}
  ${FILE_SENDING}
  ${ORIGIN_LOG_FORMAT}
  access_log ${c.accessLog ? `${c.accessLog} smart` : 'off'};
  server {
    listen ${c.listen};
    ${READY_LOCATIONS}
    ${generation}
    # A title's directories list as JSON: what an edge's pre-positioning walks to know the files.
    location ~ "^/titles/(?<title>${TITLE_PATH})/(?<dir>(?:[^?]*/)?)$" {
      alias ${c.libraryDir}/$title/$dir;
      autoindex on;
      autoindex_format json;
    }
    location ~ "^/titles/(?<title>${TITLE_PATH})/(?<file>[^?]*[^/?])$" {
      alias ${c.libraryDir}/$title/$file;
      add_header Cache-Control "public, max-age=31536000, immutable";
    }
    location / { return 404; }
  }`;
}
