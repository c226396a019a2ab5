/**
 * Applies a parsed inventory to a hub with server-side apply, idempotently: objects whose spec
 * and labels already match are not sent at all, so a second apply of the same inventory changes
 * nothing (no write, no new resourceVersion). Before anything is written it checks the hub's
 * CRDs match this code and dry-runs one object of each kind, so a hub that would refuse the
 * inventory refuses it before any object lands.
 */

import {
  apiErrorMessage,
  apiStatusCode,
  type FleetResource,
  forEachLimited,
  type KubeClient,
  listAll,
  serverSideApply,
  waitFor,
} from '@smart-fleet/kube';
import type { FleetObject, ParsedInventory } from '@smart-fleet/model';
import { canonicalJson, INVENTORY_MANAGER } from '@smart-fleet/model';
import { staleCrds } from './crds.ts';
import type { ProgressCounts } from './progress.ts';

export interface ApplyOptions {
  concurrency?: number;
  dryRun?: boolean;
  onProgress?: (counts: ProgressCounts) => void;
}

export interface ApplySummary {
  created: number;
  updated: number;
  unchanged: number;
  failed: { object: string; message: string }[];
  seconds: number;
}

function upToDate(desired: FleetObject, live: FleetResource): boolean {
  const labels = live.metadata?.labels ?? {};
  const labelsMatch = Object.entries(desired.metadata.labels).every(([k, v]) => labels[k] === v);
  return labelsMatch && canonicalJson(desired.spec) === canonicalJson(live.spec);
}

async function ensureNamespace(client: KubeClient, name: string, dryRun: boolean): Promise<void> {
  try {
    await client.core.readNamespace({ name });
  } catch (error) {
    if (apiStatusCode(error) !== 404) {
      throw error;
    }
    if (!dryRun) {
      await client.core.createNamespace({
        body: { metadata: { name, labels: { 'app.kubernetes.io/part-of': 'smart-fleet' } } },
      });
    }
  }
}

const describe = (o: FleetObject) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
const retryable = (error: unknown) => [409, 429, 500, 502, 503, 504].includes(apiStatusCode(error) ?? 0);

async function applyWithRetry(client: KubeClient, object: FleetObject, dryRun: boolean): Promise<void> {
  let lastError: unknown;
  await waitFor(
    async () => {
      try {
        await serverSideApply(client, object as never, {
          fieldManager: INVENTORY_MANAGER,
          dryRun,
          force: true,
        });
        return true;
      } catch (error) {
        lastError = error;
        if (!retryable(error)) {
          throw Object.assign(new Error(apiErrorMessage(error)), { final: true });
        }
        return false;
      }
    },
    { what: `apply of ${describe(object)}`, timeoutMs: 30000 },
  ).catch((error: Error & { final?: boolean }) => {
    throw new Error(error.final ? error.message : `${error.message}: ${apiErrorMessage(lastError)}`);
  });
}

interface Plan {
  changes: { object: FleetObject; create: boolean }[];
  unchanged: number;
}

async function plan(client: KubeClient, inventory: ParsedInventory): Promise<Plan> {
  const kinds = [...new Set(inventory.objects.map((o) => o.kind))];
  const live = new Map<string, FleetResource>();
  for (const kind of kinds) {
    for (const item of await listAll(client, kind, inventory.namespace)) {
      live.set(`${kind}/${item.metadata?.name}`, item);
    }
  }
  const changes: Plan['changes'] = [];
  let unchanged = 0;
  for (const object of inventory.objects) {
    const existing = live.get(`${object.kind}/${object.metadata.name}`);
    if (existing && upToDate(object, existing)) {
      unchanged++;
    } else {
      changes.push({ object, create: !existing });
    }
  }
  return { changes, unchanged };
}

/** One server-side dry run per kind: the hub's own admission and schema checks, before any write. */
async function preflight(client: KubeClient, changes: Plan['changes']): Promise<void> {
  const firstOfKind = new Map<string, FleetObject>();
  for (const { object } of changes) {
    if (!firstOfKind.has(object.kind)) {
      firstOfKind.set(object.kind, object);
    }
  }
  for (const object of firstOfKind.values()) {
    try {
      await serverSideApply(client, object as never, {
        fieldManager: INVENTORY_MANAGER,
        dryRun: true,
        force: true,
      });
    } catch (error) {
      throw new Error(
        `the hub refuses ${describe(object)} (dry run; nothing was applied): ${apiErrorMessage(error)}`,
      );
    }
  }
}

export async function applyInventory(
  client: KubeClient,
  inventory: ParsedInventory,
  options: ApplyOptions = {},
): Promise<ApplySummary> {
  const started = Date.now();
  const stale = await staleCrds(client);
  if (stale.length > 0) {
    throw new Error(
      `the hub's fleet CRDs do not match this version: ${stale.join(', ')}; install them with \`npm run fleet -- install-crds\` (nothing was applied)`,
    );
  }
  await ensureNamespace(client, inventory.namespace, options.dryRun ?? false);
  const { changes, unchanged } = await plan(client, inventory);
  await preflight(client, changes);
  const summary: ApplySummary = { created: 0, updated: 0, unchanged, failed: [], seconds: 0 };
  const total = changes.length;
  let done = 0;
  const report = () => ({
    done,
    total,
    detail: `created ${summary.created}, updated ${summary.updated}, unchanged ${unchanged}, failed ${summary.failed.length}`,
  });
  // Owners before what refers to them: each kind finishes before the next starts.
  for (const kind of [...new Set(changes.map((c) => c.object.kind))]) {
    const batch = changes.filter((c) => c.object.kind === kind);
    await forEachLimited(batch, options.concurrency ?? 32, async ({ object, create }) => {
      try {
        await applyWithRetry(client, object, options.dryRun ?? false);
        summary[create ? 'created' : 'updated']++;
      } catch (error) {
        summary.failed.push({ object: describe(object), message: apiErrorMessage(error) });
      }
      done++;
      options.onProgress?.(report());
    });
  }
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

export function formatSummary(s: ApplySummary, dryRun = false): string {
  const verb = dryRun ? 'would be' : '';
  return `${s.created} ${verb} created, ${s.updated} ${verb} updated, ${s.unchanged} unchanged, ${s.failed.length} failed (${s.seconds.toFixed(1)} s)`.replace(
    /\s+/g,
    ' ',
  );
}
