/**
 * Site admission: checks every Site against the fleet rules (schema, Table 1 capacity,
 * references to its wide-area cluster and tenant, read from the shared informers), records
 * the verdict as the Admitted condition, and issues an admitted site's agent its single-use
 * bootstrap credential until the agent has registered. A refused site gets a Warning event
 * naming the fields. A decommissioned or deleted site loses every credential (a finalizer holds
 * a deleted one until that is done). It writes only its own part of the status
 * (SITE_ADMISSION_STATUS); the phase follows from its verdict in the health controller.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  addFinalizer,
  apiStatusCode,
  applyStatus,
  Controller,
  type ControllerMetrics,
  findCondition,
  type KubeClient,
  type Logger,
  objectKey,
  recordEvent,
  removeFinalizer,
  type SharedInformers,
  splitKey,
} from '@smart-fleet/kube';
import { type FleetReferences, type Site, siteKind, validateSpec } from '@smart-fleet/model';
import { SITE_ADMISSION_STATUS } from '../status-owners.ts';
import { agentSecretName, bootstrapSecretName, ensureBootstrapCredential } from './bootstrap-credential.ts';
import { ADMITTED, admissionStatus, type CredentialState } from './site-admission-status.ts';

/**
 * A new site's admission is a few API calls in a row (finalizer, credential Secret, status,
 * event), bound by their latency, not by CPU: two workers admitted 4-20 sites a second, so
 * onboarding the national fleet took most of an hour. Eight keep the hub's API server busy
 * instead of waiting on it.
 */
const ADMISSION_WORKERS = 8;

export const SITE_ADMISSION = 'site-admission';
export const CREDENTIALS_FINALIZER = 'smartfleet.io/site-credentials';
/** Phases in which the site's agent has been heard from: it holds its own credential. */
const HEARD_FROM = new Set(['Ready', 'Degraded', 'Offline']);

interface Deps {
  client: KubeClient;
  informers: SharedInformers;
  log: Logger;
  metrics: ControllerMetrics;
  now?: () => Date;
}

type Named = KubernetesObject & { spec?: Record<string, unknown> };

function referencesIn(informers: SharedInformers, namespace: string): FleetReferences {
  const clusters = informers.for<Named>('WideAreaCluster').list(namespace);
  const tenants = informers.for<Named>('Tenant').list(namespace);
  return {
    clusters: new Map(
      clusters.map((c) => [c.metadata?.name ?? '', { regions: (c.spec?.regions as string[]) ?? [] }]),
    ),
    tenants: new Set(tenants.map((t) => t.metadata?.name ?? '')),
  };
}

const ignoreNotFound = (error: unknown) => {
  if (apiStatusCode(error) !== 404) {
    throw error;
  }
  return undefined;
};

/** A decommissioned site's agent may no longer register or call in. */
async function revokeCredentials(client: KubeClient, site: Site): Promise<void> {
  const namespace = site.metadata.namespace ?? '';
  for (const name of [bootstrapSecretName(site), agentSecretName(site)]) {
    await client.core.deleteNamespacedSecret({ name, namespace }).catch(ignoreNotFound);
  }
}

async function agentRegistered(client: KubeClient, site: Site): Promise<boolean> {
  const secret = await client.core
    .readNamespacedSecret({ name: agentSecretName(site), namespace: site.metadata.namespace ?? '' })
    .catch(ignoreNotFound);
  return secret !== undefined;
}

export function siteAdmissionController(deps: Deps): Controller {
  const { client, informers, log } = deps;
  const now = deps.now ?? (() => new Date());
  const sites = informers.for<Site & KubernetesObject>('Site');

  /**
   * What to do about the agent's credentials. Only a site whose agent has not been heard from
   * is looked at (one Secret read), so a live fleet costs no reads.
   */
  const credentials = async (site: Site, admitted: boolean): Promise<CredentialState> => {
    if (site.spec.lifecycle === 'Decommissioned') {
      await revokeCredentials(client, site);
      return { state: 'revoked' };
    }
    if (!admitted || HEARD_FROM.has(site.status?.phase ?? '')) {
      return { state: 'unchanged' };
    }
    if (await agentRegistered(client, site)) {
      return { state: 'registered' };
    }
    const issued = await ensureBootstrapCredential(client, site, now());
    if (issued.created) {
      log.info('issued bootstrap credential', { site: objectKey(site as never), secret: issued.secretName });
    }
    return { state: 'issued', secretName: issued.secretName, expiresAt: issued.expiresAt };
  };

  const reconcile = async (key: string) => {
    const { namespace, name } = splitKey(key);
    const site = sites.get(name, namespace);
    if (!site) {
      return undefined;
    }
    if (site.metadata.deletionTimestamp) {
      // Going: its agent must not keep calling in with a credential that outlives it.
      await revokeCredentials(client, site);
      await removeFinalizer(client, siteKind, site, CREDENTIALS_FINALIZER);
      return undefined;
    }
    await addFinalizer(client, siteKind, site, { name: CREDENTIALS_FINALIZER, manager: SITE_ADMISSION });
    const problems = validateSpec(siteKind, site.spec, referencesIn(informers, namespace));
    const wasRefused = findCondition(site.status?.conditions, ADMITTED)?.status === 'False';
    const status = admissionStatus(site, problems, await credentials(site, problems.length === 0), now());
    if (!(await applyStatus(client, siteKind, site, SITE_ADMISSION_STATUS, status))) {
      return undefined;
    }
    log.info('site admission', { site: key, admitted: problems.length === 0 });
    if (problems.length > 0 && !wasRefused) {
      const message = findCondition(status.conditions, ADMITTED)?.message ?? '';
      await recordEvent(client, SITE_ADMISSION, site, { type: 'Warning', reason: 'InvalidSpec', message });
    }
    return undefined;
  };

  const controller = new Controller({
    name: SITE_ADMISSION,
    kind: 'Site',
    reconcile,
    log,
    metrics: deps.metrics,
    workers: ADMISSION_WORKERS,
  });
  const enqueue = (o: KubernetesObject) => controller.queue.add(objectKey(o));
  sites.on('add', enqueue);
  sites.on('update', enqueue);
  informers.onResync('Site', enqueue);
  // A cluster or tenant appearing, changing or going may change a site's verdict.
  const enqueueReferrers = (field: 'parentCluster' | 'tenant') => (o: KubernetesObject) => {
    for (const site of sites.list(o.metadata?.namespace)) {
      if (site.spec?.[field] === o.metadata?.name) {
        enqueue(site);
      }
    }
  };
  for (const verb of ['add', 'update', 'delete'] as const) {
    informers.for('WideAreaCluster').on(verb, enqueueReferrers('parentCluster'));
    informers.for('Tenant').on(verb, enqueueReferrers('tenant'));
  }
  return controller;
}
