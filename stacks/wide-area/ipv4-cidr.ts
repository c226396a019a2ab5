/** IPv4 CIDR arithmetic for the fabric's address plan: parse, split evenly, count addresses. Pure. */

export interface Ipv4Cidr {
  /** The network address as an unsigned 32-bit integer. */
  network: number;
  prefix: number;
}

const OCTET = /^(0|[1-9]\d{0,2})$/;

function parseAddress(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p) && Number(p) <= 255)) {
    return undefined;
  }
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

export function formatCidr(cidr: Ipv4Cidr): string {
  return `${formatAddress(cidr.network)}/${cidr.prefix}`;
}

/** Parses `a.b.c.d/p`; throws a message saying what is wrong (for the caller to put a key on). */
export function parseIpv4Cidr(text: string): Ipv4Cidr {
  const [address, prefixText, extra] = text.split('/');
  const network = parseAddress(address ?? '');
  const prefix = /^\d{1,2}$/.test(prefixText ?? '') ? Number(prefixText) : Number.NaN;
  if (network === undefined || extra !== undefined || !(prefix >= 0 && prefix <= 32)) {
    throw new Error(`"${text}" is not an IPv4 CIDR like 10.200.0.0/16`);
  }
  const size = 2 ** (32 - prefix);
  if (network % size !== 0) {
    const aligned = { network: network - (network % size), prefix };
    throw new Error(`"${text}" has host bits set; the network is ${formatCidr(aligned)}`);
  }
  return { network, prefix };
}

/** Addresses a host can use: all but the network and broadcast addresses. */
export function usableAddresses(cidr: Ipv4Cidr): number {
  return Math.max(0, 2 ** (32 - cidr.prefix) - 2);
}

/** The first `count` of the equal subnets `cidr` splits into (the smallest power of two >= count). */
export function splitCidr(cidr: Ipv4Cidr, count: number): Ipv4Cidr[] {
  const bits = Math.ceil(Math.log2(Math.max(1, count)));
  const prefix = cidr.prefix + bits;
  if (prefix > 32) {
    throw new Error(`${formatCidr(cidr)} is too small to split into ${count} subnets`);
  }
  const size = 2 ** (32 - prefix);
  return Array.from({ length: count }, (_, i) => ({ network: cidr.network + i * size, prefix }));
}
