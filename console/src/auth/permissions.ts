/**
 * What each role may do, as the API's docs state it (docs/api.md, "Who may do what"): the UI
 * hides what a role may not do; the API refuses it anyway.
 */
import type { Role } from './session.ts';

export const ACTIONS = {
  /** Drain a site (operators and NOC). */
  drainSite: ['operator', 'noc'],
  /** Acknowledge an alert (operators and NOC). */
  acknowledgeAlert: ['operator', 'noc'],
  /** Start, pause, resume and abort rollouts. */
  manageRollouts: ['operator'],
  createRelease: ['operator'],
  /** Create, reveal once and revoke partner API keys. */
  managePartnerKeys: ['operator'],
  /** Everything staff read: clusters, rollouts, releases, alerts, trends. */
  readStaffViews: ['operator', 'noc'],
  /** Per-site telemetry: staff, and partners whose key carries telemetry:read. */
  readTelemetry: ['operator', 'noc'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof ACTIONS;

export function can(role: Role | undefined, action: Action): boolean {
  return role !== undefined && (ACTIONS[action] as readonly Role[]).includes(role);
}
