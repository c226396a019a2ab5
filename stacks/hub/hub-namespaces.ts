/**
 * The hub's namespaces: one for what the hub runs (operators, API, console), one for partner
 * API keys, and the fleet namespaces where inventories put their objects. The hub stack owns
 * them all, so the fleet stack (which only adds fleet objects) never competes for a namespace,
 * and the operators' namespaced rights can be granted in each before any site arrives.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { appLabels } from '../lib/labels.ts';
import { RESTRICTED_NAMESPACE_LABELS } from '../lib/pod-security.ts';

export interface HubNamespacesArgs {
  system: string;
  keys: string;
  fleet: string[];
}

export class HubNamespaces extends pulumi.ComponentResource {
  readonly system: k8s.core.v1.Namespace;
  readonly keys: k8s.core.v1.Namespace;
  /** By name. */
  readonly fleet: Map<string, k8s.core.v1.Namespace>;

  constructor(name: string, args: HubNamespacesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('smart:hub:Namespaces', name, {}, opts);
    const namespace = (ns: string, role: string, extra: Record<string, string> = {}) =>
      new k8s.core.v1.Namespace(
        ns,
        { metadata: { name: ns, labels: { ...appLabels('smart-fleet-hub', role), ...extra } } },
        { parent: this },
      );
    // Only the system namespace runs pods; it enforces the restricted Pod Security Standard.
    this.system = namespace(args.system, 'system', RESTRICTED_NAMESPACE_LABELS);
    this.keys = namespace(args.keys, 'api-keys');
    this.fleet = new Map(args.fleet.map((ns) => [ns, namespace(ns, 'fleet')]));
    this.registerOutputs({ system: args.system, keys: args.keys, fleet: args.fleet });
  }
}
