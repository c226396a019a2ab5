/**
 * A site's streaming edge, whole: the admission service, nginx rendered from the plan, the
 * pre-positioning of placed titles, and the telemetry read from all three. The site agent owns
 * one and hands it each new plan from its bundle; the edge reloads nginx only when the rendered
 * config changed, so a plan that only moves titles never touches the sessions in flight.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, type Logger } from '@smart-fleet/kube';
import type { EntitlementKeys } from '../license/entitlement-keys.ts';
import { NginxServer } from '../nginx/nginx-server.ts';
import { AdmissionServer } from './admission-server.ts';
import { type EdgeConfig, edgeHttp } from './edge-config.ts';
import { EdgeMeter, StorageMeter } from './edge-meter.ts';
import { type FillProgress, type PlacedTitle, Prefiller } from './prefill.ts';
import { TitleCatalog } from './title-catalog.ts';

export interface EdgePlan {
  egressBudgetMbps: number;
  /** The parent tier's distribution nodes, base URLs (http://host:port). */
  originUrls: readonly string[];
  titles: readonly PlacedTitle[];
}

export interface SiteEdgeOptions {
  /** State: nginx's prefix, the pre-positioned titles, the fill cache. */
  dir: string;
  host: string;
  /** 0: any free port. */
  port: number;
  /** The site license proxy, host:port. */
  licenseProxy: string;
  /** This site's name (an entitlement must be for it) and the hub's public entitlement keys. */
  site: string;
  entitlementKeys: EntitlementKeys;
  maxStreamsPerSubscriber: number;
  idleTimeoutMs?: number;
  cacheMaxMB?: number;
  fillRateMBps: number;
  /** Whether pre-positioning may run now (the off-peak window); closed until set (gateFill). */
  mayFill?: () => boolean;
  log: Logger;
}

/** What the edge measured, for the agent's heartbeat. */
export interface EdgeTelemetry {
  activeStreams: number;
  egressMbps: number;
  cacheHitRatio: number;
  storageUsedGB: number;
  errors: number;
  admissionRefusals: number;
}

/** What an edge reports when it serves nothing (and where no edge runs, nothing is served). */
export const IDLE_EDGE: EdgeTelemetry = Object.freeze({
  activeStreams: 0,
  egressMbps: 0,
  cacheHitRatio: 0,
  storageUsedGB: 0,
  errors: 0,
  admissionRefusals: 0,
});

const hostPort = (url: string) => new URL(url).host;

export class SiteEdge {
  readonly #o: SiteEdgeOptions;
  readonly #admission: AdmissionServer;
  readonly #nginx: NginxServer;
  readonly #prefill: Prefiller;
  readonly #catalog: TitleCatalog;
  readonly #meter: EdgeMeter;
  readonly #storage: StorageMeter;
  #config: EdgeConfig;
  #budget: { mbps: number };
  #keys: { current: EntitlementKeys };
  #mayFill: () => boolean;

  private constructor(parts: {
    o: SiteEdgeOptions;
    admission: AdmissionServer;
    nginx: NginxServer;
    catalog: TitleCatalog;
    originUrl: string;
    config: EdgeConfig;
    budget: { mbps: number };
    keys: { current: EntitlementKeys };
  }) {
    this.#o = parts.o;
    this.#admission = parts.admission;
    this.#nginx = parts.nginx;
    this.#prefill = new Prefiller({
      originUrl: parts.originUrl,
      contentDir: parts.config.contentDir,
      fillRateMBps: parts.o.fillRateMBps,
      mayFill: () => this.#mayFill(),
      renditionsOf: (title) => parts.catalog.renditions(title),
      log: parts.o.log,
    });
    this.#catalog = parts.catalog;
    this.#config = parts.config;
    this.#budget = parts.budget;
    this.#keys = parts.keys;
    this.#mayFill = parts.o.mayFill ?? (() => false);
    this.#meter = new EdgeMeter(parts.config.accessLog);
    this.#storage = new StorageMeter([parts.config.contentDir, parts.config.cacheDir]);
  }

  static async start(o: SiteEdgeOptions, plan: EdgePlan): Promise<SiteEdge> {
    const dirs = {
      content: join(o.dir, 'content'),
      cache: join(o.dir, 'cache'),
      nginx: join(o.dir, 'nginx'),
    };
    for (const d of Object.values(dirs)) {
      mkdirSync(d, { recursive: true });
    }
    const catalog = new TitleCatalog(plan.originUrls);
    const budget = { mbps: plan.egressBudgetMbps };
    const keys = { current: o.entitlementKeys };
    const sessionSecret = randomBytes(32).toString('base64url');
    const admission = await AdmissionServer.start({
      host: o.host,
      port: 0,
      sessionSecret,
      site: o.site,
      get entitlementKeys() {
        return keys.current;
      },
      titleBitrateMbps: (title) => catalog.topBitrateMbps(title),
      get egressBudgetMbps() {
        return budget.mbps;
      },
      maxStreamsPerSubscriber: o.maxStreamsPerSubscriber,
      idleTimeoutMs: o.idleTimeoutMs ?? 30_000,
      log: o.log,
    });
    const listen = `${o.host}:${o.port || (await freePort(o.host))}`;
    const config: EdgeConfig = {
      listen,
      contentDir: dirs.content,
      cacheDir: dirs.cache,
      cacheMaxMB: o.cacheMaxMB ?? 10_240,
      origins: plan.originUrls.map(hostPort),
      admission: admission.address,
      licenseProxy: o.licenseProxy,
      sessionSecret,
      accessLog: join(dirs.nginx, 'logs', 'access.jsonl'),
    };
    const nginx = await NginxServer.start(
      { dir: dirs.nginx, controlAddress: listen },
      edgeHttp(config),
    ).catch(async (error: unknown) => {
      await admission.stop();
      throw error;
    });
    const edge = new SiteEdge({
      o,
      admission,
      nginx,
      catalog,
      config,
      budget,
      keys,
      originUrl: plan.originUrls[0] as string,
    });
    await edge.apply(plan);
    edge.#prefill.start();
    return edge;
  }

  /** Sets when pre-positioning may run (the site agent's off-peak window). */
  gateFill(mayFill: () => boolean): void {
    this.#mayFill = mayFill;
  }

  /** The hub's key set after a rotation: the next session is admitted with it. */
  useEntitlementKeys(keys: EntitlementKeys): void {
    this.#keys.current = keys;
  }

  /** The running nginx config's generation (one more per reload). */
  get nginxGeneration(): number {
    return this.#nginx.generation;
  }

  /** Where players connect. */
  get url(): string {
    return `http://${this.#config.listen}`;
  }

  /** The new plan: budget and titles at once, nginx reloaded only if its config changed. */
  async apply(plan: EdgePlan): Promise<void> {
    this.#budget.mbps = plan.egressBudgetMbps;
    this.#catalog.setOrigins(plan.originUrls);
    await Promise.all(plan.titles.map((t) => this.#catalog.load(t.title)));
    this.#prefill.setPlan(plan.titles);
    const next = { ...this.#config, origins: plan.originUrls.map(hostPort) };
    if (JSON.stringify(next) !== JSON.stringify(this.#config)) {
      await this.#nginx.reload(edgeHttp(next));
      this.#config = next;
    }
    this.#storage.invalidate();
  }

  fill(): FillProgress {
    return this.#prefill.progress();
  }

  telemetry(): EdgeTelemetry {
    const window = this.#meter.sample();
    const admission = this.#admission.stats();
    return {
      activeStreams: admission.activeSessions,
      egressMbps: Math.round(window.egressMbps * 100) / 100,
      cacheHitRatio: window.cacheHitRatio,
      storageUsedGB: Math.round((this.#storage.bytes() / 1e9) * 1000) / 1000,
      errors: window.errors,
      admissionRefusals: Object.values(admission.refusals).reduce((a, b) => a + b, 0),
    };
  }

  async stop(): Promise<void> {
    await this.#prefill.stop();
    await this.#nginx.stop();
    await this.#admission.stop();
  }
}
