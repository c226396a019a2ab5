/**
 * The plugin's view of its devices between scans, and the one place that says when it changed:
 * ListAndWatch streams and the status read it, and each scan's result is folded in here.
 *
 * A device that disappears (its node gone, or no longer a device) stays listed as Unhealthy
 * rather than dropped. The kubelet then keeps it in the node's capacity but not in what it may
 * allocate, so the node shows a card that is failing (capacity 4, allocatable 3), which is what
 * the NOC needs to see; dropping it would look like a box that never had the card. The memory
 * lasts for the process only, and is bounded: past `maxDevices`, the longest-gone are forgotten.
 */
import { compareIds, type FoundDevice, MAX_DEVICES } from './device-discovery.ts';
import { type DeviceHealth, HEALTHY, UNHEALTHY } from './device-plugin-proto.ts';
import type { HealthVerdict } from './health-probe.ts';

export interface PluginDevice {
  id: string;
  path: string;
  health: DeviceHealth;
  reason?: string;
}

export interface HealthChange {
  id: string;
  /** Undefined for a device seen for the first time. */
  from?: DeviceHealth;
  to: DeviceHealth;
  reason?: string;
}

export const GONE_REASON = 'the device node is gone';

type Listener = (devices: readonly PluginDevice[]) => void;

export class DeviceRegistry {
  #devices = new Map<string, PluginDevice>();
  /** Ids of devices that went away, oldest first. */
  #gone: string[] = [];
  #snapshot: readonly PluginDevice[] = [];
  readonly #listeners = new Set<Listener>();
  readonly #maxDevices: number;

  constructor(maxDevices = MAX_DEVICES) {
    this.#maxDevices = maxDevices;
  }

  /** The devices, sorted by id, as of the last scan. */
  devices(): readonly PluginDevice[] {
    return this.#snapshot;
  }

  get(id: string): PluginDevice | undefined {
    return this.#devices.get(id);
  }

  healthyCount(): number {
    return this.#snapshot.filter((d) => d.health === HEALTHY).length;
  }

  /** Calls `listener` with the new list on every change; returns the unsubscribe. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Folds in one scan: `found` is every device present, `verdicts` their probes (a device
   * without a verdict is healthy). Returns what changed health, and tells the listeners once.
   */
  update(found: readonly FoundDevice[], verdicts: ReadonlyMap<string, HealthVerdict>): HealthChange[] {
    const next = new Map<string, PluginDevice>(found.map((d) => [d.id, present(d, verdicts.get(d.id))]));
    const gone = this.#carryGone(next);
    const changes = healthChanges(this.#devices, next);
    const listChanged = changes.length > 0 || next.size !== this.#devices.size;
    this.#devices = next;
    this.#gone = gone;
    // Rebuilt every time so a new reason shows in the status; the kubelet hears only of changes.
    this.#snapshot = [...next.values()].sort((a, b) => compareIds(a.id, b.id));
    if (listChanged) {
      for (const listener of this.#listeners) {
        listener(this.#snapshot);
      }
    }
    return changes;
  }

  /** Adds to `next` the devices known before and missing now, as Unhealthy; returns the gone ids. */
  #carryGone(next: Map<string, PluginDevice>): string[] {
    const gone = this.#gone.filter((id) => !next.has(id));
    for (const old of this.#devices.values()) {
      if (next.has(old.id)) {
        continue;
      }
      next.set(old.id, { id: old.id, path: old.path, health: UNHEALTHY, reason: GONE_REASON });
      if (!gone.includes(old.id)) {
        gone.push(old.id);
      }
    }
    while (next.size > this.#maxDevices && gone.length > 0) {
      next.delete(gone.shift() as string);
    }
    return gone;
  }
}

function present(device: FoundDevice, verdict: HealthVerdict = { healthy: true }): PluginDevice {
  if (verdict.healthy) {
    return { ...device, health: HEALTHY };
  }
  return { ...device, health: UNHEALTHY, ...(verdict.reason ? { reason: verdict.reason } : {}) };
}

function healthChanges(before: ReadonlyMap<string, PluginDevice>, after: ReadonlyMap<string, PluginDevice>) {
  const changes: HealthChange[] = [];
  for (const device of after.values()) {
    const was = before.get(device.id);
    if (was?.health !== device.health || was.path !== device.path) {
      changes.push({
        id: device.id,
        ...(was ? { from: was.health } : {}),
        to: device.health,
        ...(device.reason ? { reason: device.reason } : {}),
      });
    }
  }
  return changes;
}
