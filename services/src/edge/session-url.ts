/**
 * Signed session URLs: `/s/<session>/<expires>/<signature>/...`, the signature nginx's
 * secure_link_md5 checks (base64url of MD5 over "<expires><session> <secret>"). MD5 is what
 * nginx offers; it only makes forgery cost a request, the session itself is a random 128-bit id
 * the admission service must know.
 */
import { createHash, randomBytes } from 'node:crypto';

export const SESSION_ID_PATTERN = '[A-Za-z0-9_-]{22}';
export const SIGNATURE_PATTERN = '[A-Za-z0-9_-]{22}';
const SESSION_ID = new RegExp(`^${SESSION_ID_PATTERN}$`);

export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

export function isSessionId(value: string): boolean {
  return SESSION_ID.test(value);
}

export function sessionSignature(secret: string, session: string, expiresSeconds: number): string {
  return createHash('md5').update(`${expiresSeconds}${session} ${secret}`).digest('base64url');
}

/** The prefix every request of the session goes under (no trailing slash). */
export function sessionPrefix(secret: string, session: string, expiresSeconds: number): string {
  return `/s/${session}/${expiresSeconds}/${sessionSignature(secret, session, expiresSeconds)}`;
}
