/**
 * What a streaming edge running as its own process (a release pod) tells its site agent: the
 * figures the agent's heartbeat carries, read over HTTP where an in-process edge is read by call.
 *   GET /telemetry  200 {telemetry: EdgeTelemetry, fill: FillProgress}
 * Each reading closes the edge's measuring window (egress, cache hits, errors are since the
 * previous reading), so the site agent is its one reader. Counters only: no session, title or
 * subscriber is named. Anything else is 404, a method other than GET 405; no body is read.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeNow, HttpError, listen, sendError, sendJson } from '../http/json-http.ts';
import type { FillProgress } from './prefill.ts';
import type { EdgeTelemetry } from './site-edge.ts';

export const EDGE_TELEMETRY_PATH = '/telemetry';

/** One reading of an edge, as its status port serves it. */
export interface EdgeReading {
  telemetry: EdgeTelemetry;
  fill: FillProgress;
}

export interface EdgeStatusServer {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startEdgeStatus(
  edge: { telemetry(): EdgeTelemetry; fill(): FillProgress },
  at: { host: string; port: number },
): Promise<EdgeStatusServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== EDGE_TELEMETRY_PATH) {
      sendError(
        res,
        new HttpError(404, 'not-found', `no ${path} here; the edge's status is ${EDGE_TELEMETRY_PATH}`),
      );
    } else if (req.method !== 'GET') {
      sendError(res, new HttpError(405, 'method-not-allowed', `${EDGE_TELEMETRY_PATH} is read with GET`));
    } else {
      const reading: EdgeReading = { telemetry: edge.telemetry(), fill: edge.fill() };
      sendJson(res, 200, reading);
    }
  });
  server.headersTimeout = 5000;
  server.requestTimeout = 5000;
  await listen(server, at.host, at.port);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${at.host.includes(':') ? `[${at.host}]` : at.host}:${port}`,
    stop: () => closeNow(server),
  };
}
