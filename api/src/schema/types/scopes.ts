/**
 * Who may read what, in one place. Staff (operators and NOC) read everything; a partner reads
 * only its own tenant's sites (with `sites:read`), content (`content:read`) and its sites'
 * telemetry (`telemetry:read`: the latest sample, the series, and the summaries' streams,
 * egress and saturation), and never the staff-only fields listed below. The one thing a partner
 * may do rather than read is sign entitlements for its own titles at its own sites
 * (`entitlements:issue`).
 */
export const STAFF = { staff: true } as const;
export const OPERATOR = { operator: true } as const;
export const RESPONDER = { responder: true } as const;
/** Signing playback entitlements: operators, and partners whose key carries `entitlements:issue`. */
export const ENTITLEMENT_ISSUER = { operator: true, partnerScope: 'entitlements:issue' } as const;

/** For types reachable only through a site a partner may read. */
export const SITE_TREE = { staff: true, partnerScope: 'sites:read' } as const;
export const CONTENT_TREE = { staff: true, partnerScope: 'content:read' } as const;
export const TELEMETRY_TREE = { staff: true, partnerScope: 'telemetry:read' } as const;

/**
 * Model fields a partner never sees, even on its own objects: the wide-area topology, the
 * rollout machinery and the controllers' internal conditions.
 */
export const STAFF_ONLY_FIELDS = {
  'SiteSpec.parentCluster': STAFF,
  'SiteStatus.conditions': STAFF,
  'SiteStatus.observedGeneration': STAFF,
  'ContentTitleSpec.drmPolicy': STAFF,
  'ContentTitleStatus.conditions': STAFF,
  'ContentTitleStatus.observedGeneration': STAFF,
  'TenantStatus.conditions': STAFF,
  'TenantStatus.observedGeneration': STAFF,
} as const;
