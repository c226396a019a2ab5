/**
 * Where the project's servers listen and how a caller on the same machine reaches them, in one
 * place: loopback unless told otherwise (in a pod, every address, for probes and Services); a
 * server listening on every address is reached on loopback; an IPv6 literal goes in brackets.
 */
export const LOOPBACK = '127.0.0.1';
const EVERY_ADDRESS = new Set(['0.0.0.0', '::']);

export function listensEverywhere(host: string): boolean {
  return EVERY_ADDRESS.has(host);
}

/** `host` as it goes in a URL (an IPv6 literal bracketed). */
export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The URL host a caller on this machine uses for a server listening on `host`. */
export function localUrlHost(host: string): string {
  return urlHost(listensEverywhere(host) ? LOOPBACK : host);
}
