import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hardwareEgressLimitMbps } from './capacity.ts';
import { HARDWARE_PROFILES, type HardwareProfileName, type HardwareSpec } from './hardware-profiles.ts';
import {
  type Amount,
  DEFAULT_SERVICE_SIZE,
  releaseWorkload,
  resourceQuantities,
  SERVED_SITE_SERVICES,
  type SiteSizing,
  sizeSite,
} from './site-sizing.ts';

/** Each profile streaming the most its hardware allows (Table 1's full use). */
function fullUse(name: HardwareProfileName): SiteSizing {
  const hardware = HARDWARE_PROFILES[name];
  return sizeSite({ hardware, streaming: { egressBudgetMbps: hardwareEgressLimitMbps(hardware) } });
}

const total = (sizes: { amount: Amount; times: number }[]) =>
  sizes.reduce(
    (sum, { amount, times }) => ({
      cpuMillis: sum.cpuMillis + amount.cpuMillis * times,
      memoryMi: sum.memoryMi + amount.memoryMi * times,
    }),
    { cpuMillis: 0, memoryMi: 0 },
  );

/** The release services, every replica: what the quota must hold. */
function release(s: SiteSizing, of: 'requests' | 'limits'): Amount {
  return total(
    SERVED_SITE_SERVICES.map((name) => {
      const w = releaseWorkload(s, name);
      return { amount: w.size[of], times: w.replicas };
    }),
  );
}

interface Expected {
  allocatable: [cpu: number, memory: number];
  quota: [cpu: number, memory: number, accelerators: number];
  edge: [
    replicas: number,
    cpu: number,
    memory: number,
    accelerators: number,
    egressMbps: number,
    streams: number,
  ];
  cacheVolumeGB: number;
}

const expected: Record<HardwareProfileName, Expected> = {
  // 1 Xeon: 3,500m and 7 GiB once the system has its share; the agent and the device plugin
  // take 120m and 160Mi, the cache and the license proxy may burst to 800m: 2,580m for the edge.
  // 1 Gbps is 500 TV streams (256Mi + 1Mi each).
  entry: {
    allocatable: [3500, 7168],
    quota: [3380, 6816, 1],
    edge: [1, 2580, 756, 1, 1000, 500],
    cacheVolumeGB: 450,
  },
  'smp-half': {
    allocatable: [3500, 7168],
    quota: [3380, 6816, 2],
    edge: [1, 2580, 1256, 2, 2000, 1000],
    cacheVolumeGB: 900,
  },
  // Table 1's full server: 4 Gbps = 2,000 streams at 2 Mbps.
  'smp-full': {
    allocatable: [7500, 15360],
    quota: [7380, 15008, 4],
    edge: [1, 6580, 2256, 4, 4000, 2000],
    cacheVolumeGB: 1800,
  },
  // The same box as a cluster: one edge per module, each with a card and a quarter of the rest.
  'cluster-full': {
    allocatable: [7500, 15360],
    quota: [7380, 15008, 4],
    edge: [4, 1645, 756, 1, 1000, 500],
    cacheVolumeGB: 1800,
  },
};

describe('site sizing across the hardware profiles, at full use', () => {
  for (const [name, want] of Object.entries(expected) as [HardwareProfileName, Expected][]) {
    it(`${name}: shares out the box as the table says`, () => {
      const s = fullUse(name);
      assert.deepEqual([s.allocatable.cpuMillis, s.allocatable.memoryMi], want.allocatable);
      assert.deepEqual(
        [s.releaseQuota.cpuMillis, s.releaseQuota.memoryMi, s.releaseQuota.accelerators],
        want.quota,
      );
      const e = s.edge;
      assert.deepEqual(
        [e.replicas, e.requests.cpuMillis, e.requests.memoryMi, e.accelerators, e.egressMbps, e.maxStreams],
        want.edge,
      );
      assert.equal(s.cacheVolumeGB, want.cacheVolumeGB);
    });

    it(`${name}: a release fits the quota, the quota and the platform fit the box`, () => {
      const s = fullUse(name);
      const hardware: HardwareSpec = HARDWARE_PROFILES[name];
      for (const side of ['requests', 'limits'] as const) {
        const used = release(s, side);
        assert.ok(
          used.cpuMillis <= s.releaseQuota.cpuMillis,
          `${side}: ${used.cpuMillis}m of ${s.releaseQuota.cpuMillis}m`,
        );
        assert.ok(
          used.memoryMi <= s.releaseQuota.memoryMi,
          `${side}: ${used.memoryMi}Mi of ${s.releaseQuota.memoryMi}Mi`,
        );
      }
      // At full use the edge takes every millicore the others cannot burst into.
      assert.equal(release(s, 'limits').cpuMillis, s.releaseQuota.cpuMillis);
      const platform = total(
        [s.agent, ...(s.devicePlugin ? [s.devicePlugin] : [])].map((w) => ({ amount: w.requests, times: 1 })),
      );
      assert.deepEqual(
        total([
          { amount: platform, times: 1 },
          { amount: s.releaseQuota, times: 1 },
        ]),
        s.allocatable,
      );
      assert.equal(s.edge.replicas * s.edge.accelerators, hardware.accelerators, 'every card streams');
      assert.equal(s.releaseQuota.accelerators, hardware.accelerators);
      assert.equal(s.edge.replicas * s.edge.egressMbps, hardwareEgressLimitMbps(hardware));
      assert.deepEqual(s.edge.limits, s.edge.requests, 'the edge runs with Guaranteed QoS');
      for (const w of [s.agent, s.devicePlugin, s.cache, s.licenseProxy]) {
        assert.ok(w, 'every profile has accelerators, so a device plugin');
        assert.ok(w.limits.cpuMillis >= w.requests.cpuMillis && w.limits.memoryMi >= w.requests.memoryMi);
      }
    });
  }

  it('gives the edge CPU in proportion to the share of the egress the budget uses', () => {
    const hardware = HARDWARE_PROFILES['smp-full'];
    const half = sizeSite({ hardware, streaming: { egressBudgetMbps: 2000 } });
    assert.equal(half.edge.requests.cpuMillis, 6580 / 2);
    assert.equal(half.edge.requests.memoryMi, 256 + 1000);
    assert.equal(half.edge.maxStreams, 1000);
    assert.equal(half.releaseQuota.cpuMillis, 7380, 'the quota is the box, whatever the budget');
    const small = sizeSite({ hardware, streaming: { egressBudgetMbps: 100 } });
    assert.equal(small.edge.requests.cpuMillis, 500, 'never below the edge minimum');
  });

  it('runs no device plugin and requests no card on a box without accelerators', () => {
    const s = sizeSite({
      hardware: { cpus: 1, modules: 1, storageGB: 100, accelerators: 0, configuration: 'smp' },
      streaming: { egressBudgetMbps: 500 },
    });
    assert.equal(s.devicePlugin, undefined);
    assert.equal(s.edge.accelerators, 0);
    assert.equal(s.releaseQuota.accelerators, 0, 'a release can ask for no card either');
    assert.deepEqual(
      [s.releaseQuota.cpuMillis, s.releaseQuota.memoryMi],
      [3400, 6944],
      'less the agent only',
    );
    assert.equal(s.cacheVolumeGB, 90);
  });

  it('keeps a cluster box whose accelerators do not divide among its modules as one edge', () => {
    const s = sizeSite({
      hardware: { cpus: 2, modules: 4, storageGB: 2000, accelerators: 2, configuration: 'cluster' },
      streaming: { egressBudgetMbps: 4000 },
    });
    assert.equal(s.edge.replicas, 1);
    assert.equal(s.edge.accelerators, 2);
  });
});

describe('release workloads', () => {
  const s = fullUse('cluster-full');
  const cases: [string, { replicas: number; accelerators: number; size: unknown }][] = [
    ['streaming-edge', { replicas: 4, accelerators: 1, size: s.edge }],
    ['cache', { replicas: 1, accelerators: 0, size: s.cache }],
    ['license-proxy', { replicas: 1, accelerators: 0, size: s.licenseProxy }],
    ['site-agent', { replicas: 1, accelerators: 0, size: DEFAULT_SERVICE_SIZE }],
    ['subtitle-renderer', { replicas: 1, accelerators: 0, size: DEFAULT_SERVICE_SIZE }],
  ];
  for (const [service, want] of cases) {
    it(`sizes ${service}`, () => {
      assert.deepEqual(releaseWorkload(s, service), want);
    });
  }

  it('writes Kubernetes quantities', () => {
    assert.deepEqual(resourceQuantities(s.licenseProxy), {
      requests: { cpu: '150m', memory: '192Mi' },
      limits: { cpu: '300m', memory: '384Mi' },
    });
  });
});
