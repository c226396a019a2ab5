/** SiteReleases and Rollouts for rollout tests, written to the hub as an operator would. */
import { type FleetResource, type KubeClient, listAll, serverSideApply, waitFor } from '@smart-fleet/kube';
import { GROUP_VERSION, type ReleaseAssignment, type SiteReleaseSpec } from '@smart-fleet/model';

export type RolloutStatusView = {
  phase?: string;
  sitesHeld?: string[];
  conditions?: { type: string; status: string; reason: string; message: string }[];
  waves?: { name: string; state: string }[];
};
export const statusOf = <T = RolloutStatusView>(o: FleetResource | undefined) =>
  ((o as { status?: T } | undefined)?.status ?? {}) as T;

export function rolloutFixtures(client: KubeClient, namespace: string) {
  const get = async (kind: string, name: string) =>
    (await listAll(client, kind, namespace)).find((o) => o.metadata?.name === name);
  return {
    get,
    /**
     * A release of an edge image named after the version, or of `services` when given. A bad
     * release carries a setting site clusters refuse (not a valid ConfigMap key): its apply fails there.
     */
    release: (
      name: string,
      version: string,
      options: { applyFails?: boolean; services?: SiteReleaseSpec['services'] } = {},
    ) =>
      serverSideApply(
        client,
        {
          apiVersion: GROUP_VERSION,
          kind: 'SiteRelease',
          metadata: { name, namespace },
          spec: {
            version,
            services: options.services ?? [
              {
                name: 'streaming-edge',
                image: `smart/edge:${version}`,
                settings: options.applyFails ? { 'not a key!': 'x' } : { MAX_STREAMS: '2000' },
              },
            ],
          },
        } as never,
        { fieldManager: 'test' },
      ),
    rollout: (name: string, spec: Record<string, unknown>) =>
      serverSideApply(
        client,
        {
          apiVersion: GROUP_VERSION,
          kind: 'Rollout',
          metadata: { name, namespace },
          spec: {
            selector: {
              tenants: ['education-network', 'national-telecom', 'metro-cable', 'apartment-operators'],
            },
            canarySites: 1,
            waves: [
              { name: 'half', percent: 50, maxUnavailable: 2 },
              { name: 'all', percent: 100, maxUnavailable: 3 },
            ],
            healthGate: { bakeSeconds: 1 },
            respectMaintenanceWindows: false,
            ...spec,
          },
        } as never,
        { fieldManager: 'test', force: true },
      ),
    /** Waits for the rollout's phase; a timeout says where the rollout stood instead. */
    untilPhase: async (name: string, phase: string, timeoutMs = 60000) => {
      let last: RolloutStatusView = {};
      try {
        return await waitFor(
          async () => {
            const r = await get('Rollout', name);
            last = statusOf(r);
            return last.phase === phase && r;
          },
          { what: `rollout ${name} ${phase}`, timeoutMs, intervalMs: 250 },
        );
      } catch (error) {
        throw new Error(`${(error as Error).message}; it stands at ${JSON.stringify(last)}`);
      }
    },
    /** Every site's assigned release, by site name. */
    assignments: async () =>
      new Map(
        (await listAll(client, 'ReleaseAssignment', namespace)).map((a) => [
          a.metadata?.name ?? '',
          (a as unknown as ReleaseAssignment).spec,
        ]),
      ),
    /** Every site's reported release, by site name. */
    deployed: async () =>
      new Map(
        (await listAll(client, 'Site', namespace)).map((s) => [
          s.metadata?.name ?? '',
          statusOf<{ deployedRelease?: string }>(s).deployedRelease,
        ]),
      ),
  };
}
