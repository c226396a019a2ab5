/**
 * The InfiniBand fabric's IP plan, pure: one IPoIB network per partition of the cluster's fabric
 * (the model's `spec.fabric.partitions`), each on the partition's child interface and with its
 * own slice of the configured address range. Linux names a partition's IPoIB child interface
 * after the parent and the partition key with the full-membership bit set (pkey 0x0001 on ib0
 * is `ib0.8001`); the default partition 0x7fff is the parent interface itself.
 */
import { formatCidr, parseIpv4Cidr, splitCidr, usableAddresses } from './ipv4-cidr.ts';

/** The ipoib CNI plugin's config version, and the IPAM that hands out addresses cluster-wide. */
export const CNI_VERSION = '0.3.1';
/** whereabouts, not host-local: host-local would give the same addresses out on every node. */
export const IPAM_TYPE = 'whereabouts';
const FULL_MEMBERSHIP = 0x8000;
const DEFAULT_PKEY = 0x7fff;
/** Linux interface names are at most 15 characters; a child adds ".8001". */
export const INTERFACE_NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,9}$/;

export interface FabricPartition {
  name: string;
  pkey: string;
}

export interface IpoibPlanInput {
  partitions: readonly FabricPartition[];
  /** The IPoIB parent interface on every node, e.g. ib0. */
  parentInterface: string;
  /** The range every partition's range is cut from, e.g. 10.200.0.0/16. */
  cidr: string;
  /** Every node may run attached pods: each partition's range must hold at least this many. */
  minAddresses: number;
}

export interface IpoibNetwork {
  /** The NetworkAttachmentDefinition's name, which pods name in their networks annotation. */
  name: string;
  partition: string;
  pkey: string;
  master: string;
  range: string;
  /** The CNI configuration, as the NetworkAttachmentDefinition's `spec.config` holds it. */
  cniConfig: string;
}

export function childInterface(parent: string, pkey: string): string {
  const key = Number.parseInt(pkey, 16);
  return key === DEFAULT_PKEY ? parent : `${parent}.${(key | FULL_MEMBERSHIP).toString(16)}`;
}

export function networkName(partition: string): string {
  return `ipoib-${partition}`;
}

/** Throws a message naming the problem (a bad interface, a bad or too small range). */
export function planIpoibNetworks(input: IpoibPlanInput): IpoibNetwork[] {
  if (!INTERFACE_NAME.test(input.parentInterface)) {
    throw new Error(
      `"${input.parentInterface}" is not an interface name of at most 10 characters like ib0 (its partition children add ".8001")`,
    );
  }
  const whole = parseIpv4Cidr(input.cidr);
  const ranges = splitCidr(whole, input.partitions.length);
  const each = usableAddresses(ranges[0] ?? whole);
  if (each < input.minAddresses) {
    throw new Error(
      `${input.cidr} split over ${input.partitions.length} partition(s) gives ${each} addresses each, fewer than the ${input.minAddresses} the cluster's nodes need; use a larger range`,
    );
  }
  return input.partitions.map((partition, i) => {
    const name = networkName(partition.name);
    const master = childInterface(input.parentInterface, partition.pkey);
    const range = formatCidr(ranges[i] as (typeof ranges)[number]);
    const cniConfig = JSON.stringify({
      cniVersion: CNI_VERSION,
      name,
      type: 'ipoib',
      master,
      ipam: { type: IPAM_TYPE, range },
    });
    return { name, partition: partition.name, pkey: partition.pkey, master, range, cniConfig };
  });
}
