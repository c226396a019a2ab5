/**
 * A refused license request, the same way wherever it is refused (license service or site
 * proxy): one log line with the reason and who/what it was about (tenant, title, site, key
 * ids; never the token, never key bytes), one increment of a counter by reason, and the typed
 * HTTP error the caller answers with.
 */
import { Counter, type Logger, type Registry } from '@smart-fleet/kube';
import { HttpError } from '../http/json-http.ts';
import { DENIAL_STATUS, type DenialReason, type EntitlementClaims } from './entitlement.ts';

export type LicenseRoute = 'clearkey' | 'hls';

/** What a denial is about; only names and public key ids, all bounded by the checks before. */
export interface DenialSubject {
  route: LicenseRoute;
  /** The site the request came through, when it named a valid one. */
  site?: string;
  kids: readonly string[];
  /** The token's claims, when its signature held. */
  claims?: EntitlementClaims;
}

export class Denials {
  readonly #log: Logger;
  readonly #counter: Counter<'reason'>;

  /** `metric` is the counter's name, e.g. smartfleet_license_denials_total. */
  constructor(options: { log: Logger; registry: Registry; metric: string; help: string }) {
    this.#log = options.log;
    this.#counter = new Counter({
      name: options.metric,
      help: options.help,
      labelNames: ['reason'],
      registers: [options.registry],
    });
  }

  /** Logs and counts the denial; returns the error to answer with. */
  deny(reason: DenialReason, message: string, subject: DenialSubject): HttpError {
    this.#counter.inc({ reason });
    const { claims } = subject;
    this.#log.info('license denied', {
      reason,
      route: subject.route,
      tenant: claims?.tenant,
      title: claims?.title,
      site: subject.site ?? claims?.site,
      kids: subject.kids.join(','),
    });
    return new HttpError(DENIAL_STATUS[reason], reason, message);
  }
}
