/**
 * The site agent (operators/src/agent, `npm run agent`): registers with the hub once, with the
 * site's bootstrap token, then pulls its bundle, applies it to this cluster and reports
 * heartbeats. The bootstrap token is single-use and expires (24 h), so it comes from a Pulumi
 * secret into a Secret mounted as a file; the credential the agent gets in exchange, its applied
 * revision and its telemetry buffer live in its state directory, on a volume that outlives the
 * pod (a new pod with an empty state directory could not register again). The edge of every
 * release it applies fills from the box's origin (given here); the hub's entitlement keys come to
 * it in each bundle, so a rotated key needs no change here.
 */
import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import { imageFor, resourceQuantities, type WorkloadSize } from '@smart-fleet/model';
import { appLabels, selectorLabels } from '../lib/labels.ts';
import type { PartContext } from '../lib/part-context.ts';
import { RESTRICTED_CONTAINER, RESTRICTED_POD, scratchVolume } from '../lib/pod-security.ts';
import { declareSiteAgentAccess, SITE_AGENT } from './site-agent-access.ts';

export const BOOTSTRAP_SECRET = 'site-agent-bootstrap';
export const STATE_CLAIM = 'site-agent-state';
export const STATE_CLAIM_SIZE = '1Gi';
export const STATE_DIR = '/var/lib/smart-site-agent';
export const BOOTSTRAP_DIR = '/var/run/secrets/smart-fleet/bootstrap';
export const BOOTSTRAP_FILE = `${BOOTSTRAP_DIR}/token`;

export interface SiteAgentSettings {
  hubUrl: string;
  /** The hub namespace the Site object lives in. */
  hubNamespace: string;
  site: string;
  /** The parent's distribution origin the release's edge fills from (`--origin`). */
  originUrl: string;
  bootstrapToken: pulumi.Input<string>;
  heartbeatSeconds: number;
  storageClass?: string;
  size: WorkloadSize;
}

/** The agent's command line, as `npm run agent` takes it. */
export function agentArgs(settings: SiteAgentSettings): string[] {
  return [
    `--hub=${settings.hubUrl}`,
    `--namespace=${settings.hubNamespace}`,
    `--site=${settings.site}`,
    `--state-dir=${STATE_DIR}`,
    `--origin=${settings.originUrl}`,
    `--bootstrap-token-file=${BOOTSTRAP_FILE}`,
    `--heartbeat-seconds=${settings.heartbeatSeconds}`,
  ];
}

export function declareSiteAgent(
  settings: SiteAgentSettings,
  releaseNamespace: k8s.core.v1.Namespace,
  ctx: PartContext,
): k8s.apps.v1.Deployment {
  const labels = appLabels(SITE_AGENT, ctx.instance);
  declareSiteAgentAccess(releaseNamespace, ctx);
  new k8s.core.v1.Secret(
    BOOTSTRAP_SECRET,
    {
      metadata: { name: BOOTSTRAP_SECRET, namespace: ctx.namespace, labels },
      type: 'Opaque',
      stringData: { token: settings.bootstrapToken },
    },
    ctx.opts,
  );
  new k8s.core.v1.PersistentVolumeClaim(
    STATE_CLAIM,
    {
      metadata: { name: STATE_CLAIM, namespace: ctx.namespace, labels },
      spec: {
        accessModes: ['ReadWriteOnce'],
        ...(settings.storageClass ? { storageClassName: settings.storageClass } : {}),
        resources: { requests: { storage: STATE_CLAIM_SIZE } },
      },
    },
    // Its agent credential cannot be had again without a new bootstrap token.
    { ...ctx.opts, protect: true },
  );
  return new k8s.apps.v1.Deployment(
    SITE_AGENT,
    {
      metadata: { name: SITE_AGENT, namespace: ctx.namespace, labels },
      spec: {
        replicas: 1,
        // One agent at a time owns the state volume.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: selectorLabels(SITE_AGENT, ctx.instance) },
        template: {
          metadata: { labels },
          spec: {
            // In-cluster credentials: the agent applies its bundle with this identity.
            serviceAccountName: SITE_AGENT,
            securityContext: RESTRICTED_POD,
            containers: [
              {
                name: SITE_AGENT,
                image: imageFor('agent', ctx.images),
                args: agentArgs(settings),
                securityContext: RESTRICTED_CONTAINER,
                resources: resourceQuantities(settings.size),
                // No probes: the agent serves nothing; the hub sees it by its heartbeats and
                // marks the site Offline when they stop.
                volumeMounts: [
                  { name: 'state', mountPath: STATE_DIR },
                  { name: 'bootstrap', mountPath: BOOTSTRAP_DIR, readOnly: true },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'state', persistentVolumeClaim: { claimName: STATE_CLAIM } },
              {
                name: 'bootstrap',
                secret: {
                  secretName: BOOTSTRAP_SECRET,
                  defaultMode: 0o440,
                  items: [{ key: 'token', path: 'token' }],
                },
              },
              scratchVolume(),
            ],
          },
        },
      },
    },
    ctx.opts,
  );
}
