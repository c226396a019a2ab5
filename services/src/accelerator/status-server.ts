/**
 * The plugin's read-only status over HTTP, for the site agent (which runs in another pod, so it
 * cannot call the plugin in-process) and for probes:
 *   GET /status   {resource, kubelet, registered, healthy, expected?, devices: [{id, health, reason?}]}
 *   GET /healthz  200 once registered with the kubelet, 503 (with the state) until then
 * Why a status of its own: the Node's allocatable for the resource carries the same healthy count
 * (the kubelet derives it from this plugin's ListAndWatch, unhealthy devices excluded), but only
 * after the kubelet's next node-status update, without the reason a card is unhealthy, and only
 * to a reader granted `get` on Nodes. Either source gives the agent the same number. Nothing here
 * takes input beyond the path, so there is nothing to bound but the request's time.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { localUrlHost } from '@smart-fleet/kube/listen-address';
import { sendJson } from '../http/json-http.ts';
import type { DeviceHealth } from './device-plugin-proto.ts';
import type { SessionState } from './kubelet-registration.ts';

export interface PluginStatus {
  resource: string;
  kubelet: SessionState;
  registered: boolean;
  healthy: number;
  /** The cards the site's hardware should have (ACCELERATOR_COUNT), when told. */
  expected?: number;
  devices: { id: string; health: DeviceHealth; reason?: string }[];
}

export interface StatusServerOptions {
  host: string;
  port: number;
  status: () => PluginStatus;
}

export class StatusServer {
  readonly url: string;
  readonly #server: Server;

  private constructor(url: string, server: Server) {
    this.url = url;
    this.#server = server;
  }

  static async start(options: StatusServerOptions): Promise<StatusServer> {
    const server = createServer({ requestTimeout: 5000, headersTimeout: 5000 }, (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendJson(
          res,
          405,
          { error: 'method-not-allowed', message: 'the status is read-only' },
          { allow: 'GET' },
        );
      } else if (path === '/status') {
        sendJson(res, 200, options.status());
      } else if (path === '/healthz') {
        const { registered, kubelet } = options.status();
        sendJson(res, registered ? 200 : 503, { registered, kubelet });
      } else {
        sendJson(res, 404, { error: 'not-found', message: 'GET /status or /healthz' });
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) =>
        reject(
          new Error(`cannot serve the plugin status on ${options.host}:${options.port}: ${error.message}`),
        ),
      );
      server.listen(options.port, options.host, resolve);
    });
    const { port } = server.address() as AddressInfo;
    return new StatusServer(`http://${localUrlHost(options.host)}:${port}`, server);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}
