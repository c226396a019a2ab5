/**
 * Installs the fleet's CRDs into a hub and waits until the API server serves them.
 *
 * client-node's typed APIs serialize from their own models, whose field names differ from the
 * wire names where the wire name is awkward in TypeScript (`enum` is `_enum`,
 * `x-kubernetes-list-type` is `xKubernetesListType`): a plain manifest sent through them loses
 * those fields silently, and the hub would then accept, say, an unknown region. So each CRD
 * goes through `loadYaml` first, which maps wire names onto the model (the integration tests
 * check that the hub refuses an unknown region).
 */
import { loadYaml, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { apiStatusCode, type KubeClient, waitFor } from '@smart-fleet/kube';
import { allCrds, type CustomResourceDefinition, SCHEMA_HASH_ANNOTATION } from '@smart-fleet/model';

async function createOrReplace(client: KubeClient, crd: CustomResourceDefinition): Promise<void> {
  // JSON is YAML: this is the public way to map a plain manifest onto client-node's model.
  const body = loadYaml<V1CustomResourceDefinition>(JSON.stringify(crd));
  await waitFor(
    async () => {
      try {
        const live = await client.apiext.readCustomResourceDefinition({ name: crd.metadata.name });
        const metadata = { ...body.metadata, resourceVersion: live.metadata?.resourceVersion };
        await client.apiext.replaceCustomResourceDefinition({
          name: crd.metadata.name,
          body: { ...body, metadata },
        });
        return true;
      } catch (error) {
        if (apiStatusCode(error) === 404) {
          await client.apiext.createCustomResourceDefinition({ body });
          return true;
        }
        if (apiStatusCode(error) === 409) {
          return false; // changed under us: read again and retry
        }
        throw error;
      }
    },
    { what: `install of CRD ${crd.metadata.name}`, timeoutMs: 30000 },
  );
}

function established(crd: V1CustomResourceDefinition): boolean {
  return (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
}

export async function installCrds(
  client: KubeClient,
  log: (line: string) => void = console.error,
): Promise<void> {
  const crds = allCrds();
  await Promise.all(crds.map((crd) => createOrReplace(client, crd)));
  await Promise.all(
    crds.map((crd) =>
      waitFor(
        async () =>
          established(await client.apiext.readCustomResourceDefinition({ name: crd.metadata.name })),
        {
          what: `CRD ${crd.metadata.name} to be Established`,
          timeoutMs: 30000,
        },
      ),
    ),
  );
  log(`[crds] ${crds.length} CRDs installed and Established`);
}

/** CRDs that are missing from the hub or carry another schema than this code's. */
export async function staleCrds(client: KubeClient): Promise<string[]> {
  const stale: string[] = [];
  for (const crd of allCrds()) {
    try {
      const live = await client.apiext.readCustomResourceDefinition({ name: crd.metadata.name });
      if (
        live.metadata?.annotations?.[SCHEMA_HASH_ANNOTATION] !==
        crd.metadata.annotations[SCHEMA_HASH_ANNOTATION]
      ) {
        stale.push(`${crd.metadata.name} (schema differs)`);
      }
    } catch (error) {
      if (apiStatusCode(error) !== 404) {
        throw error;
      }
      stale.push(`${crd.metadata.name} (missing)`);
    }
  }
  return stale;
}
