/**
 * The DRM key-encryption key as stack config: the hub's operators seal content keys under it and
 * a wide-area cluster's license service opens them, so both stacks refuse exactly what the
 * operators' own parser refuses.
 */
import { parseKek } from '@smart-fleet/operators';

export const KEK_CONFIG_KEY = 'drm.kek';

/** A problem with the configured KEK (never quoting it), or undefined. */
export function kekProblem(value: string): string | undefined {
  try {
    parseKek(value);
    return undefined;
  } catch (error) {
    return `${(error as Error).message}; make one with: openssl rand -base64 32 | pulumi config set --secret smart-fleet:${KEK_CONFIG_KEY}`;
  }
}
