/**
 * Sends what a stack declares to a real kube-apiserver, so that Kubernetes itself validates it.
 * Everything goes through server-side apply with `dryRun=All` (the API server's defaulting,
 * schema validation and admission run; nothing is stored), except what the rest cannot be
 * checked without: a Namespace or CustomResourceDefinition the server lacks is applied for real
 * first. One it already has is only dry-run, so a test never rewrites a CRD other tests rely on.
 */
import { type KubernetesObject, loadYaml } from '@kubernetes/client-node';
import { apiErrorMessage, apiStatusCode, type KubeClient, serverSideApply, waitFor } from '@smart-fleet/kube';
import type { KubernetesManifest } from './declare.ts';

const FIELD_MANAGER = 'smart-fleet-stacks-test';
const CONCURRENCY = 16;

export interface DryRunRefusal {
  object: string;
  message: string;
}

const describe = (o: KubernetesManifest) =>
  `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/**
 * client-node serializes a kind it knows from its own model, whose field names differ from the
 * wire's where the wire name is awkward (`enum` is `_enum`, `x-kubernetes-list-type` is
 * `xKubernetesListType`): a plain manifest would lose those fields on the way. `loadYaml` maps
 * the wire names onto the model first (as hub/src/crds.ts does).
 */
export const onClientNodeModel = (o: KubernetesManifest): KubernetesObject =>
  loadYaml<KubernetesObject>(JSON.stringify(o));

async function exists(client: KubeClient, o: KubernetesManifest): Promise<boolean> {
  try {
    await client.objects.read({
      apiVersion: o.apiVersion,
      kind: o.kind,
      metadata: { name: o.metadata.name },
    });
    return true;
  } catch (error) {
    if (apiStatusCode(error) === 404) {
      return false;
    }
    throw error;
  }
}

async function applyMissing(client: KubeClient, objects: KubernetesManifest[]): Promise<void> {
  const created: string[] = [];
  for (const o of objects) {
    if (!(await exists(client, o))) {
      await serverSideApply(client, onClientNodeModel(o), { fieldManager: FIELD_MANAGER, force: true });
      if (o.kind === 'CustomResourceDefinition') {
        created.push(o.metadata.name);
      }
    }
  }
  await waitFor(
    async () => {
      for (const name of created) {
        const crd = await client.apiext.readCustomResourceDefinition({ name });
        if (!crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) {
          return false;
        }
      }
      return true;
    },
    { timeoutMs: 30_000, what: `CRDs ${created.join(', ')} to be established` },
  );
}

/**
 * Applies the Namespaces and CRDs among `objects` that the server lacks, then dry-runs every
 * object, concurrently. Returns every refusal, in the API server's own words (an empty list:
 * all accepted).
 */
export async function serverDryRun(
  client: KubeClient,
  objects: KubernetesManifest[],
): Promise<DryRunRefusal[]> {
  const foundational = (o: KubernetesManifest) =>
    o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition';
  await applyMissing(client, objects.filter(foundational));
  const refusals: DryRunRefusal[] = [];
  for (let i = 0; i < objects.length; i += CONCURRENCY) {
    await Promise.all(
      objects.slice(i, i + CONCURRENCY).map(async (o) => {
        try {
          await serverSideApply(client, onClientNodeModel(o), { fieldManager: FIELD_MANAGER, dryRun: true });
        } catch (error) {
          refusals.push({ object: describe(o), message: apiErrorMessage(error) });
        }
      }),
    );
  }
  return refusals;
}
