import { type StackConfig, StackConfigError } from './config.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

export function isDnsLabel(value: string): boolean {
  return DNS_LABEL.test(value);
}

export function isDnsSubdomain(value: string): boolean {
  return DNS_SUBDOMAIN.test(value);
}

/** A namespace this stack owns, at `key` (default `fallback`): a DNS label. */
export function namespaceName(config: StackConfig, fallback: string, key = 'namespace'): string {
  const value = config.string(key, fallback);
  if (!isDnsLabel(value)) {
    throw new StackConfigError(key, `"${value}" is not a namespace name (a DNS label, like ${fallback})`);
  }
  return value;
}

export function dnsSubdomain(config: StackConfig, key: string, fallback?: string): string {
  const value = config.string(key, fallback);
  if (!isDnsSubdomain(value)) {
    throw new StackConfigError(key, `"${value}" is not a Kubernetes object name (lowercase DNS subdomain)`);
  }
  return value;
}

/** An http(s) URL without credentials in it. */
export function httpUrl(config: StackConfig, key: string): string {
  const value = config.string(key);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new StackConfigError(key, `"${value}" is not a URL like https://host:port`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new StackConfigError(key, `must be an http or https URL, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new StackConfigError(key, 'must not carry credentials; they belong in a secret');
  }
  return value.replace(/\/+$/, '');
}

const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;

/** Five cron fields of numbers, ranges, lists and steps (what a CronJob's schedule takes). */
export function cronSchedule(config: StackConfig, key: string, fallback: string): string {
  const value = config.string(key, fallback);
  const fields = value.trim().split(/\s+/);
  if (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f))) {
    throw new StackConfigError(key, `"${value}" is not a five-field cron schedule like "${fallback}"`);
  }
  return value;
}
