/**
 * Sends what a stack declares to a real kube-apiserver, so that Kubernetes itself validates it:
 * Namespaces and CustomResourceDefinitions are applied for real (nothing else can be checked
 * without them), everything else goes through server-side apply with `dryRun=All`, which runs
 * the API server's defaulting, schema validation and admission but stores nothing.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { apiErrorMessage, type HubClient, serverSideApply, waitFor } from '@smart-fleet/hub';
import type { KubernetesManifest } from './declare.ts';

const FIELD_MANAGER = 'smart-fleet-stacks-test';

export interface DryRunRefusal {
  object: string;
  message: string;
}

const describe = (o: KubernetesManifest) =>
  `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

async function applyForReal(client: HubClient, objects: KubernetesManifest[]): Promise<void> {
  for (const o of objects) {
    await serverSideApply(client, o as KubernetesObject, { fieldManager: FIELD_MANAGER, force: true });
  }
  const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name);
  await waitFor(
    async () => {
      for (const name of crds) {
        const crd = await client.apiext.readCustomResourceDefinition({ name });
        if (!crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) {
          return false;
        }
      }
      return true;
    },
    { timeoutMs: 30_000, what: `CRDs ${crds.join(', ')} to be established` },
  );
}

/**
 * Applies the Namespaces and CRDs among `objects`, then dry-runs the rest, concurrently.
 * Returns every refusal, in the API server's own words (an empty list: all accepted).
 */
export async function serverDryRun(
  client: HubClient,
  objects: KubernetesManifest[],
): Promise<DryRunRefusal[]> {
  const foundational = (o: KubernetesManifest) =>
    o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition';
  await applyForReal(client, objects.filter(foundational));
  const rest = objects.filter((o) => !foundational(o));
  const refusals: DryRunRefusal[] = [];
  const CONCURRENCY = 16;
  for (let i = 0; i < rest.length; i += CONCURRENCY) {
    await Promise.all(
      rest.slice(i, i + CONCURRENCY).map(async (o) => {
        try {
          await serverSideApply(client, o as KubernetesObject, { fieldManager: FIELD_MANAGER, dryRun: true });
        } catch (error) {
          refusals.push({ object: describe(o), message: apiErrorMessage(error) });
        }
      }),
    );
  }
  return refusals;
}
