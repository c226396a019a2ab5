/**
 * Stand-ins for site agents in controller tests: they register with each site's bootstrap
 * token over the hub's real agent endpoint, then heartbeat a few times a second, reporting
 * whatever release the hub targets as running, except releases they are told to fail.
 * Bounded: they stop on `stop()` or after `maxMs`.
 */
import { type HubClient, listAll } from '@smart-fleet/hub';

const calm = {
  activeStreams: 10,
  egressMbps: 500,
  cacheHitRatio: 0.9,
  storageUsedGB: 100,
  acceleratorsHealthy: 4,
  drmDenials: 0,
  errors: 0,
};

export interface FakeAgentsOptions {
  client: HubClient;
  ingestUrl: string;
  namespace: string;
  /** What every site runs before any rollout. */
  initialRelease: string;
  failReleases?: ReadonlySet<string>;
  maxMs?: number;
}

export class FakeAgents {
  readonly #o: FakeAgentsOptions;
  readonly #tokens = new Map<string, string>();
  readonly #running = new Map<string, string>();
  #timer?: NodeJS.Timeout;
  #deadline = 0;

  constructor(options: FakeAgentsOptions) {
    this.#o = options;
  }

  async start(sites: readonly string[]): Promise<void> {
    for (const site of sites) {
      const secret = await this.#o.client.core.readNamespacedSecret({
        name: `${site}-bootstrap`,
        namespace: this.#o.namespace,
      });
      const bootstrapToken = Buffer.from(secret.data?.token ?? '', 'base64').toString();
      const res = await fetch(`${this.#o.ingestUrl}/v1/register`, {
        method: 'POST',
        body: JSON.stringify({ namespace: this.#o.namespace, site, bootstrapToken }),
      });
      this.#tokens.set(site, ((await res.json()) as { token: string }).token);
      this.#running.set(site, this.#o.initialRelease);
    }
    this.#deadline = Date.now() + (this.#o.maxMs ?? 120000);
    await this.#beat();
  }

  async #beat(): Promise<void> {
    if (Date.now() > this.#deadline) {
      return;
    }
    const sites = await listAll(this.#o.client, 'Site', this.#o.namespace);
    for (const site of sites) {
      const name = site.metadata?.name ?? '';
      const token = this.#tokens.get(name);
      if (!token) {
        continue;
      }
      const target = (site as { status?: { targetRelease?: string } }).status?.targetRelease;
      const fails = target !== undefined && this.#o.failReleases?.has(target);
      if (target && !fails) {
        this.#running.set(name, target);
      }
      await fetch(`${this.#o.ingestUrl}/v1/heartbeat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify({
          namespace: this.#o.namespace,
          site: name,
          telemetry: calm,
          release: this.#running.get(name),
          ...(fails ? { failedRelease: target } : {}),
        }),
      });
    }
    this.#timer = setTimeout(() => void this.#beat(), 250);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#deadline = 0;
  }
}
