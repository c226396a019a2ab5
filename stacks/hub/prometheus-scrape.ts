/**
 * Prometheus configuration for the hub: a ConfigMap holding a `scrape_configs` file that a
 * Prometheus includes (or a Prometheus operator's additional scrape configs reads), finding the
 * operator pods by their labels and named metrics port in the hub's namespace, at the telemetry
 * scrape interval. Every replica is scraped, standbys included: each has its own queues,
 * informers and agent traffic (only the leader exports sites' telemetry). The site series carry
 * their own `namespace` label, so the job honours scraped labels. Beside it, the storage
 * settings and flags that Prometheus needs for telemetry history: the out-of-order window
 * replays land in, the retention, and the remote-write receiver. The pods also carry the
 * conventional prometheus.io annotations for annotation-driven setups.
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

export const STORAGE_FILE = 'smart-fleet-storage.yml';
export const FLAGS_KEY = 'prometheus-flags';

export interface PrometheusScrapeArgs {
  namespace: string;
  /** Prometheus durations: how often the operators are scraped, retention, the replay window. */
  scrapeInterval: string;
  retention: string;
  replayWindow: string;
  /** `namespace/name` of the ServiceAccount Prometheus runs as, to be allowed discovery here. */
  prometheusServiceAccount?: { namespace: string; name: string };
}

/** The scrape configs, as Prometheus reads them. */
export function scrapeConfigs(namespace: string, scrapeInterval: string) {
  return {
    scrape_configs: [
      {
        job_name: 'smart-fleet-operators',
        metrics_path: '/metrics',
        scrape_interval: scrapeInterval,
        scrape_timeout: scrapeInterval,
        // The site series' own namespace label (the site's) wins over the pod's target label.
        honor_labels: true,
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
        data: {
          [SCRAPE_FILE]: stringify(scrapeConfigs(args.namespace, args.scrapeInterval)),
          [STORAGE_FILE]: stringify({ storage: { tsdb: { out_of_order_time_window: args.replayWindow } } }),
          [FLAGS_KEY]: `--web.enable-remote-write-receiver --storage.tsdb.retention.time=${args.retention}`,
        },
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
