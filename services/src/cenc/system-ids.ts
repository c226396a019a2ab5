/**
 * The DRM system ids our CENC output names. One place, because the init segment's pssh boxes, the
 * MPD's ContentProtection elements and the tests must agree on them.
 */

/** W3C "common" PSSH format (EME cenc init data): KIDs only. Browsers' ClearKey CDMs read this one. */
export const COMMON_SYSTEM_ID = '1077efec-c0b2-4d02-ace3-3c1e52e2fb4b';
/** DASH-IF's ClearKey system id, for the MPD's ClearKey ContentProtection. */
export const CLEARKEY_DASH_SYSTEM_ID = 'e2719d58-a985-b3c9-781a-b030af78d30e';
/** The mp4protection scheme: "this AdaptationSet is CENC-protected"; carries cenc:default_KID. */
export const MP4_PROTECTION_SCHEME = 'urn:mpeg:dash:mp4protection:2011';
export const CENC_NAMESPACE = 'urn:mpeg:cenc:2013';
export const CLEARKEY_NAMESPACE = 'http://dashif.org/guidelines/clearKey';
/** The protection scheme we write: AES-128-CTR, subsample encryption for video (ISO/IEC 23001-7). */
export const CENC_SCHEME = 'cenc';
