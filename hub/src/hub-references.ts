/** What already exists in a hub namespace that inventory entries may refer to. */
import type { KubernetesObject } from '@kubernetes/client-node';
import { type FleetReferences, GROUP_VERSION } from '@smart-fleet/model';
import { apiStatusCode, type HubClient } from './kube-client.ts';

export interface FleetResource extends KubernetesObject {
  spec?: Record<string, unknown>;
}

/** Every object of a kind in a namespace, 500 per page; none if the namespace does not exist. */
export async function listAll(client: HubClient, kind: string, namespace: string): Promise<FleetResource[]> {
  const items: FleetResource[] = [];
  let token: string | undefined;
  do {
    const page = await client.objects.list<FleetResource>(
      GROUP_VERSION,
      kind,
      namespace,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      500,
      token,
    );
    items.push(...page.items);
    token = page.metadata?._continue || undefined;
  } while (token);
  return items;
}

export async function hubReferences(client: HubClient, namespace: string): Promise<FleetReferences> {
  const [clusters, tenants, releases] = await Promise.all(
    ['WideAreaCluster', 'Tenant', 'SiteRelease'].map((kind) =>
      listAll(client, kind, namespace).catch((error: unknown) => {
        if (apiStatusCode(error) === 404) {
          return [];
        }
        throw error;
      }),
    ),
  );
  return {
    clusters: new Map(
      (clusters ?? []).map((c) => [c.metadata?.name ?? '', { regions: (c.spec?.regions as string[]) ?? [] }]),
    ),
    tenants: new Set((tenants ?? []).map((t) => t.metadata?.name ?? '')),
    releases: new Set((releases ?? []).map((r) => r.metadata?.name ?? '')),
  };
}
