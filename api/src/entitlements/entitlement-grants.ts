/**
 * What the API checks before it signs a playback entitlement, and the signing: the caller's
 * arguments bounded, the title and site looked up as the caller may see them (a partner sees
 * only its own tenant's, and another tenant's answers exactly like one that does not exist),
 * the site still in service, the title packaged, its key ids taken from what the packager
 * recorded. The token itself is returned to the caller and nowhere else: never logged.
 */
import { randomUUID } from 'node:crypto';
import type { ContentTitle, Site } from '@smart-fleet/model';
import {
  EntitlementGrantError,
  type EntitlementSigner,
  issueEntitlement,
  MAX_ENTITLEMENT_TTL_SECONDS,
} from '@smart-fleet/services';
import type { Principal } from '../auth/principal.ts';
import type { FleetView } from '../view/fleet-view.ts';
import { Conflict, type FieldIssue, InvalidInput, NotConfigured, NotFound } from '../writes/write-errors.ts';

/** How the API signs entitlements; without it, issuing is refused as not configured. */
export interface EntitlementSettings {
  signer: EntitlementSigner;
  /** The `iss` claim; the license service's default when absent. */
  issuer?: string;
  /** The `aud` claim; the license service's default when absent. */
  audience?: string;
}

/** A subscriber id as carriers and storefronts spell them: account numbers, emails, URNs. */
export const SUBSCRIBER_PATTERN = /^[A-Za-z0-9._@:-]{1,128}$/;
/** Shorter than this and a player's clock skew or a slow license round trip outlives it. */
export const MIN_ENTITLEMENT_TTL_SECONDS = 30;
/** The verifiers refuse a token that lives longer (services' MAX_ENTITLEMENT_TTL_SECONDS). */
export const MAX_ISSUED_TTL_SECONDS = MAX_ENTITLEMENT_TTL_SECONDS;
export const DEFAULT_ENTITLEMENT_TTL_SECONDS = 300;

export interface EntitlementRequest {
  namespace: string;
  title: string;
  site: string;
  subscriber: string;
  ttlSeconds?: number | null;
}

export interface IssuedEntitlement {
  token: string;
  /** The token's jti. */
  tokenId: string;
  expiresAt: Date;
  namespace: string;
  tenant: string;
  title: string;
  site: string;
  subscriber: string;
  keyIds: string[];
}

/** What is wrong with the arguments themselves, each naming its argument. */
export function requestIssues(request: EntitlementRequest): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!SUBSCRIBER_PATTERN.test(request.subscriber)) {
    issues.push({
      field: 'subscriber',
      message: 'must be 1 to 128 characters of letters, digits and . _ @ : -',
    });
  }
  const ttl = request.ttlSeconds;
  if (
    ttl !== null &&
    ttl !== undefined &&
    (ttl < MIN_ENTITLEMENT_TTL_SECONDS || ttl > MAX_ISSUED_TTL_SECONDS)
  ) {
    issues.push({
      field: 'ttlSeconds',
      message: `must be ${MIN_ENTITLEMENT_TTL_SECONDS} to ${MAX_ISSUED_TTL_SECONDS} seconds, not ${ttl}`,
    });
  }
  return issues;
}

/** Staff see every tenant's objects; a partner only its own. */
const owns = (principal: Principal, tenant: string) =>
  principal.kind === 'staff' || principal.tenant === tenant;

/** The title and site the entitlement is for, as this caller may see them, both fit to be played. */
export function entitledObjects(
  view: Pick<FleetView, 'get'>,
  principal: Principal,
  request: EntitlementRequest,
): { title: ContentTitle; site: Site; keyIds: string[] } {
  const { namespace } = request;
  const title = view.get<ContentTitle>('ContentTitle', namespace, request.title);
  if (!title || !owns(principal, title.spec.owner)) {
    throw new NotFound('ContentTitle', `${namespace}/${request.title}`);
  }
  const site = view.get<Site>('Site', namespace, request.site);
  if (!site || !owns(principal, site.spec.tenant)) {
    throw new NotFound('Site', `${namespace}/${request.site}`);
  }
  // Draining sites still serve the streams they have, and those renew their entitlements.
  if (site.spec.lifecycle === 'Decommissioned') {
    throw new Conflict(`site ${request.site} is decommissioned; it plays nothing`);
  }
  const packaging = title.status?.packaging;
  if (!packaging) {
    throw new Conflict(`title ${request.title} is not packaged yet`);
  }
  if (packaging.keyIds.length === 0) {
    throw new Conflict(`title ${request.title} is packaged without content keys: it needs no entitlement`);
  }
  return { title, site, keyIds: [...packaging.keyIds] };
}

/** Checks the request and signs it; every refusal is a typed error that names what is wrong. */
export async function grantEntitlement(
  settings: EntitlementSettings | undefined,
  view: Pick<FleetView, 'get'>,
  principal: Principal,
  request: EntitlementRequest,
): Promise<IssuedEntitlement> {
  if (!settings) {
    throw new NotConfigured('entitlements', 'entitlements are not configured on this API');
  }
  const issues = requestIssues(request);
  if (issues.length > 0) {
    throw new InvalidInput(issues);
  }
  const { title, keyIds } = entitledObjects(view, principal, request);
  const ttlSeconds = request.ttlSeconds ?? DEFAULT_ENTITLEMENT_TTL_SECONDS;
  const now = new Date();
  const tokenId = randomUUID();
  const grant = {
    issuer: settings.issuer,
    audience: settings.audience,
    subscriber: request.subscriber,
    tenant: title.spec.owner,
    title: request.title,
    site: request.site,
    kids: keyIds,
    ttlSeconds,
    now,
    jti: tokenId,
  };
  let token: string;
  try {
    token = await issueEntitlement(settings.signer, grant);
  } catch (error) {
    if (error instanceof EntitlementGrantError) {
      throw new Conflict(`title ${request.title} cannot be entitled: ${error.message}`); // e.g. too many keys
    }
    throw error;
  }
  const issuedAt = Math.floor(now.getTime() / 1000);
  return {
    token,
    tokenId,
    expiresAt: new Date((issuedAt + ttlSeconds) * 1000),
    namespace: request.namespace,
    tenant: grant.tenant,
    title: request.title,
    site: request.site,
    subscriber: request.subscriber,
    keyIds,
  };
}
