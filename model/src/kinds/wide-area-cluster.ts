/**
 * WideAreaCluster: a data-centre cluster that stores the bulk content library and distributes
 * it to the local servers of the regions it serves. Nodes are split by role; the system
 * interconnect is InfiniBand at 10 Gbps per port or more.
 */
import { type Resource, StatusOf } from '../common.ts';
import { AGE_COLUMN, defineKind } from '../kind.ts';
import { REGION_CODES } from '../regions.ts';
import { type Static, Strict, StringEnum, Type } from '../schema.ts';

export const NODE_ROLES = ['content-generation', 'distribution', 'storage-management'] as const;
export const CLUSTER_PHASES = ['Pending', 'Ready', 'Degraded', 'Offline'] as const;
/** The paper's goal: HDTV real-time service to 10,000 users per wide-area region. */
export const USERS_PER_REGION = 10000;

export const NodeGroup = Strict({
  role: StringEnum(NODE_ROLES),
  count: Type.Integer({ minimum: 1, maximum: 1000 }),
  nodeType: Type.Optional(Type.String({ maxLength: 63, description: 'Hardware type of the nodes.' })),
});

export const InfiniBandPartition = Strict({
  name: Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }),
  pkey: Type.String({ pattern: '^0x[0-7][0-9a-f]{3}$', description: 'Partition key, 15 bits, hex.' }),
});

export const InfiniBandFabric = Strict({
  portSpeedGbps: Type.Integer({ minimum: 10, maximum: 800, description: 'Per-port speed, >= 10 Gbps.' }),
  partitions: Type.Array(InfiniBandPartition, { minItems: 1, maxItems: 32 }),
});

export const WideAreaClusterSpec = Strict({
  regions: Type.Array(StringEnum(REGION_CODES), {
    minItems: 1,
    maxItems: 17,
    description: 'Regions it serves.',
  }),
  nodeGroups: Type.Array(NodeGroup, { minItems: 1, maxItems: 3, description: 'One group per role.' }),
  fabric: InfiniBandFabric,
  storageTB: Type.Integer({ minimum: 1, maximum: 1000000, description: 'Content library capacity.' }),
  usersPerRegion: Type.Integer({ minimum: 1, maximum: 1000000, default: USERS_PER_REGION }),
});
export type WideAreaClusterSpec = Static<typeof WideAreaClusterSpec>;

export const WideAreaClusterStatus = StatusOf({
  phase: Type.Optional(StringEnum(CLUSTER_PHASES)),
  sites: Type.Optional(Type.Integer({ minimum: 0, description: 'Sites whose parent this is.' })),
});
export type WideAreaClusterStatus = Static<typeof WideAreaClusterStatus>;

export type WideAreaCluster = Resource<'WideAreaCluster', WideAreaClusterSpec, WideAreaClusterStatus>;

export const wideAreaClusterKind = defineKind({
  kind: 'WideAreaCluster',
  plural: 'wideareaclusters',
  singular: 'wideareacluster',
  shortNames: ['wac'],
  scope: 'Namespaced',
  description:
    'A data-centre cluster that stores and distributes content to the local servers of its regions.',
  spec: WideAreaClusterSpec,
  status: WideAreaClusterStatus,
  printerColumns: [
    { name: 'Regions', type: 'string', jsonPath: '.spec.regions' },
    { name: 'IB-Gbps', type: 'integer', jsonPath: '.spec.fabric.portSpeedGbps' },
    { name: 'Storage-TB', type: 'integer', jsonPath: '.spec.storageTB' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Sites', type: 'integer', jsonPath: '.status.sites' },
    AGE_COLUMN,
  ],
});
