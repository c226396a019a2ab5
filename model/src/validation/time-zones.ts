/**
 * Whether `Intl` knows a time zone, so a maintenance window's `timeZone` is refused where it is
 * written (loader, webhook, API) rather than thrown inside a reconcile that formats a date in it.
 *
 * `Intl.supportedValuesOf('timeZone')` lists the canonical IANA names only: it leaves out
 * `UTC` and the aliases (`Asia/Calcutta`, `US/Pacific`) that `Intl.DateTimeFormat` accepts. The
 * constructor is the ground truth, so a name outside the list is probed once and the answer kept.
 */

/** Names probed beyond the canonical list; hostile input must not grow the cache without end. */
const MAX_PROBED = 512;

let canonical: ReadonlySet<string> | undefined;
const probed = new Map<string, boolean>();

function probe(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export function isKnownTimeZone(timeZone: string): boolean {
  canonical ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (canonical.has(timeZone)) {
    return true;
  }
  const known = probed.get(timeZone);
  if (known !== undefined) {
    return known;
  }
  const answer = probe(timeZone);
  if (probed.size < MAX_PROBED) {
    probed.set(timeZone, answer);
  }
  return answer;
}
