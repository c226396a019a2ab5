/**
 * Who may read what, in one place. Staff (operators and NOC) read everything; a partner reads
 * only its own tenant's sites (with `sites:read`), content (`content:read`) and per-site
 * telemetry (`telemetry:read`), and only the fields listed as partner-visible below.
 */
export const STAFF = { staff: true } as const;
export const OPERATOR = { operator: true } as const;
export const RESPONDER = { responder: true } as const;

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
