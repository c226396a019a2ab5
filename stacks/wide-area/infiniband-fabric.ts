/**
 * The InfiniBand fabric as Kubernetes sees it: a Multus NetworkAttachmentDefinition per IPoIB
 * network (one per fabric partition, see ipoib-plan.ts), which pods join through the
 * `k8s.v1.cni.cncf.io/networks` annotation, and the RDMA shared device plugin, which advertises
 * the nodes' host channel adapters as an extended resource pods request to use RDMA verbs.
 * Multus, the ipoib CNI plugin and whereabouts are cluster prerequisites (see the docs).
 */
import * as k8s from '@pulumi/kubernetes';
import { appLabels, selectorLabels } from '../lib/labels.ts';
import type { PartContext } from '../lib/part-context.ts';
import { RESTRICTED_CONTAINER } from '../lib/pod-security.ts';
import type { IpoibNetwork } from './ipoib-plan.ts';
import { scheduledOnAnyRole } from './node-roles.ts';

export const NETWORKS_ANNOTATION = 'k8s.v1.cni.cncf.io/networks';
export const NAD_API_VERSION = 'k8s.cni.cncf.io/v1';
/** The plugin's default resource prefix, `rdma`, and the name our config gives the shared HCAs. */
export const RDMA_RESOURCE_NAME = 'hca_shared_devices_a';
export const RDMA_RESOURCE = `rdma/${RDMA_RESOURCE_NAME}`;
const RDMA_PLUGIN = 'rdma-shared-device-plugin';
const KUBELET_PLUGINS = '/var/lib/kubelet/device-plugins';
const KUBELET_REGISTRY = '/var/lib/kubelet/plugins_registry';

export interface RdmaPluginSettings {
  image: string;
  /** How many pods may share one HCA at a time. */
  hcaMax: number;
  /** The IB interfaces whose HCAs are shared (the IPoIB parent). */
  interfaces: readonly string[];
}

/** The value of the networks annotation for a pod on every IPoIB network. */
export function networksAnnotation(namespace: string, networks: readonly IpoibNetwork[]): string {
  return networks.map((n) => `${namespace}/${n.name}`).join(',');
}

export function declareIpoibNetworks(
  networks: readonly IpoibNetwork[],
  ctx: PartContext,
): k8s.apiextensions.CustomResource[] {
  return networks.map(
    (network) =>
      new k8s.apiextensions.CustomResource(
        network.name,
        {
          apiVersion: NAD_API_VERSION,
          kind: 'NetworkAttachmentDefinition',
          metadata: {
            name: network.name,
            namespace: ctx.namespace,
            labels: appLabels('infiniband-fabric', ctx.instance),
            annotations: { 'smartfleet.io/ib-partition-key': network.pkey },
          },
          spec: { config: network.cniConfig },
        },
        ctx.opts,
      ),
  );
}

export function rdmaPluginConfig(settings: RdmaPluginSettings): string {
  return JSON.stringify({
    periodicUpdateInterval: 300,
    configList: [
      {
        resourceName: RDMA_RESOURCE_NAME,
        rdmaHcaMax: settings.hcaMax,
        selectors: { ifNames: [...settings.interfaces] },
      },
    ],
  });
}

export function declareRdmaDevicePlugin(
  settings: RdmaPluginSettings,
  ctx: PartContext,
): { configMap: k8s.core.v1.ConfigMap; daemonSet: k8s.apps.v1.DaemonSet } {
  const labels = appLabels(RDMA_PLUGIN, ctx.instance);
  const configMap = new k8s.core.v1.ConfigMap(
    `${RDMA_PLUGIN}-config`,
    {
      metadata: { name: `${RDMA_PLUGIN}-config`, namespace: ctx.namespace, labels },
      data: { 'config.json': rdmaPluginConfig(settings) },
    },
    ctx.opts,
  );
  const hostPath = (name: string, path: string) => ({ name, hostPath: { path, type: 'Directory' } });
  const daemonSet = new k8s.apps.v1.DaemonSet(
    RDMA_PLUGIN,
    {
      metadata: { name: RDMA_PLUGIN, namespace: ctx.namespace, labels },
      spec: {
        selector: { matchLabels: selectorLabels(RDMA_PLUGIN, ctx.instance) },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
        template: {
          metadata: { labels },
          spec: {
            ...scheduledOnAnyRole(),
            // It talks to the kubelet and the HCAs only, never to the API server.
            automountServiceAccountToken: false,
            priorityClassName: 'system-node-critical',
            // The plugin finds HCAs by their netdev names (ib0), which only the host's network
            // namespace shows.
            hostNetwork: true,
            containers: [
              {
                name: RDMA_PLUGIN,
                image: settings.image,
                // Not privileged (upstream's example is; the plugin needs less): it finds HCAs in
                // sysfs and their netdevs over netlink, checks their device nodes exist under the
                // host's /dev (read-only here) and hands the paths to the kubelet, which gives
                // pods the devices; it never opens them. It runs as uid 0 only to create its
                // socket in the kubelet's root-owned directories, with no capabilities.
                securityContext: { ...RESTRICTED_CONTAINER, runAsUser: 0, runAsNonRoot: false },
                resources: {
                  requests: { cpu: '50m', memory: '64Mi' },
                  limits: { cpu: '200m', memory: '128Mi' },
                },
                volumeMounts: [
                  { name: 'device-plugins', mountPath: KUBELET_PLUGINS },
                  { name: 'plugins-registry', mountPath: KUBELET_REGISTRY },
                  { name: 'config', mountPath: '/k8s-rdma-shared-dev-plugin', readOnly: true },
                  { name: 'devices', mountPath: '/dev', readOnly: true },
                ],
              },
            ],
            volumes: [
              // The kubelet's device-plugin socket directory: the plugin registers there.
              hostPath('device-plugins', KUBELET_PLUGINS),
              hostPath('plugins-registry', KUBELET_REGISTRY),
              hostPath('devices', '/dev'),
              { name: 'config', configMap: { name: `${RDMA_PLUGIN}-config` } },
            ],
          },
        },
      },
    },
    ctx.opts,
  );
  return { configMap, daemonSet };
}
