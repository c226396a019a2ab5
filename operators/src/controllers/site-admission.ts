/**
 * Site admission: checks every Site against the fleet rules (schema, Table 1 capacity,
 * references to its wide-area cluster and tenant, read from the shared informers), records
 * the verdict as the Admitted condition, moves an admitted new site from Pending to
 * Provisioning, and issues its agent's bootstrap credential. A refused site gets a Warning
 * event naming the fields; it stays Pending until its spec is fixed.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '@smart-fleet/kube';
import {
  addFinalizer,
  apiStatusCode,
  Controller,
  type ControllerMetrics,
  type KubeClient,
  objectKey,
  recordEvent,
  removeFinalizer,
  type SharedInformers,
  splitKey,
  writeStatus,
} from '@smart-fleet/kube';
import { type FleetReferences, type Site, type SiteStatus, siteKind, validateSpec } from '@smart-fleet/model';
import { bootstrapSecretName, ensureBootstrapCredential } from './bootstrap-credential.ts';
import { ADMITTED, admissionStatus, withBootstrapIssued } from './site-admission-status.ts';

export const SITE_ADMISSION = 'site-admission';
export const CREDENTIALS_FINALIZER = 'smartfleet.io/site-credentials';

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

/** A decommissioned site's agent may no longer register or call in. */
async function revokeCredentials(client: KubeClient, site: Site): Promise<void> {
  const namespace = site.metadata.namespace ?? '';
  for (const name of [bootstrapSecretName(site), `${site.metadata.name}-agent`]) {
    await client.core.deleteNamespacedSecret({ name, namespace }).catch((error: unknown) => {
      if (apiStatusCode(error) !== 404) {
        throw error;
      }
    });
  }
}

export function siteAdmissionController(deps: Deps): Controller {
  const { client, informers, log } = deps;
  const now = deps.now ?? (() => new Date());
  const sites = informers.for<Site & KubernetesObject>('Site');

  const issueCredential = async (site: Site, status: SiteStatus): Promise<SiteStatus> => {
    const issued = await ensureBootstrapCredential(client, site, now());
    if (issued.created) {
      log.info('issued bootstrap credential', {
        site: `${site.metadata.namespace}/${site.metadata.name}`,
        secret: issued.secretName,
      });
    }
    return withBootstrapIssued(status, issued.secretName, issued.expiresAt, now());
  };

  /** Provisioning sites get a bootstrap credential; decommissioned ones lose every credential. */
  const credentialsFor = async (site: Site, verdict: SiteStatus, admitted: boolean): Promise<SiteStatus> => {
    if (site.spec.lifecycle === 'Decommissioned') {
      await revokeCredentials(client, site);
      return verdict;
    }
    return admitted && verdict.phase === 'Provisioning' ? issueCredential(site, verdict) : verdict;
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
    await addFinalizer(client, siteKind, site, CREDENTIALS_FINALIZER);
    const problems = validateSpec(siteKind, site.spec, referencesIn(informers, namespace));
    const status = await credentialsFor(site, admissionStatus(site, problems, now()), problems.length === 0);
    const wasRefused = site.status?.conditions?.find((c) => c.type === ADMITTED)?.status === 'False';
    if (!(await writeStatus(client, siteKind, site, status))) {
      return undefined;
    }
    log.info('site status', { site: key, phase: status.phase, admitted: problems.length === 0 });
    if (problems.length > 0 && !wasRefused) {
      const message = status.conditions?.find((c) => c.type === ADMITTED)?.message ?? '';
      await recordEvent(client, SITE_ADMISSION, site, { type: 'Warning', reason: 'InvalidSpec', message });
    }
    return undefined;
  };

  const controller = new Controller({ name: SITE_ADMISSION, reconcile, log, metrics: deps.metrics });
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
