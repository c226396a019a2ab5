/**
 * The site agent: one per local server. Sites sit behind NAT, so it calls the hub: it
 * registers once with its bootstrap token (keeping the credential it gets in its state
 * directory), then every heartbeat it pulls its desired bundle, applies it to the site's own
 * cluster with server-side apply and prunes what the bundle no longer has, and reports
 * heartbeats with the release it runs: judged from the site's own cluster every beat, running only
 * once its pods are Ready, failed with the reason the kubelet or scheduler gives
 * (release-readiness.ts). It brings the site's services (its
 * streaming edge) to the same bundle, and reports their fill progress. While the hub is unreachable it
 * keeps serving on the last bundle it applied and buffers telemetry on disk (bounded); when the
 * hub answers again it replays the buffer oldest first, in batches the hub accepts, until it is
 * empty, dropping each batch only once the hub has taken it (a failure resumes next beat).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppsV1Api } from '@kubernetes/client-node';
import type { Logger } from '@smart-fleet/kube';
import { type KubeClient, serverSideApply } from '@smart-fleet/kube';
import { type SiteTelemetry, type TelemetrySample, WEEKDAYS } from '@smart-fleet/model';
import { MAX_REPLAY_BATCH } from '../health/telemetry-replay.ts';
import { inMaintenanceWindow } from '../rollout/maintenance-window.ts';
import type { Bundle } from './bundle.ts';
import { judgeRelease, type ReleaseReadiness } from './release-readiness.ts';
import {
  AGENT_MANAGER,
  type EdgeInputs,
  MANAGED_LABEL,
  RenderError,
  renderBundle,
  SITE_NAMESPACE,
} from './render.ts';
import type { SiteServices } from './site-services.ts';
import { TelemetryBuffer } from './telemetry-buffer.ts';

/** Fill windows are off-peak hours in the fleet's local time, every day. */
const FILL_TIME_ZONE = 'Asia/Seoul';

export interface SiteAgentOptions {
  hubUrl: string;
  namespace: string;
  site: string;
  stateDir: string;
  /** The site's own cluster. */
  siteClient: KubeClient;
  bootstrapToken?: string;
  /** The heartbeat's figures, read once a beat (siteTelemetry). */
  telemetry: () => SiteTelemetry | Promise<SiteTelemetry>;
  log: Logger;
  heartbeatMs?: number;
  /** Samples kept through an outage; default DEFAULT_BUFFER_LIMIT (14 h at 5 s beats). */
  bufferLimit?: number;
  /** Samples per replay request; default (and at most) the hub's MAX_REPLAY_BATCH. */
  replayBatch?: number;
  /** The agent's clock (ms): when samples are taken and which fill window is open. */
  now?: () => number;
  /**
   * The site's data-plane services (its streaming edge), brought to each bundle; they
   * pre-position the placed titles and report the fill from the bytes on disk. Without them the
   * agent reports no fill.
   */
  services?: SiteServices;
  /**
   * What a release's streaming edge pod is given besides the bundle (which brings the hub's
   * entitlement keys): the parent tier's distribution nodes. Required when a release runs an edge.
   */
  edge?: Omit<EdgeInputs, 'fillAllowed'>;
  /** Fill at any hour instead of only inside the placement's off-peak window (demos, tests). */
  fillAnytime?: boolean;
  /**
   * When the release counts as running: `pods-ready` (the default, and what a site runs) once its
   * Deployments' pods are Ready on the site's node; `applied` once the site's API server took the
   * manifests, for a site cluster with no node at all (the control plane's own tests of rollout
   * logic, where no pod can run and none is claimed to).
   */
  runningWhen?: 'pods-ready' | 'applied';
}

interface Applied {
  revision: string;
  release?: string;
}

interface Failed {
  release?: string;
  reason: string;
}

export class SiteAgent {
  readonly #o: SiteAgentOptions;
  readonly #buffer: TelemetryBuffer;
  #token = '';
  /** What the site's cluster was last given (persisted: a restart does not apply it again). */
  #applied?: Applied;
  /** The applied release, once judged running. */
  #running?: string;
  #failed?: Failed;
  #fillWindow?: { start: string; durationMinutes: number };
  /** The last bundle applied and whether the fill window was open then: the edge's plan says so. */
  #bundle?: Bundle;
  #fillOpenApplied?: boolean;
  #timer?: NodeJS.Timeout;
  #stopped = false;

  constructor(options: SiteAgentOptions) {
    this.#o = options;
    mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
    this.#buffer = new TelemetryBuffer(join(options.stateDir, 'telemetry.jsonl'), options.bufferLimit);
    const saved = join(options.stateDir, 'applied.json');
    this.#applied = existsSync(saved) ? (JSON.parse(readFileSync(saved, 'utf8')) as Applied) : undefined;
  }

  /** The release judged running (its pods Ready), not merely applied. */
  get runningRelease(): string | undefined {
    return this.#running;
  }

  get bufferedSamples(): number {
    return this.#buffer.size;
  }

  /** The samples waiting for the hub, oldest first. */
  buffered(): TelemetrySample[] {
    return this.#buffer.read();
  }

  async start(): Promise<void> {
    this.#token = await this.#credential();
    await this.tick();
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #schedule(): void {
    if (!this.#stopped) {
      this.#timer = setTimeout(() => {
        void this.tick().finally(() => this.#schedule());
      }, this.#o.heartbeatMs ?? 5000);
    }
  }

  async #credential(): Promise<string> {
    const file = join(this.#o.stateDir, 'agent-token');
    if (existsSync(file)) {
      return readFileSync(file, 'utf8').trim();
    }
    if (!this.#o.bootstrapToken) {
      throw new Error(`no agent credential in ${this.#o.stateDir} and no bootstrap token to register with`);
    }
    const res = await this.#call('POST', '/v1/register', { bootstrapToken: this.#o.bootstrapToken });
    const token = ((await res.json()) as { token: string }).token;
    writeFileSync(file, token, { mode: 0o600 });
    this.#o.log.info('registered with the hub', { site: this.#o.site });
    return token;
  }

  #now(): number {
    return this.#o.now?.() ?? Date.now();
  }

  async #call(method: 'GET' | 'POST', path: string, body?: Record<string, unknown>): Promise<Response> {
    const query =
      method === 'GET'
        ? `?namespace=${encodeURIComponent(this.#o.namespace)}&site=${encodeURIComponent(this.#o.site)}`
        : '';
    const res = await fetch(`${this.#o.hubUrl}${path}${query}`, {
      method,
      headers: { authorization: `Bearer ${this.#token}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify({ namespace: this.#o.namespace, site: this.#o.site, ...body }) : undefined,
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) {
      throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    }
    return res;
  }

  /** One round: pull and apply, then report (or buffer). Never throws: a site keeps serving. */
  async tick(): Promise<void> {
    const bundle = await this.#call('GET', '/v1/bundle')
      .then((r) => r.json() as Promise<Bundle>)
      .catch(() => undefined);
    if (bundle && bundle.revision !== this.#applied?.revision) {
      await this.#apply(bundle);
    } else if (this.#bundle && this.#fillOpenApplied !== this.fillWindowOpen()) {
      // The window opened or shut: the edge's plan changes, nothing else does.
      await this.#apply(this.#bundle);
    }
    await this.#judge();
    const sample = { at: this.#now(), telemetry: await this.#o.telemetry() };
    const reported = bundle !== undefined && (await this.#report(sample));
    if (!reported) {
      this.#buffer.append(sample);
    }
  }

  /** Whether pre-positioning may run now: inside the placement's off-peak window (Korea time). */
  fillWindowOpen(): boolean {
    const window = this.#fillWindow;
    return (
      this.#o.fillAnytime === true ||
      window === undefined ||
      inMaintenanceWindow({ ...window, days: [...WEEKDAYS], timeZone: FILL_TIME_ZONE }, new Date(this.#now()))
    );
  }

  /** The heartbeat; true if the hub took it (its replay of the backlog may still be pending). */
  async #report(sample: TelemetrySample): Promise<boolean> {
    try {
      await this.#call('POST', '/v1/heartbeat', {
        telemetry: sample.telemetry,
        release: this.#running,
        failedRelease: this.#failed?.release,
        failedReason: this.#failed?.reason,
        fill: this.#fillReport(),
      });
    } catch {
      return false;
    }
    await this.#replay();
    return true;
  }

  /**
   * Posts the backlog oldest first, a batch at a time, until it is empty. A batch is dropped
   * only once the hub answered for it: taken (200, with any samples it refused as too old
   * counted and logged), or refused for good (422: Prometheus will never take it; logged as an
   * error). Anything else keeps the batch for the next beat. Bounded: one pass over the buffer.
   */
  async #replay(): Promise<void> {
    const batch = Math.min(this.#o.replayBatch ?? MAX_REPLAY_BATCH, MAX_REPLAY_BATCH);
    const rounds = Math.ceil(this.#buffer.size / batch);
    for (let round = 0; round < rounds && this.#buffer.size > 0; round++) {
      const samples = this.#buffer.head(batch);
      const answer = await this.#postSamples(samples);
      if (answer === undefined) {
        return;
      }
      this.#buffer.drop(samples.length);
      const site = this.#o.site;
      if (answer.status === 422) {
        this.#o.log.error('the hub refused replayed telemetry for good', {
          site,
          samples: samples.length,
          error: answer.error,
        });
      } else if (answer.refused > 0) {
        this.#o.log.error('the hub refused some replayed telemetry', {
          site,
          refused: answer.refused,
          reason: answer.reason,
        });
      }
      this.#o.log.info('replayed buffered telemetry', {
        site,
        samples: samples.length,
        from: new Date(samples[0]?.at ?? 0).toISOString(),
        to: new Date(samples.at(-1)?.at ?? 0).toISOString(),
        left: this.#buffer.size,
      });
    }
  }

  #fillReport(): { plannedMB: number; filledMB: number } | undefined {
    const fill = this.#o.services?.fill();
    return fill && { plannedMB: fill.plannedMB, filledMB: fill.filledMB };
  }

  /** One replay request: the hub's verdict, or undefined when it gave none worth acting on. */
  async #postSamples(
    samples: TelemetrySample[],
  ): Promise<{ status: number; refused: number; reason?: string; error?: string } | undefined> {
    try {
      const res = await fetch(`${this.#o.hubUrl}/v1/telemetry`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.#token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ namespace: this.#o.namespace, site: this.#o.site, samples }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = (await res.json().catch(() => ({}))) as {
        refused?: number;
        refusedReason?: string;
        error?: string;
      };
      if (res.status === 200 || res.status === 422) {
        return {
          status: res.status,
          refused: body.refused ?? 0,
          reason: body.refusedReason,
          error: body.error,
        };
      }
      this.#o.log.info('telemetry replay deferred', {
        site: this.#o.site,
        status: res.status,
        error: body.error,
      });
      return undefined;
    } catch {
      return undefined;
    }
  }

  async #apply(bundle: Bundle): Promise<void> {
    try {
      this.#fillWindow = bundle.placement?.fillWindow;
      const fillAllowed = this.fillWindowOpen();
      const objects = renderBundle(bundle, this.#o.edge && { ...this.#o.edge, fillAllowed });
      for (const object of objects) {
        await serverSideApply(this.#o.siteClient, object as never, {
          fieldManager: AGENT_MANAGER,
          force: true,
        });
      }
      await this.#prune(new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`)));
      await this.#o.services?.apply(bundle, () => this.fillWindowOpen());
      this.#bundle = bundle;
      this.#fillOpenApplied = fillAllowed;
      this.#applied = { revision: bundle.revision, release: bundle.release?.name };
      this.#failed = undefined;
      writeFileSync(join(this.#o.stateDir, 'applied.json'), JSON.stringify(this.#applied));
      this.#o.log.info('applied bundle', {
        site: this.#o.site,
        revision: bundle.revision,
        release: bundle.release?.name,
      });
    } catch (error) {
      const first = String(error).split('\n')[0] ?? '';
      const reason =
        error instanceof RenderError
          ? `the agent cannot render it: ${error.message}`
          : `the site's cluster refused it: ${first}`;
      this.#failed = { release: bundle.release?.name, reason };
      this.#o.log.error('bundle failed to apply', { site: this.#o.site, error: String(error) });
    }
  }

  /**
   * Judges the applied release from the site's cluster; a failure stays reported until the
   * release runs or another is applied (a crash loop passes through Running between back-offs).
   */
  async #judge(): Promise<void> {
    const release = this.#applied?.release;
    const judged: ReleaseReadiness =
      release === undefined || this.#o.runningWhen === 'applied'
        ? { state: 'ready' }
        : await this.#readiness().catch((error: unknown) => ({
            state: 'progressing' as const,
            message: `the site's cluster did not answer: ${String(error)}`,
          }));
    const was = this.#running;
    this.#running = judged.state === 'ready' ? release : undefined;
    if (judged.state === 'ready' && release !== was && release !== undefined) {
      this.#o.log.info('release running', { site: this.#o.site, release });
    }
    if (judged.state === 'ready' && this.#failed?.release === release) {
      this.#failed = undefined;
    }
    if (judged.state === 'failed' && this.#failed?.reason !== judged.message) {
      this.#failed = { release, reason: judged.message };
      this.#o.log.error('release failed on the site', {
        site: this.#o.site,
        release,
        reason: judged.message,
      });
    }
  }

  async #readiness(): Promise<ReleaseReadiness> {
    const namespace = SITE_NAMESPACE;
    const labelSelector = `${MANAGED_LABEL}=${AGENT_MANAGER}`;
    const apps = this.#o.siteClient.kc.makeApiClient(AppsV1Api);
    const [deployments, pods] = await Promise.all([
      apps.listNamespacedDeployment({ namespace, labelSelector }),
      this.#o.siteClient.core.listNamespacedPod({ namespace }),
    ]);
    return judgeRelease(deployments.items, pods.items, this.#now());
  }

  async #prune(keep: ReadonlySet<string>): Promise<void> {
    const labelSelector = `${MANAGED_LABEL}=${AGENT_MANAGER}`;
    const apps = this.#o.siteClient.kc.makeApiClient(AppsV1Api);
    const namespace = SITE_NAMESPACE;
    for (const d of (await apps.listNamespacedDeployment({ namespace, labelSelector })).items) {
      if (!keep.has(`Deployment/${d.metadata?.name}`)) {
        await apps.deleteNamespacedDeployment({ name: d.metadata?.name ?? '', namespace });
      }
    }
    for (const c of (await this.#o.siteClient.core.listNamespacedConfigMap({ namespace, labelSelector }))
      .items) {
      if (!keep.has(`ConfigMap/${c.metadata?.name}`)) {
        await this.#o.siteClient.core.deleteNamespacedConfigMap({ name: c.metadata?.name ?? '', namespace });
      }
    }
  }
}
