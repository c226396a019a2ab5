/**
 * The API's read model: every fleet object in memory, fed by one list+watch per kind, with the
 * sites indexed for the console's filters and sorts. Queries never wait on the API server;
 * writes go to the API server and come back through the watch (a mutation waits for that, see
 * hub-writes.ts, so a client reads its own writes). Changes are published for subscriptions.
 * Telemetry is not in the hub: the sites' latest figures come from Prometheus (a feed the
 * server wires in, telemetry/latest-telemetry.ts) and move the view's version like any change.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeClient } from '@smart-fleet/kube';
import { SharedInformers } from '@smart-fleet/kube';
import type { FleetReferences, Rollout, Site, SiteTelemetry, WideAreaCluster } from '@smart-fleet/model';
import { type Alert, clusterAlerts, rolloutAlerts, siteAlerts } from './alerts.ts';
import { ChangeFeed } from './change-feed.ts';
import { SummaryCache, type TelemetryOf } from './fleet-summary.ts';
import { SiteIndex, siteKey, sitePhase } from './site-index.ts';

export const VIEW_KINDS = [
  'Tenant',
  'WideAreaCluster',
  'Site',
  'SiteRelease',
  'Rollout',
  'DrmPolicy',
  'ContentTitle',
  'ContentPlacement',
  'ReleaseAssignment',
] as const;
export type ViewKind = (typeof VIEW_KINDS)[number];

export interface SitePhaseChange {
  site: Site;
  from: string;
  to: string;
  at: string;
}

export type FleetEvents = {
  sitePhase: SitePhaseChange;
  rollout: Rollout;
  alert: Alert;
  /** An object of any kind changed: mutations wait on this to read their own writes. */
  changed: { kind: ViewKind; key: string; resourceVersion: string };
};

type Obj = KubernetesObject & { metadata: { name: string; namespace?: string; managedFields?: unknown } };

const keyOf = (o: KubernetesObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

export interface FleetViewOptions {
  namespace?: string;
  /** Each site's latest telemetry (the Prometheus feed); none without it. */
  telemetryOf?: TelemetryOf;
}

export class FleetView {
  readonly sites: SiteIndex;
  readonly summaries: SummaryCache;
  readonly events = new ChangeFeed<FleetEvents>();
  readonly #informers: SharedInformers;
  readonly #alerts = new Map<string, Alert[]>();
  readonly #telemetryOf: TelemetryOf;
  #started = false;
  #version = 0;

  constructor(client: KubeClient, options: FleetViewOptions = {}) {
    this.#informers = new SharedInformers(client, options.namespace);
    this.#telemetryOf = options.telemetryOf ?? (() => undefined);
    this.sites = new SiteIndex(this.#telemetryOf);
    this.summaries = new SummaryCache(this.sites, { telemetryOf: this.#telemetryOf });
    for (const kind of VIEW_KINDS) {
      const informer = this.#informers.for<Obj>(kind);
      informer.on('add', (o) => this.#changed(kind, o));
      informer.on('update', (o) => this.#changed(kind, o));
      informer.on('delete', (o) => this.#deleted(kind, o));
    }
  }

  /** Lists every kind and starts watching; resolves once all have listed. */
  async start(): Promise<void> {
    await this.#informers.start();
    this.#started = true;
  }

  async stop(): Promise<void> {
    await this.#informers.stop();
  }

  /** Moves on every change of any kind and every change of telemetry: what a cached answer was read at. */
  get version(): number {
    return this.#version;
  }

  /** A site's latest telemetry (`namespace/name`), from Prometheus. */
  telemetry(key: string): SiteTelemetry | undefined {
    return this.#telemetryOf(key);
  }

  /** The feed pulled new telemetry for these sites. */
  telemetryChanged(keys: readonly string[]): void {
    this.sites.telemetryChanged(keys);
    this.#version++;
  }

  ready(): boolean {
    return this.#started && this.#informers.synced();
  }

  list<T>(kind: Exclude<ViewKind, 'Site'>, namespace?: string): T[] {
    const all = this.#informers.for<Obj>(kind).list() as T[];
    return namespace === undefined ? all : all.filter((o) => (o as Obj).metadata.namespace === namespace);
  }

  get<T>(kind: ViewKind, namespace: string, name: string): T | undefined {
    if (kind === 'Site') {
      return this.sites.get(`${namespace}/${name}`) as T | undefined;
    }
    return this.#informers.for<Obj>(kind).get(name, namespace) as T | undefined;
  }

  /** What a site or rollout written into `namespace` may refer to, for the shared rules. */
  references(namespace: string): FleetReferences {
    const names = (kind: Exclude<ViewKind, 'Site'>) =>
      new Set(this.list<Obj>(kind, namespace).map((o) => o.metadata.name));
    return {
      clusters: new Map(
        this.list<WideAreaCluster>('WideAreaCluster', namespace).map((c) => [
          c.metadata.name,
          { regions: c.spec.regions },
        ]),
      ),
      tenants: names('Tenant'),
      releases: names('SiteRelease'),
    };
  }

  /** Every current alert, newest first. */
  alerts(): Alert[] {
    return [...this.#alerts.values()].flat().sort((a, b) => b.since.localeCompare(a.since));
  }

  #changed(kind: ViewKind, object: Obj): void {
    // Nothing reads the server-side-apply bookkeeping, and it is a third of a site's memory:
    // dropped from the cached object itself (the informer's cache holds the same one).
    delete object.metadata.managedFields;
    this.#version++;
    if (kind === 'Site') {
      this.#siteChanged(object as unknown as Site);
    } else if (kind === 'Rollout') {
      this.events.publish('rollout', object as unknown as Rollout);
      this.#trackAlerts(kind, object, rolloutAlerts(object as unknown as Rollout));
    } else if (kind === 'WideAreaCluster') {
      this.#trackAlerts(kind, object, clusterAlerts(object as unknown as WideAreaCluster));
    }
    this.events.publish('changed', {
      kind,
      key: keyOf(object),
      resourceVersion: object.metadata.resourceVersion ?? '',
    });
  }

  #siteChanged(site: Site): void {
    const key = siteKey(site);
    const before = this.sites.get(key);
    this.sites.upsert(site);
    const from = before ? sitePhase(before) : undefined;
    const to = sitePhase(site);
    if (from !== undefined && from !== to) {
      this.events.publish('sitePhase', { site, from, to, at: new Date().toISOString() });
    }
    this.#trackAlerts('Site', site as unknown as Obj, siteAlerts(site));
  }

  #deleted(kind: ViewKind, object: Obj): void {
    this.#version++;
    if (kind === 'Site') {
      this.sites.remove(keyOf(object));
    }
    this.#alerts.delete(`${kind}/${keyOf(object)}`);
    this.events.publish('changed', { kind, key: keyOf(object), resourceVersion: '' });
  }

  /** Keeps the object's current alerts and publishes the ones not seen before. */
  #trackAlerts(kind: ViewKind, object: Obj, current: Alert[]): void {
    const slot = `${kind}/${keyOf(object)}`;
    const before = new Set((this.#alerts.get(slot) ?? []).map((a) => a.id));
    if (current.length === 0) {
      this.#alerts.delete(slot);
    } else {
      this.#alerts.set(slot, current);
    }
    for (const a of current) {
      if (!before.has(a.id) && this.#started) {
        this.events.publish('alert', a);
      }
    }
  }
}
