/**
 * Test support: the kubelet's device-manager side of the protocol, for real, on a real unix
 * socket. A grpc-js server implementing Registration on kubelet.sock; on each Register it dials
 * the plugin back at the endpoint it named, asks its options and holds its ListAndWatch stream,
 * keeping every list sent. `restart()` does what a restarting kubelet does to the directory:
 * delete every socket in it, then make kubelet.sock anew. Not used outside tests.
 */
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ClientReadableStream,
  type handleUnaryCall,
  Server,
  ServerCredentials,
  status,
} from '@grpc/grpc-js';
import { waitFor } from '@smart-fleet/kube';
import {
  callUnary,
  type Device,
  type DevicePluginClient,
  type DevicePluginOptions,
  devicePluginClient,
  devicePluginProto,
  type Empty,
  KUBELET_SOCKET,
  type ListAndWatchResponse,
  type RegisterRequest,
  unixAddress,
} from './device-plugin-proto.ts';

export interface FakeKubeletOptions {
  /** Refuse this many Register calls (with UNKNOWN, as the kubelet does) before accepting. */
  refuse?: number;
}

export class FakeKubelet {
  readonly dir: string;
  readonly registrations: RegisterRequest[] = [];
  /** Every ListAndWatch message, in order, across registrations. */
  readonly lists: Device[][] = [];
  /** GetDevicePluginOptions' answer, per registration. */
  readonly options: DevicePluginOptions[] = [];
  /** ListAndWatch streams that the plugin ended. */
  streamsEnded = 0;
  #refuse: number;
  #server: Server | undefined;
  #client: DevicePluginClient | undefined;
  #stream: ClientReadableStream<ListAndWatchResponse> | undefined;

  private constructor(dir: string, options: FakeKubeletOptions) {
    this.dir = dir;
    this.#refuse = options.refuse ?? 0;
  }

  static async start(dir: string, options: FakeKubeletOptions = {}): Promise<FakeKubelet> {
    const kubelet = new FakeKubelet(dir, options);
    await kubelet.#serve();
    return kubelet;
  }

  get socketPath(): string {
    return join(this.dir, KUBELET_SOCKET);
  }

  /** The plugin, as this kubelet dialled it (after a Register). */
  get plugin(): DevicePluginClient {
    if (!this.#client) {
      throw new Error('no plugin has registered with the fake kubelet yet');
    }
    return this.#client;
  }

  /** The last device list the plugin sent. */
  latest(): Device[] | undefined {
    return this.lists.at(-1);
  }

  /** Waits, up to `timeoutMs`, for the last list to satisfy `check`. */
  async waitForList(
    what: string,
    check: (devices: Device[]) => boolean,
    timeoutMs = 5000,
  ): Promise<Device[]> {
    return waitFor(
      async () => {
        const devices = this.latest();
        return devices && check(devices) ? devices : undefined;
      },
      { what, timeoutMs, intervalMs: 20 },
    );
  }

  async waitForRegistrations(count: number, timeoutMs = 5000): Promise<RegisterRequest> {
    return waitFor(
      async () => (this.registrations.length >= count ? this.registrations[count - 1] : undefined),
      {
        what: `registration ${count} with the fake kubelet`,
        timeoutMs,
        intervalMs: 20,
      },
    );
  }

  /** A kubelet restart: every socket in the directory deleted, then a new kubelet.sock. */
  async restart(): Promise<void> {
    this.#hangUp();
    this.#server?.forceShutdown();
    this.#server = undefined;
    for (const name of await readdir(this.dir)) {
      if (name.endsWith('.sock')) {
        await unlink(join(this.dir, name)).catch(() => {});
      }
    }
    await this.#serve();
  }

  async stop(): Promise<void> {
    this.#hangUp();
    this.#server?.forceShutdown();
    this.#server = undefined;
  }

  #hangUp(): void {
    this.#stream?.removeAllListeners();
    this.#stream?.on('error', () => {});
    this.#stream?.cancel();
    this.#stream = undefined;
    this.#client?.close();
    this.#client = undefined;
  }

  async #serve(): Promise<void> {
    const server = new Server();
    const register: handleUnaryCall<RegisterRequest, Empty> = (call, callback) => {
      if (this.#refuse > 0) {
        this.#refuse--;
        callback({ code: status.UNKNOWN, details: 'fake kubelet refuses this registration' });
        return;
      }
      this.registrations.push(call.request);
      callback(null, {});
      // The kubelet answers first, then dials the plugin on its own (as 1.20's device manager does).
      void this.#dialPlugin(call.request.endpoint);
    };
    server.addService(devicePluginProto().Registration.service, { Register: register });
    await new Promise<void>((resolve, reject) =>
      server.bindAsync(unixAddress(this.socketPath), ServerCredentials.createInsecure(), (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    this.#server = server;
  }

  async #dialPlugin(endpoint: string): Promise<void> {
    this.#hangUp();
    const client = devicePluginClient(join(this.dir, endpoint));
    this.#client = client;
    try {
      this.options.push(await callUnary(client.GetDevicePluginOptions, client, {}, 5000));
    } catch {
      return; // the test sees no options and no lists, and says so
    }
    if (this.#client !== client) {
      return;
    }
    const stream = client.ListAndWatch({});
    this.#stream = stream;
    stream.on('data', (message: ListAndWatchResponse) => this.lists.push(message.devices));
    stream.on('end', () => this.streamsEnded++);
    stream.on('error', () => {});
  }
}
