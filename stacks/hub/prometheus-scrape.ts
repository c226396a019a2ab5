/**
 * Prometheus scrape configuration for the hub: a ConfigMap holding a `scrape_configs` file that
 * a Prometheus includes (or a Prometheus operator's additional scrape configs reads), finding
 * the operator pods by their labels and named metrics port in the hub's namespace. Every replica
 * is scraped, standbys included: each has its own queues, informers and agent traffic. The pods
 * also carry the conventional prometheus.io annotations for annotation-driven setups.
 *
 * The GraphQL API serves no /metrics endpoint yet, so it has no job here; it gets one when it
 * does. When `smart-fleet:monitoring.prometheusServiceAccount` names Prometheus's own account,
 * that account may discover pods in the hub's namespace (read-only) and nothing else.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { stringify } from 'yaml';
import { appLabels } from '../lib/labels.ts';
import { OPERATORS, SCRAPE_CONFIG_MAP } from './names.ts';

export const SCRAPE_FILE = 'smart-fleet.yml';

export interface PrometheusScrapeArgs {
  namespace: string;
  /** `namespace/name` of the ServiceAccount Prometheus runs as, to be allowed discovery here. */
  prometheusServiceAccount?: { namespace: string; name: string };
}

/** The scrape configs, as Prometheus reads them. */
export function scrapeConfigs(namespace: string) {
  return {
    scrape_configs: [
      {
        job_name: 'smart-fleet-operators',
        metrics_path: '/metrics',
        kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [namespace] } }],
        relabel_configs: [
          {
            source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'],
            regex: OPERATORS.name,
            action: 'keep',
          },
          { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'metrics', action: 'keep' },
          { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
          { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
        ],
      },
    ],
  };
}

export class PrometheusScrape extends pulumi.ComponentResource {
  constructor(name: string, args: PrometheusScrapeArgs, opts?: pulumi.ComponentResourceOptions) {
    super('smart:hub:PrometheusScrape', name, {}, opts);
    const child = { parent: this };
    const labels = appLabels('smart-fleet-prometheus-scrape');
    new k8s.core.v1.ConfigMap(
      `${name}-config`,
      {
        metadata: { name: SCRAPE_CONFIG_MAP, namespace: args.namespace, labels },
        data: { [SCRAPE_FILE]: stringify(scrapeConfigs(args.namespace)) },
      },
      child,
    );
    const prometheus = args.prometheusServiceAccount;
    if (prometheus) {
      const roleName = 'smart-fleet-prometheus-discovery';
      new k8s.rbac.v1.Role(
        `${name}-discovery`,
        {
          metadata: { name: roleName, namespace: args.namespace, labels },
          rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
        },
        child,
      );
      new k8s.rbac.v1.RoleBinding(
        `${name}-discovery`,
        {
          metadata: { name: roleName, namespace: args.namespace, labels },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
          subjects: [{ kind: 'ServiceAccount', ...prometheus }],
        },
        child,
      );
    }
    this.registerOutputs({ configMap: `${args.namespace}/${SCRAPE_CONFIG_MAP}` });
  }
}
