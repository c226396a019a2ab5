/**
 * PromQL for telemetry, built only from names the model defines and label values checked
 * against the model's rules: a site or namespace is a Kubernetes name, a region one of the
 * model's codes. Nothing a caller sends is pasted into a query, so there is no PromQL
 * injection; values are still escaped as PromQL strings (and regex-quoted inside `=~`).
 */
import {
  NAME_PATTERN,
  REGION_CODES,
  REPLAY_LABEL,
  TELEMETRY_FIELDS,
  TELEMETRY_METRICS,
  type TelemetryField,
} from '@smart-fleet/model';
import { GraphQLError } from 'graphql';

const NAME = new RegExp(NAME_PATTERN);
const REGIONS: ReadonlySet<string> = new Set(REGION_CODES);

/** A label value the model does not allow: a typed BAD_USER_INPUT error, naming which label. */
export class TelemetryQueryRefused extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: 'BAD_USER_INPUT' } });
  }
}

/** A PromQL double-quoted string literal. */
export function promqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

const regexQuote = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function checkedName(what: string, value: string): string {
  if (value.length > 63 || !NAME.test(value)) {
    throw new TelemetryQueryRefused(`${what} must be a Kubernetes name`);
  }
  return value;
}

export function checkedRegion(value: string): string {
  if (!REGIONS.has(value)) {
    throw new TelemetryQueryRefused(
      `region must be one of the region codes (${REGION_CODES.slice(0, 3).join(', ')}, ...)`,
    );
  }
  return value;
}

/** `namespace="ns",site=~"a|b"` for sites of one namespace (at most a page of names). */
export function sitesMatcher(namespace: string, names: readonly string[]): string {
  const sites = names.map((n) => regexQuote(checkedName('site', n))).join('|');
  return `namespace=${promqlString(checkedName('namespace', namespace))},site=~${promqlString(sites)}`;
}

/** Every telemetry metric at once: `__name__` over the model's metric names. */
export const ANY_TELEMETRY_METRIC = `__name__=~${promqlString(TELEMETRY_FIELDS.map((f) => TELEMETRY_METRICS[f]).join('|'))}`;

/** Live (scraped) series only: the replay label is absent. */
export const LIVE_ONLY = `${REPLAY_LABEL}=""`;

/** The field a telemetry metric name stands for. */
export const FIELD_OF_METRIC: ReadonlyMap<string, TelemetryField> = new Map(
  TELEMETRY_FIELDS.map((f) => [TELEMETRY_METRICS[f], f]),
);
