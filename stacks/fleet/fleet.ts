/**
 * The fleet as code: every object of a parsed inventory (Tenants, WideAreaClusters, Sites,
 * SiteReleases, Rollouts) declared as a custom resource in the hub, exactly as
 * `npm run fleet -- apply` writes it: the parser's own objects, with their labels, namespace
 * and defaulted spec, are passed through untouched, so the two paths can never disagree.
 *
 * The hub stack installs the CRDs, the namespace and the operators; this component only adds
 * fleet objects. Each object depends on the objects it names (a site on its cluster and tenant,
 * a rollout on its release), so Pulumi creates owners first and deletes them last, the order
 * the inventory apply uses; the site admission controller then never sees a site before its
 * cluster.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { FleetObject, ParsedInventory } from '@smart-fleet/model';
import { type FleetSummary, summarizeFleet } from './fleet-summary.ts';

export interface FleetArgs {
  /**
   * What `readStackInventory` returned (valid as a whole, or the program already stopped), or
   * the shard of its objects this stack declares.
   */
  inventory: ParsedInventory;
}

/** Which spec fields name another object of the inventory, per kind. */
const REFERENCES: Record<string, { field: string; kind: string }[]> = {
  Site: [
    { field: 'parentCluster', kind: 'WideAreaCluster' },
    { field: 'tenant', kind: 'Tenant' },
  ],
  Rollout: [{ field: 'release', kind: 'SiteRelease' }],
};

export class Fleet extends pulumi.ComponentResource {
  readonly namespace: string;
  readonly summary: FleetSummary;

  constructor(name: string, args: FleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super('smart:fleet:Fleet', name, {}, opts);
    this.namespace = args.inventory.namespace;
    // Objects come in apply order (tenants, clusters, sites, releases, rollouts), so whatever
    // an object names is declared before it.
    const declared = new Map<string, k8s.apiextensions.CustomResource>();
    for (const object of args.inventory.objects) {
      const resource = new k8s.apiextensions.CustomResource(object.metadata.name, object, {
        parent: this,
        dependsOn: dependenciesOf(object, declared),
      });
      declared.set(`${object.kind}/${object.metadata.name}`, resource);
    }
    this.summary = summarizeFleet(args.inventory.objects);
    this.registerOutputs({ namespace: this.namespace, ...this.summary });
  }
}

/** What `object` names among the objects declared so far (keyed `Kind/name`). */
export function dependenciesOf<T>(object: FleetObject, declared: ReadonlyMap<string, T>): T[] {
  const found: T[] = [];
  for (const { field, kind } of REFERENCES[object.kind] ?? []) {
    const target = declared.get(`${kind}/${object.spec[field]}`);
    if (target) {
      found.push(target);
    }
  }
  return found;
}
