import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type WideAreaClusterSpec, wideAreaClusterKind } from '../kinds/wide-area-cluster.ts';
import { wideAreaClusterRules } from './cluster-rules.ts';
import { assertProblems, type ExpectedProblem } from './expect-problems.ts';
import { validateSpec } from './validate.ts';

type ClusterMod = (spec: WideAreaClusterSpec) => void;

/** A valid cluster serving Seoul with one node group per role and two partitions. */
function cluster(...mods: ClusterMod[]): WideAreaClusterSpec {
  const spec: WideAreaClusterSpec = {
    regions: ['seoul', 'incheon'],
    nodeGroups: [
      { role: 'content-generation', count: 2, nodeType: 'encoder' },
      { role: 'distribution', count: 4, nodeType: 'streamer' },
      { role: 'storage-management', count: 2, nodeType: 'storage' },
    ],
    fabric: {
      portSpeedGbps: 10,
      partitions: [
        { name: 'content', pkey: '0x0001' },
        { name: 'storage', pkey: '0x0002' },
      ],
    },
    storageTB: 100,
    usersPerRegion: 10000,
  };
  for (const mod of mods) {
    mod(spec);
  }
  return spec;
}

const withoutRole =
  (role: string): ClusterMod =>
  (s) => {
    s.nodeGroups = s.nodeGroups.filter((g) => g.role !== role);
  };
const withGroup =
  (role: WideAreaClusterSpec['nodeGroups'][number]['role'], count = 1): ClusterMod =>
  (s) => {
    s.nodeGroups.push({ role, count });
  };
const withPartition =
  (name: string, pkey: string): ClusterMod =>
  (s) => {
    s.fabric.partitions.push({ name, pkey });
  };
const withPortSpeed =
  (portSpeedGbps: number): ClusterMod =>
  (s) => {
    s.fabric.portSpeedGbps = portSpeedGbps;
  };

interface Case {
  name: string;
  spec: WideAreaClusterSpec;
  want: ExpectedProblem[];
}

describe('validateSpec(wideAreaClusterKind)', () => {
  const cases: Case[] = [
    { name: 'a valid cluster', spec: cluster(), want: [] },
    { name: 'a fast fabric (400 Gbps NDR)', spec: cluster(withPortSpeed(400)), want: [] },
    {
      name: 'a missing role',
      spec: cluster(withoutRole('storage-management')),
      want: [{ path: 'spec.nodeGroups', message: 'missing node group for storage-management' }],
    },
    {
      name: 'two missing roles are named together',
      spec: cluster(withoutRole('storage-management'), withoutRole('content-generation')),
      want: [
        { path: 'spec.nodeGroups', message: 'missing node group for content-generation, storage-management' },
      ],
    },
    {
      name: 'a duplicate role (and so the role it displaced is missing)',
      spec: cluster(withoutRole('storage-management'), withGroup('distribution')),
      want: [
        { path: 'spec.nodeGroups', message: 'role distribution has more than one node group' },
        { path: 'spec.nodeGroups', message: 'missing node group for storage-management' },
      ],
    },
    {
      name: 'more node groups than roles is refused by the schema',
      spec: cluster(withGroup('distribution')),
      want: [{ path: 'spec.nodeGroups', message: /length to be less or equal to 3/ }],
    },
    {
      name: 'a duplicate partition key',
      spec: cluster(withPartition('management', '0x0001')),
      want: [{ path: 'spec.fabric.partitions', message: 'partition key 0x0001 is used twice' }],
    },
    {
      name: 'a duplicate partition name',
      spec: cluster(withPartition('content', '0x0003')),
      want: [{ path: 'spec.fabric.partitions', message: 'partition name content is used twice' }],
    },
    {
      name: 'a region listed twice',
      spec: cluster((s) => {
        s.regions.push('seoul');
      }),
      want: [{ path: 'spec.regions', message: 'region seoul is listed twice' }],
    },
    {
      name: 'an InfiniBand port speed of 5 Gbps is refused by the schema',
      spec: cluster(withPortSpeed(5)),
      want: [{ path: 'spec.fabric.portSpeedGbps', message: /greater or equal to 10/ }],
    },
    {
      name: 'a pkey over 15 bits is refused by the schema',
      spec: cluster(withPartition('mgmt', '0x8001')),
      want: [{ path: 'spec.fabric.partitions[2].pkey', message: /to match/ }],
    },
    {
      name: 'an unknown region is refused by the schema',
      spec: cluster((s) => {
        (s.regions as string[]).push('mars');
      }),
      want: [{ path: 'spec.regions[2]', message: '"mars" is not one of seoul' }],
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      assertProblems(validateSpec(wideAreaClusterKind, c.spec), c.want);
    });
  }

  it('wideAreaClusterRules finds nothing wrong in a valid cluster', () => {
    assert.deepEqual(wideAreaClusterRules(cluster()), []);
  });

  it('reports each duplicated role once per extra group', () => {
    const spec = cluster(withGroup('distribution'), withGroup('distribution'));
    const duplicates = wideAreaClusterRules(spec).filter((p) =>
      p.message.includes('more than one node group'),
    );
    assert.equal(duplicates.length, 2);
  });
});
