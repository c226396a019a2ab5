/**
 * Which address a request comes from, for limits applied before anyone is authenticated. The
 * connection's peer, unless that peer is a proxy the operator named as trusted: then the
 * X-Forwarded-For hop that proxy saw (the right-most entry not itself a trusted proxy). Never
 * trusted by default: any client can write the header, so believing it unasked would let a key
 * guesser pick a fresh address per request. IPv6 clients are keyed by their /64, which one host
 * or home usually holds whole; IPv4-mapped IPv6 peers (`::ffff:10.0.0.1`) count as IPv4.
 */
import { BlockList, isIP } from 'node:net';

/** Hops read from the right of X-Forwarded-For; a chain of proxies is never this long. */
const MAX_FORWARDED_HOPS = 16;
const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** An address or CIDR range as [address, prefix length, family]; undefined when it is neither. */
function subnetOf(entry: string): [string, number, 'ipv4' | 'ipv6'] | undefined {
  const [address = '', bits, ...rest] = entry.trim().split('/');
  const family = isIP(address);
  const maxPrefix = family === 6 ? 128 : 32;
  const prefix = bits === undefined ? maxPrefix : Number(bits);
  const valid =
    family !== 0 && rest.length === 0 && Number.isInteger(prefix) && prefix >= 0 && prefix <= maxPrefix;
  return valid ? [address, prefix, family === 6 ? 'ipv6' : 'ipv4'] : undefined;
}

/** `10.0.0.0/8`, `2001:db8::/32`, or one address. */
export function trustedProxies(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const subnet = subnetOf(entry);
    if (!subnet) {
      throw new TypeError(
        `trusted proxy "${entry}" is not an address or CIDR range (like 10.0.0.0/8 or 2001:db8::/32)`,
      );
    }
    list.addSubnet(...subnet);
  }
  return list;
}

function normalized(address: string): string {
  return MAPPED_IPV4.exec(address)?.[1] ?? address;
}

function isTrusted(address: string, trusted: BlockList): boolean {
  const family = isIP(address);
  return family !== 0 && trusted.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** The client's address; `unknown` for a request with no connection (an in-process call). */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | null,
  trusted: BlockList | undefined,
): string {
  let candidate = peer ? normalized(peer) : 'unknown';
  if (!trusted || !forwardedFor || !isTrusted(candidate, trusted)) {
    return candidate;
  }
  const hops = forwardedFor.split(',').slice(-MAX_FORWARDED_HOPS).reverse();
  for (const hop of hops) {
    const address = normalized(hop.trim());
    if (isIP(address) === 0) {
      return candidate; // the trusted proxy passed on garbage: it is the last hop we can vouch for
    }
    candidate = address;
    if (!isTrusted(address, trusted)) {
      return address;
    }
  }
  return candidate;
}

/** The key a client's limits are kept under: the address, or an IPv6 address's /64. */
export function addressKey(address: string): string {
  if (isIP(address) !== 6) {
    return address;
  }
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
