/**
 * MPEG-7's mediaDurationType: ISO 8601's `PnDTnHnMnS` plus MPEG-7's fractions of a second
 * (`nN` of `nF` per second), e.g. `PT1H30M`, `P1DT2H`, `PT1M30S12N25F`. A ContentTitle counts
 * whole seconds, so a fraction rounds to the nearest second.
 */

const DURATION =
  /^P(?:(\d{1,5})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,8})M)?(?:(\d{1,10})S)?(?:(\d{1,10})N)?)?(?:(\d{1,10})F)?$/;

/** Whole seconds in a mediaDuration, or a sentence saying why it is not one. */
export function parseMediaDuration(text: string): number | string {
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) {
    return 'is not an MPEG-7 media duration such as PT1H30M or PT5M30S';
  }
  const [d = 0, h = 0, m = 0, s = 0, n = 0, f = 0] = match.slice(1).map((part) => Number(part ?? 0));
  if (n > 0 && f === 0) {
    return 'counts fractions of a second (N) without saying how many make a second (F)';
  }
  if (f > 0 && n >= f) {
    return `counts ${n} fractions of a second of ${f}: a fraction must be less than a second`;
  }
  return (d * 24 + h) * 3600 + m * 60 + s + (f > 0 ? Math.round(n / f) : 0);
}

/** Seconds as a mediaDuration: `PT1H30M`, `PT45S`, `PT0S`. */
export function formatMediaDuration(seconds: number): string {
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s || total === 0 ? `${s}S` : ''}`;
  return `PT${parts}`;
}
