/**
 * The stream-accelerator device plugin: advertises the box's accelerator cards (they sit on the
 * network/storage modules) to the kubelet as an extended resource, so the streaming edge can
 * request them and the scheduler never hands one card to two pods.
 */
import * as k8s from '@pulumi/kubernetes';
import { ACCELERATOR_RESOURCE, imageFor, resourceQuantities, type WorkloadSize } from '@smart-fleet/model';
import { appLabels, selectorLabels } from '../lib/labels.ts';
import type { PartContext } from '../lib/part-context.ts';
import { RESTRICTED_CONTAINER } from '../lib/pod-security.ts';

export const ACCELERATOR_PLUGIN = 'stream-accelerator-device-plugin';
/** Where the kubelet listens for device plugins (kubelet.sock) and where they put their own sockets. */
export const KUBELET_DEVICE_PLUGINS = '/var/lib/kubelet/device-plugins';
export const TERMINATION_LOG = '/termination-log';

export interface AcceleratorPluginSettings {
  /** The cards the site's hardware has: the plugin logs a shortfall and shows it in its status. */
  accelerators: number;
  size: WorkloadSize;
  /** Where its cards' device nodes are (under /dev, the host path it mounts); unset: its default. */
  devicePatterns?: readonly string[];
}

export function declareAcceleratorDevicePlugin(
  settings: AcceleratorPluginSettings,
  ctx: PartContext,
): k8s.apps.v1.DaemonSet {
  const labels = appLabels(ACCELERATOR_PLUGIN, ctx.instance);
  return new k8s.apps.v1.DaemonSet(
    ACCELERATOR_PLUGIN,
    {
      metadata: { name: ACCELERATOR_PLUGIN, namespace: ctx.namespace, labels },
      spec: {
        selector: { matchLabels: selectorLabels(ACCELERATOR_PLUGIN, ctx.instance) },
        template: {
          metadata: { labels },
          spec: {
            // It talks to the kubelet only, never to the API server.
            automountServiceAccountToken: false,
            priorityClassName: 'system-node-critical',
            // The building's one node may carry control-plane taints; the plugin must run there.
            tolerations: [{ operator: 'Exists' }],
            containers: [
              {
                name: ACCELERATOR_PLUGIN,
                image: imageFor('acceleratorDevicePlugin', ctx.images),
                ...(settings.devicePatterns
                  ? { args: settings.devicePatterns.map((p) => `--pattern=${p}`) }
                  : {}),
                env: [
                  { name: 'ACCELERATOR_RESOURCE', value: ACCELERATOR_RESOURCE },
                  { name: 'ACCELERATOR_COUNT', value: String(settings.accelerators) },
                ],
                // Not privileged and no capabilities: it finds the cards' device nodes in the host's
                // /dev, mounted read-only at the same path (the paths it reports must be the host's),
                // and the kubelet (not the plugin) gives the edge their device nodes. It runs as uid 0
                // for one reason: to create its socket in the kubelet's root-owned device-plugins
                // directory, the only host path it writes.
                securityContext: { ...RESTRICTED_CONTAINER, runAsUser: 0, runAsNonRoot: false },
                resources: resourceQuantities(settings.size),
                // Not under /dev: the host's /dev is mounted there read-only, where the kubelet
                // could not put its default termination-log file (the container would not start).
                terminationMessagePath: TERMINATION_LOG,
                terminationMessagePolicy: 'FallbackToLogsOnError',
                volumeMounts: [
                  { name: 'device-plugins', mountPath: KUBELET_DEVICE_PLUGINS },
                  { name: 'host-dev', mountPath: '/dev', readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: 'device-plugins', hostPath: { path: KUBELET_DEVICE_PLUGINS, type: 'Directory' } },
              { name: 'host-dev', hostPath: { path: '/dev', type: 'Directory' } },
            ],
          },
        },
      },
    },
    ctx.opts,
  );
}
