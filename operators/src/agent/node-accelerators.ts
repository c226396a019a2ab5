/**
 * How many stream accelerators the site's node has healthy, as the kubelet says: the Node's
 * allocatable `smartfleet.io/stream-accelerator` is the count of devices the device plugin last
 * reported Healthy through ListAndWatch (an unhealthy or vanished device leaves allocatable at
 * once). Read every few seconds into memory, so the heartbeat (synchronous) takes the latest
 * figure; unknown (undefined) until the Node has been read, or when it advertises no such
 * resource at all, because then no plugin runs and zero would be a false alarm.
 */
import { type KubeClient, type Logger, withTimeout } from '@smart-fleet/kube';
import { ACCELERATOR_RESOURCE } from '@smart-fleet/model';

export class NodeAccelerators {
  readonly #client: KubeClient;
  readonly #node: string;
  readonly #log: Logger;
  #healthy: number | undefined;
  #timer?: NodeJS.Timeout;
  #failing = false;

  constructor(o: { siteClient: KubeClient; node: string; log: Logger }) {
    this.#client = o.siteClient;
    this.#node = o.node;
    this.#log = o.log;
  }

  /** The latest healthy count; undefined while unknown. */
  healthy(): number | undefined {
    return this.#healthy;
  }

  async start(intervalMs = 5000): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => void this.refresh(), intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** One reading; never throws (a failed reading keeps the last figure and is logged once). */
  async refresh(): Promise<void> {
    try {
      const node = await this.#client.core.readNode({ name: this.#node }, withTimeout(5000));
      const allocatable = node.status?.allocatable?.[ACCELERATOR_RESOURCE];
      this.#healthy = allocatable === undefined ? undefined : Number(allocatable);
      if (this.#failing) {
        this.#log.info('reading the node accelerators works again', { node: this.#node });
        this.#failing = false;
      }
    } catch (error) {
      if (!this.#failing) {
        this.#log.error('cannot read the node for its accelerators', {
          node: this.#node,
          error: (error as Error).message,
        });
        this.#failing = true;
      }
    }
  }
}
