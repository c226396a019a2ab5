/**
 * Durations as Prometheus writes them (`5s`, `14h`, `1h30m`, `15d`): one syntax for every
 * setting that Prometheus and the project's own processes must agree on (scrape interval,
 * retention, the replay window), so a value is copied between them unchanged.
 */
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};
const DURATION = /^(?:\d+(?:ms|s|m|h|d|w|y))+$/;
const PART = /(\d+)(ms|s|m|h|d|w|y)/g;

/** Milliseconds of a Prometheus duration; throws a RangeError naming `what` when it is not one. */
export function parseDuration(text: string, what = 'duration'): number {
  if (text.length > 32 || !DURATION.test(text)) {
    throw new RangeError(
      `${what} must be a duration like 5s, 14h or 1h30m, not ${JSON.stringify(text.slice(0, 32))}`,
    );
  }
  let ms = 0;
  for (const [, n, unit] of text.matchAll(PART)) {
    ms += Number(n) * (UNIT_MS[unit as string] ?? 0);
  }
  if (ms <= 0 || !Number.isSafeInteger(ms)) {
    throw new RangeError(`${what} must be above zero and below 285,000 years, not ${text}`);
  }
  return ms;
}

/** The shortest Prometheus duration for whole milliseconds (`50400000` -> `14h`). */
export function formatDuration(ms: number): string {
  let left = Math.round(ms);
  let out = '';
  for (const unit of ['y', 'w', 'd', 'h', 'm', 's', 'ms']) {
    const size = UNIT_MS[unit] as number;
    if (left >= size) {
      out += `${Math.floor(left / size)}${unit}`;
      left %= size;
    }
  }
  return out || '0s';
}
