/**
 * The DevicePlugin gRPC service on the plugin's own unix socket, which the kubelet dials after
 * Register. ListAndWatch sends the whole device list at once and again on every change, to as
 * many watchers as connect (bounded), and ends every stream when the server stops, so the
 * kubelet sees the plugin go rather than a stream that never speaks again. Allocate and
 * GetPreferredAllocation answer from the registry (device-allocation.ts); PreStartContainer has
 * nothing to prepare and says so.
 */
import { unlink } from 'node:fs/promises';
import {
  type handleServerStreamingCall,
  type handleUnaryCall,
  Server,
  ServerCredentials,
  type ServerWritableStream,
  status,
} from '@grpc/grpc-js';
import type { Logger } from '@smart-fleet/kube/log';
import { AllocationError, allocate, preferredAllocation } from './device-allocation.ts';
import {
  type AllocateRequest,
  type AllocateResponse,
  type DevicePluginOptions,
  devicePluginProto,
  type Empty,
  type ListAndWatchResponse,
  MAX_GRPC_MESSAGE_BYTES,
  type PreferredAllocationRequest,
  type PreferredAllocationResponse,
  type PreStartContainerRequest,
  unixAddress,
} from './device-plugin-proto.ts';
import type { DeviceRegistry, PluginDevice } from './device-registry.ts';
import { deviceIdsEnv } from './resource-names.ts';
import { socketIdentity } from './socket-identity.ts';

/** The kubelet holds one stream; a few more are tools looking in. */
export const MAX_WATCHERS = 32;
/** sun_path is 108 bytes on Linux, the last one the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 107;
/** How long calls in flight get to finish when the server stops. */
const SHUTDOWN_GRACE_MS = 1000;

export interface DevicePluginServerOptions {
  socketPath: string;
  resource: string;
  registry: DeviceRegistry;
  preStartRequired?: boolean;
  log: Logger;
}

type Watch = ServerWritableStream<Empty, ListAndWatchResponse>;

type DevicePluginHandlers = {
  GetDevicePluginOptions: handleUnaryCall<Empty, DevicePluginOptions>;
  ListAndWatch: handleServerStreamingCall<Empty, ListAndWatchResponse>;
  GetPreferredAllocation: handleUnaryCall<PreferredAllocationRequest, PreferredAllocationResponse>;
  Allocate: handleUnaryCall<AllocateRequest, AllocateResponse>;
  PreStartContainer: handleUnaryCall<PreStartContainerRequest, Empty>;
};

const toWire = (devices: readonly PluginDevice[]): ListAndWatchResponse => ({
  devices: devices.map((d) => ({ ID: d.id, health: d.health })),
});

/** A unary handler's answer, with an AllocationError becoming its gRPC status. */
function answer<Res>(
  callback: (error: { code: status; details: string } | null, value?: Res) => void,
  work: () => Res,
) {
  try {
    callback(null, work());
  } catch (error) {
    const code = error instanceof AllocationError ? error.code : status.INTERNAL;
    callback({ code, details: (error as Error).message });
  }
}

export class DevicePluginServer {
  readonly socketPath: string;
  /** The socket file this server made (socket-identity.ts), to tell when it is deleted or replaced. */
  readonly identity: string;
  readonly #server: Server;
  readonly #watches: Set<Watch>;

  private constructor(socketPath: string, identity: string, server: Server, watches: Set<Watch>) {
    this.socketPath = socketPath;
    this.identity = identity;
    this.#server = server;
    this.#watches = watches;
  }

  /** Serves on `socketPath`, replacing a stale socket left there by an earlier run. */
  static async start(options: DevicePluginServerOptions): Promise<DevicePluginServer> {
    const { socketPath } = options;
    if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
      throw new Error(
        `plugin socket path ${socketPath} is over ${MAX_SOCKET_PATH_BYTES} bytes, the unix limit`,
      );
    }
    await unlink(socketPath).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') {
        throw new Error(`cannot remove the stale plugin socket ${socketPath}: ${error.message}`);
      }
    });
    const server = new Server({
      'grpc.max_receive_message_length': MAX_GRPC_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_GRPC_MESSAGE_BYTES,
    });
    const watches = new Set<Watch>();
    server.addService(devicePluginProto().DevicePlugin.service, handlers(options, watches));
    await new Promise<void>((resolve, reject) => {
      server.bindAsync(unixAddress(socketPath), ServerCredentials.createInsecure(), (error) =>
        error
          ? reject(new Error(`cannot serve the device plugin on ${socketPath}: ${error.message}`))
          : resolve(),
      );
    });
    const identity = await socketIdentity(socketPath);
    if (!identity) {
      server.forceShutdown();
      throw new Error(`the plugin socket ${socketPath} vanished as soon as it was made`);
    }
    return new DevicePluginServer(socketPath, identity, server, watches);
  }

  /** ListAndWatch streams open now. */
  watchers(): number {
    return this.#watches.size;
  }

  /**
   * Ends every ListAndWatch stream (so the kubelet reads a clean end, not a broken connection),
   * then closes the server, forcibly after SHUTDOWN_GRACE_MS. Closing a unix listener unlinks its
   * path at once (libuv does), so a new server may bind the same path once this is called.
   */
  async stop(): Promise<void> {
    for (const watch of this.#watches) {
      watch.end();
    }
    this.#watches.clear();
    const server = this.#server;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, SHUTDOWN_GRACE_MS);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
    // Closing the listener unlinks the path; should it not have, a socket still ours goes too.
    if ((await socketIdentity(this.socketPath)) === this.identity) {
      await unlink(this.socketPath).catch(() => {});
    }
  }
}

function handlers(options: DevicePluginServerOptions, watches: Set<Watch>): DevicePluginHandlers {
  const { registry, log } = options;
  const envName = deviceIdsEnv(options.resource);
  const lookup = (id: string) => registry.get(id);
  return {
    GetDevicePluginOptions: (_call, callback) =>
      callback(null, {
        pre_start_required: options.preStartRequired ?? false,
        get_preferred_allocation_available: true,
      }),
    ListAndWatch: (call) => {
      if (watches.size >= MAX_WATCHERS) {
        // grpc-js turns an 'error' on a server stream into the call's status.
        call.emit('error', {
          code: status.RESOURCE_EXHAUSTED,
          details: `already ${MAX_WATCHERS} ListAndWatch streams`,
        });
        return;
      }
      watches.add(call);
      call.write(toWire(registry.devices()));
      const unsubscribe = registry.subscribe((devices) => {
        // A stream the server ended or the kubelet left may still be here until its events run.
        if (!call.writableEnded && !call.cancelled) {
          call.write(toWire(devices));
        }
      });
      const done = () => {
        unsubscribe();
        watches.delete(call);
      };
      call.once('cancelled', done);
      call.once('error', done);
      call.once('finish', done);
    },
    GetPreferredAllocation: (call, callback) =>
      answer(callback, () => preferredAllocation(call.request, lookup)),
    Allocate: (call, callback) =>
      answer(callback, () => {
        try {
          const response = allocate(call.request, lookup, envName);
          const ids = call.request.container_requests.map((c) => c.devicesIDs.join(','));
          log.info('allocated', { containers: ids });
          return response;
        } catch (error) {
          log.error('allocation refused', { error: (error as Error).message });
          throw error;
        }
      }),
    PreStartContainer: (_call, callback) => callback(null, {}),
  };
}
