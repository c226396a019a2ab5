/**
 * The plugin's life with the kubelet: serve the plugin socket, Register on kubelet.sock, and do
 * both again whenever the kubelet restarts. A restarting kubelet deletes every socket in the
 * device-plugins directory and makes kubelet.sock anew, so the session compares both files with
 * what it served and registered with (socket-identity.ts) on every directory event and every
 * poll, and reconciles: plugin socket gone or replaced -> serve a new one; kubelet.sock new ->
 * Register. kubelet.sock missing is waited for, logged once. A failed Register (kubelet not
 * answering, or refusing) is retried with doubling backoff up to a cap; a new kubelet.sock
 * retries at once.
 *
 *   waiting-kubelet --kubelet.sock appears--> registering --ok--> registered
 *         ^                                     |   ^                 |
 *         +------- kubelet.sock gone -----------+   +-- backing-off <-+ (sockets replaced)
 */
import { join } from 'node:path';
import { status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import type { Logger } from '@smart-fleet/kube/log';
import {
  callUnary,
  DEVICE_PLUGIN_API_VERSION,
  KUBELET_SOCKET,
  type RegisterRequest,
  registrationClient,
} from './device-plugin-proto.ts';
import { DevicePluginServer } from './device-plugin-server.ts';
import type { DeviceRegistry } from './device-registry.ts';
import { DirWatch } from './dir-watch.ts';
import { pluginSocketName } from './resource-names.ts';
import { SerialTask } from './serial-task.ts';
import { socketIdentity } from './socket-identity.ts';

export const DEFAULT_REGISTER_TIMEOUT_MS = 5000;
export const DEFAULT_KUBELET_POLL_MS = 2000;
export const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 30_000 };

export type SessionState = 'stopped' | 'waiting-kubelet' | 'registering' | 'registered' | 'backing-off';

export class KubeletRegistrationError extends Error {
  override readonly name = 'KubeletRegistrationError';
  /** True when the kubelet answered no (name taken, version unsupported), not just did not answer. */
  readonly refused: boolean;
  constructor(message: string, refused: boolean) {
    super(message);
    this.refused = refused;
  }
}

/** One Register call on `kubeletSocket`, within `timeoutMs`. */
export async function registerWithKubelet(
  kubeletSocket: string,
  request: RegisterRequest,
  timeoutMs = DEFAULT_REGISTER_TIMEOUT_MS,
): Promise<void> {
  const client = registrationClient(kubeletSocket);
  try {
    await callUnary(client.Register, client, request, timeoutMs);
  } catch (error) {
    const code = (error as ServiceError).code;
    const unreachable = code === grpcStatus.UNAVAILABLE || code === grpcStatus.DEADLINE_EXCEEDED;
    const what = unreachable ? 'did not answer' : 'refused the registration';
    throw new KubeletRegistrationError(
      `the kubelet on ${kubeletSocket} ${what}: ${(error as ServiceError).details ?? (error as Error).message}`,
      !unreachable,
    );
  } finally {
    client.close();
  }
}

export interface KubeletSessionOptions {
  /** The kubelet's device-plugins directory (kubelet.sock and the plugin sockets). */
  dir: string;
  resource: string;
  registry: DeviceRegistry;
  log: Logger;
  preStartRequired?: boolean;
  pollMs?: number;
  registerTimeoutMs?: number;
  backoff?: { initialMs: number; maxMs: number };
}

export class KubeletSession {
  readonly #options: KubeletSessionOptions;
  readonly #kubeletSocket: string;
  readonly #socketName: string;
  readonly #task: SerialTask;
  #state: SessionState = 'stopped';
  #watch: DirWatch | undefined;
  #server: DevicePluginServer | undefined;
  /** The kubelet.sock we registered with. */
  #registeredWith: string | undefined;
  #failure: { kubelet: string; attempts: number; retryAt: number } | undefined;
  #retry: NodeJS.Timeout | undefined;
  #registrations = 0;
  #checks = 0;
  #lastError: string | undefined;

  constructor(options: KubeletSessionOptions) {
    this.#options = options;
    this.#kubeletSocket = join(options.dir, KUBELET_SOCKET);
    this.#socketName = pluginSocketName(options.resource);
    this.#task = new SerialTask(
      async () => {
        await this.#reconcile();
        this.#lastError = undefined;
      },
      (error) => {
        // Retried every poll: said once per distinct reason, not once per poll.
        const message = (error as Error).message;
        if (message !== this.#lastError) {
          options.log.error('kubelet session step failed; each poll tries again', { error: message });
        }
        this.#lastError = message;
      },
    );
  }

  get state(): SessionState {
    return this.#state;
  }

  /** Successful Register calls so far (one per kubelet start). */
  get registrations(): number {
    return this.#registrations;
  }

  /** How many times the session has looked at the directory (each event, poll and retry). */
  get checks(): number {
    return this.#checks;
  }

  get socketPath(): string {
    return join(this.#options.dir, this.#socketName);
  }

  /** Starts watching and reconciling; resolves after the first step (registered or not). */
  async start(): Promise<void> {
    if (this.#state !== 'stopped') {
      return;
    }
    this.#state = 'registering';
    this.#watch = new DirWatch({
      dir: this.#options.dir,
      pollMs: this.#options.pollMs ?? DEFAULT_KUBELET_POLL_MS,
      onChange: (name) => {
        if (name === null || name === KUBELET_SOCKET || name === this.#socketName) {
          this.#task.trigger();
        }
      },
    });
    this.#task.trigger();
    await this.#task.idle();
  }

  /** Stops watching, ends the ListAndWatch streams and removes the plugin socket. */
  async stop(): Promise<void> {
    this.#state = 'stopped';
    this.#watch?.close();
    await this.#task.idle();
    clearTimeout(this.#retry);
    await this.#server?.stop();
    this.#server = undefined;
  }

  async #reconcile(): Promise<void> {
    if (this.#state === 'stopped') {
      return;
    }
    this.#checks++;
    const kubelet = await socketIdentity(this.#kubeletSocket);
    if (!kubelet) {
      if (this.#state !== 'waiting-kubelet') {
        this.#options.log.info('waiting for the kubelet', { socket: this.#kubeletSocket });
      }
      this.#state = 'waiting-kubelet';
      this.#registeredWith = undefined;
      return;
    }
    await this.#ensureServing();
    if (this.#registeredWith === kubelet) {
      return;
    }
    const failure = this.#failure?.kubelet === kubelet ? this.#failure : undefined;
    if (failure && Date.now() < failure.retryAt) {
      return; // the retry timer asks again
    }
    await this.#register(kubelet, failure?.attempts ?? 0);
  }

  /** A server on our socket: the one we have if its file is still ours, else a new one. */
  async #ensureServing(): Promise<void> {
    const server = this.#server;
    if (server && (await socketIdentity(server.socketPath)) === server.identity) {
      return;
    }
    if (server) {
      this.#options.log.info('plugin socket deleted or replaced (kubelet restart?); serving again', {
        socket: server.socketPath,
      });
      await server.stop();
    }
    this.#server = undefined;
    this.#server = await DevicePluginServer.start({
      socketPath: this.socketPath,
      resource: this.#options.resource,
      registry: this.#options.registry,
      log: this.#options.log,
      ...(this.#options.preStartRequired === undefined
        ? {}
        : { preStartRequired: this.#options.preStartRequired }),
    });
    // A kubelet that lost our socket has lost our registration with it.
    this.#registeredWith = undefined;
    this.#options.log.info('serving the device plugin', { socket: this.socketPath });
  }

  async #register(kubelet: string, attempts: number): Promise<void> {
    this.#state = 'registering';
    try {
      await registerWithKubelet(
        this.#kubeletSocket,
        {
          version: DEVICE_PLUGIN_API_VERSION,
          endpoint: this.#socketName,
          resource_name: this.#options.resource,
          options: {
            pre_start_required: this.#options.preStartRequired ?? false,
            get_preferred_allocation_available: true,
          },
        },
        this.#options.registerTimeoutMs ?? DEFAULT_REGISTER_TIMEOUT_MS,
      );
    } catch (error) {
      this.#backOff(kubelet, attempts + 1, error);
      return;
    }
    this.#registeredWith = kubelet;
    this.#failure = undefined;
    this.#registrations++;
    if (this.#state === 'registering') {
      this.#state = 'registered';
    }
    this.#options.log.info('registered with the kubelet', {
      resource: this.#options.resource,
      endpoint: this.#socketName,
      registrations: this.#registrations,
    });
  }

  #backOff(kubelet: string, attempts: number, error: unknown): void {
    if (this.#state === 'stopped') {
      return;
    }
    const { initialMs, maxMs } = this.#options.backoff ?? DEFAULT_BACKOFF;
    const delayMs = Math.min(maxMs, initialMs * 2 ** Math.min(attempts - 1, 30));
    this.#failure = { kubelet, attempts, retryAt: Date.now() + delayMs };
    if (this.#state === 'registering') {
      this.#state = 'backing-off';
    }
    this.#options.log.error('registration failed; retrying', { error, attempts, retryInMs: delayMs });
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => this.#task.trigger(), delayMs);
  }
}
