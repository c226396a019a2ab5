/**
 * The whole stream-accelerator device plugin: discovery (rescanned every `rescanSeconds`, and
 * at once when a watched device directory changes a matching name), health probes, the device
 * registry whose changes ListAndWatch pushes to the kubelet, the kubelet session (serve,
 * register, re-register after a kubelet restart) and, when asked, the read-only status server
 * the site agent can read `acceleratorsHealthy` from (status-server.ts compares it with the
 * Node's allocatable, which carries the same count).
 *
 * The first scan finishes before the plugin registers, so the kubelet's first ListAndWatch
 * already lists the cards. A scan that fails (a pattern matching too much, an unreadable
 * directory) keeps the last list and is logged once per distinct reason.
 */
import { type Logger, silentLogger } from '@smart-fleet/kube/log';
import { ACCELERATOR_RESOURCE } from '@smart-fleet/model/site-sizing';
import { findDevices, MAX_DEVICES } from './device-discovery.ts';
import { DEFAULT_DEVICE_PATTERN, type DevicePattern, parseDevicePatterns } from './device-pattern.ts';
import { DeviceRegistry, type PluginDevice } from './device-registry.ts';
import { DirWatch } from './dir-watch.ts';
import { DEFAULT_PROBE_TIMEOUT_MS, type HealthProbe, probeDevices } from './health-probe.ts';
import { KubeletSession, type KubeletSessionOptions, type SessionState } from './kubelet-registration.ts';
import { checkResourceName } from './resource-names.ts';
import { SerialTask } from './serial-task.ts';
import { type PluginStatus, StatusServer } from './status-server.ts';

export const DEFAULT_RESCAN_SECONDS = 10;
export const MAX_RESCAN_SECONDS = 3600;

export interface AcceleratorPluginOptions {
  /** The kubelet's device-plugins directory (kubelet.sock lives there). */
  devicePluginsDir: string;
  /** Defaults to ACCELERATOR_RESOURCE. */
  resource?: string;
  /** Device path patterns; defaults to DEFAULT_DEVICE_PATTERN. */
  patterns?: readonly string[];
  rescanSeconds?: number;
  /** Run on every present device each scan; without one, present means healthy. */
  healthProbe?: HealthProbe;
  probeTimeoutMs?: number;
  /** Accept regular files as devices (tests cannot make character devices). */
  allowRegularFiles?: boolean;
  maxDevices?: number;
  preStartRequired?: boolean;
  /** The cards the hardware should have: fewer healthy is logged and shown in the status. */
  expected?: number;
  /** Serve the status over HTTP here; port 0 picks one. */
  status?: { host: string; port: number };
  log?: Logger;
  /** Tuning for the kubelet session (kubelet-registration.ts). */
  kubelet?: Pick<KubeletSessionOptions, 'pollMs' | 'registerTimeoutMs' | 'backoff'>;
}

export class AcceleratorPlugin {
  readonly resource: string;
  readonly #options: AcceleratorPluginOptions;
  readonly #patterns: DevicePattern[];
  readonly #registry: DeviceRegistry;
  readonly #session: KubeletSession;
  readonly #scan: SerialTask;
  readonly #log: Logger;
  #watches: DirWatch[] = [];
  #statusServer: StatusServer | undefined;
  #lastScanError: string | undefined;
  #lastHealthy: number | undefined;

  private constructor(options: AcceleratorPluginOptions) {
    this.#options = options;
    this.resource = checkResourceName(options.resource ?? ACCELERATOR_RESOURCE);
    this.#patterns = parseDevicePatterns(options.patterns ?? [DEFAULT_DEVICE_PATTERN]);
    const rescan = options.rescanSeconds ?? DEFAULT_RESCAN_SECONDS;
    if (!(rescan > 0 && rescan <= MAX_RESCAN_SECONDS)) {
      throw new RangeError(`rescanSeconds ${rescan} is not in (0, ${MAX_RESCAN_SECONDS}]`);
    }
    this.#log = (options.log ?? silentLogger).child({ resource: this.resource });
    this.#registry = new DeviceRegistry(options.maxDevices ?? MAX_DEVICES);
    this.#session = new KubeletSession({
      dir: options.devicePluginsDir,
      resource: this.resource,
      registry: this.#registry,
      log: this.#log,
      ...(options.preStartRequired === undefined ? {} : { preStartRequired: options.preStartRequired }),
      ...options.kubelet,
    });
    this.#scan = new SerialTask(
      () => this.#rescanNow(),
      (error) => this.#log.error('device scan failed', { error }),
    );
  }

  static async start(options: AcceleratorPluginOptions): Promise<AcceleratorPlugin> {
    const plugin = new AcceleratorPlugin(options);
    await plugin.rescan();
    plugin.#watchDevices();
    try {
      await plugin.#session.start();
      if (options.status) {
        plugin.#statusServer = await StatusServer.start({ ...options.status, status: () => plugin.status() });
      }
    } catch (error) {
      await plugin.stop();
      throw error;
    }
    return plugin;
  }

  /** Scans now (or right after the scan in progress) and resolves when the result is in. */
  async rescan(): Promise<void> {
    this.#scan.trigger();
    await this.#scan.idle();
  }

  healthyCount(): number {
    return this.#registry.healthyCount();
  }

  devices(): readonly PluginDevice[] {
    return this.#registry.devices();
  }

  get kubeletState(): SessionState {
    return this.#session.state;
  }

  get socketPath(): string {
    return this.#session.socketPath;
  }

  /** Where the status server listens, when it was asked for. */
  get statusUrl(): string | undefined {
    return this.#statusServer?.url;
  }

  status(): PluginStatus {
    return {
      resource: this.resource,
      kubelet: this.#session.state,
      registered: this.#session.state === 'registered',
      healthy: this.healthyCount(),
      ...(this.#options.expected === undefined ? {} : { expected: this.#options.expected }),
      devices: this.devices().map(({ id, health, reason }) => ({
        id,
        health,
        ...(reason ? { reason } : {}),
      })),
    };
  }

  async stop(): Promise<void> {
    for (const watch of this.#watches) {
      watch.close();
    }
    this.#watches = [];
    await this.#scan.idle();
    await this.#session.stop();
    await this.#statusServer?.stop();
    this.#statusServer = undefined;
  }

  /** One watch per device directory, woken only by names a pattern there matches. */
  #watchDevices(): void {
    const pollMs = (this.#options.rescanSeconds ?? DEFAULT_RESCAN_SECONDS) * 1000;
    for (const dir of new Set(this.#patterns.map((p) => p.dir))) {
      const here = this.#patterns.filter((p) => p.dir === dir);
      this.#watches.push(
        new DirWatch({
          dir,
          pollMs,
          onChange: (name) => {
            if (name === null || here.some((p) => p.matches(name))) {
              this.#scan.trigger();
            }
          },
        }),
      );
    }
  }

  async #rescanNow(): Promise<void> {
    let found: Awaited<ReturnType<typeof findDevices>>;
    try {
      found = await findDevices({
        patterns: this.#patterns,
        maxDevices: this.#options.maxDevices ?? MAX_DEVICES,
        allowRegularFiles: this.#options.allowRegularFiles ?? false,
      });
    } catch (error) {
      const message = (error as Error).message;
      if (message !== this.#lastScanError) {
        this.#log.error('device scan failed; keeping the last device list', { error: message });
      }
      this.#lastScanError = message;
      return;
    }
    this.#lastScanError = undefined;
    const probe = this.#options.healthProbe;
    const verdicts = probe
      ? await probeDevices(found, probe, this.#options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS)
      : new Map();
    for (const change of this.#registry.update(found, verdicts)) {
      this.#log.info(change.from ? 'device health changed' : 'device found', { ...change });
    }
    this.#noteShortfall();
  }

  /** Logged when the healthy count changes (and after the first scan) while short of `expected`. */
  #noteShortfall(): void {
    const { expected } = this.#options;
    const healthy = this.healthyCount();
    if (expected !== undefined && healthy !== this.#lastHealthy && healthy < expected) {
      this.#log.error('fewer healthy accelerators than the hardware has', { healthy, expected });
    }
    this.#lastHealthy = healthy;
  }
}
