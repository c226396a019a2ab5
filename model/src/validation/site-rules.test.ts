import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HARDWARE_PROFILES, type HardwareProfileName } from '../hardware-profiles.ts';
import { type SiteSpec, siteKind } from '../kinds/site.ts';
import { REGION_CODES } from '../regions.ts';
import { assertProblems, type ExpectedProblem } from './expect-problems.ts';
import type { FleetReferences } from './reference-rules.ts';
import { siteRules } from './site-rules.ts';
import { validateSpec } from './validate.ts';

/** A change to a site fixture; fixtures are plain JSON, so tests may also break the schema. */
type SiteMod = (spec: SiteSpec) => void;

/** A valid smp-full apartment-complex site in Seoul, changed by `mods` in order. */
function site(...mods: SiteMod[]): SiteSpec {
  const spec: SiteSpec = {
    kind: 'apartment-complex',
    location: {
      region: 'seoul',
      address: 'Seoul apartment complex 1',
      latitude: 37.5665,
      longitude: 126.978,
    },
    subscriberCap: 800,
    hardware: { ...HARDWARE_PROFILES['smp-full'] },
    streaming: { egressBudgetMbps: 4000, streamPlan: [{ bitrateMbps: 20, streams: 100 }] },
    parentCluster: 'wac-capital',
    releaseChannel: 'stable',
    maintenanceWindow: { days: ['mon'], start: '02:00', durationMinutes: 120, timeZone: 'Asia/Seoul' },
    tenant: 'national-telecom',
    lifecycle: 'Active',
  };
  for (const mod of mods) {
    mod(spec);
  }
  return spec;
}

const withStreams =
  (streams: number, bitrateMbps: number): SiteMod =>
  (s) => {
    s.streaming.streamPlan = [{ bitrateMbps, streams }];
  };
const withPlan =
  (...plan: [streams: number, bitrateMbps: number][]): SiteMod =>
  (s) => {
    s.streaming.streamPlan = plan.map(([streams, bitrateMbps]) => ({ bitrateMbps, streams }));
  };
/** Swaps in a profile's hardware; the budget and subscriber cap are left for the test to set. */
const withHardware =
  (profile: HardwareProfileName): SiteMod =>
  (s) => {
    s.hardware = { ...HARDWARE_PROFILES[profile] };
  };
const withBudget =
  (egressBudgetMbps: number): SiteMod =>
  (s) => {
    s.streaming.egressBudgetMbps = egressBudgetMbps;
  };
const withSubscribers =
  (subscriberCap: number): SiteMod =>
  (s) => {
    s.subscriberCap = subscriberCap;
  };
const withRegion =
  (region: string): SiteMod =>
  (s) => {
    s.location.region = region as SiteSpec['location']['region'];
  };
const withField =
  (key: string, value: unknown): SiteMod =>
  (s) => {
    (s as unknown as Record<string, unknown>)[key] = value;
  };
const withAccelerators =
  (accelerators: number): SiteMod =>
  (s) => {
    s.hardware.accelerators = accelerators;
  };
const withCluster =
  (parentCluster: string): SiteMod =>
  (s) => {
    s.parentCluster = parentCluster;
  };
const withTenant =
  (tenant: string): SiteMod =>
  (s) => {
    s.tenant = tenant;
  };
const withTimeZone =
  (timeZone: string): SiteMod =>
  (s) => {
    s.maintenanceWindow.timeZone = timeZone;
  };

/** An entry box sized to what it can do: 1 Gbps, 250 subscribers, no plan. */
const entryBox: SiteMod[] = [withHardware('entry'), withBudget(1000), withSubscribers(200), withPlan()];

interface Case {
  name: string;
  spec: SiteSpec;
  /** Expected problems: path and a fragment (string) or pattern of the message. */
  want: ExpectedProblem[];
}

describe('validateSpec(siteKind): schema and site rules', () => {
  const cases: Case[] = [
    { name: 'a valid smp-full site', spec: site(), want: [] },
    { name: '200 x 20 Mbps fills 4 Gbps exactly', spec: site(withStreams(200, 20)), want: [] },
    { name: '2,000 x 2 Mbps fills 4 Gbps exactly', spec: site(withStreams(2000, 2)), want: [] },
    { name: 'a plan over two bitrates within budget', spec: site(withPlan([100, 20], [500, 4])), want: [] },
    {
      name: 'no stream plan at all',
      spec: site(withField('streaming', { egressBudgetMbps: 4000 })),
      want: [],
    },
    { name: 'an entry box within its limits', spec: site(...entryBox), want: [] },
    {
      name: '201 x 20 Mbps is over the egress budget',
      spec: site(withStreams(201, 20)),
      want: [
        {
          path: 'spec.streaming.streamPlan',
          message: /201 x 20 Mbps needs 4020 Mbps.*egress budget of 4000/,
        },
      ],
    },
    {
      name: '2,001 x 2 Mbps is over the egress budget',
      spec: site(withStreams(2001, 2)),
      want: [{ path: 'spec.streaming.streamPlan', message: 'egress budget' }],
    },
    {
      name: '3,000 streams at 20 Mbps are refused',
      spec: site(withStreams(3000, 20)),
      want: [{ path: 'spec.streaming.streamPlan', message: /60000 Mbps.*egress budget/ }],
    },
    {
      name: 'a plan within a full server but over a smaller budget',
      spec: site(withBudget(1000), withSubscribers(400), withStreams(60, 20)),
      want: [{ path: 'spec.streaming.streamPlan', message: 'egress budget of 1000 Mbps' }],
    },
    {
      name: 'a negative subscriber cap',
      spec: site(withSubscribers(-5)),
      want: [{ path: 'spec.subscriberCap', message: /greater or equal to 1/ }],
    },
    {
      name: 'a subscriber cap over the 1,000 maximum',
      spec: site(withSubscribers(1001)),
      want: [{ path: 'spec.subscriberCap', message: /less or equal to 1000/ }],
    },
    {
      name: 'an unknown region',
      spec: site(withRegion('mars')),
      want: [{ path: 'spec.location.region', message: `"mars" is not one of ${REGION_CODES.join(', ')}` }],
    },
    {
      name: 'an egress budget of 4,000 Mbps on entry hardware',
      spec: site(...entryBox, withBudget(4000)),
      want: [{ path: 'spec.streaming.egressBudgetMbps', message: /1 CPU and 1 module.*\(1000 Mbps\)/ }],
    },
    {
      name: 'an egress budget of 4,000 Mbps on smp-half hardware',
      spec: site(withHardware('smp-half'), withSubscribers(400)),
      want: [{ path: 'spec.streaming.egressBudgetMbps', message: '(2000 Mbps)' }],
    },
    {
      // 600 is over the box (250) and needs 1,200 Mbps at TV quality, over its 1 Gbps budget.
      name: 'a subscriber cap of 600 on entry hardware',
      spec: site(...entryBox, withSubscribers(600)),
      want: [
        { path: 'spec.subscriberCap', message: /600 subscribers .*\(250\)/ },
        { path: 'spec.subscriberCap', message: /TV quality .* 1200 Mbps/ },
      ],
    },
    {
      name: 'subscribers the budget cannot carry at TV quality',
      spec: site(withBudget(1000), withPlan(), withSubscribers(501)),
      want: [{ path: 'spec.subscriberCap', message: 'need 1002 Mbps, over the egress budget of 1000 Mbps' }],
    },
    {
      name: 'more accelerators than modules',
      spec: site(withHardware('smp-half'), withBudget(2000), withSubscribers(400), withAccelerators(3)),
      want: [
        {
          path: 'spec.hardware.accelerators',
          message: '3 accelerators do not fit in 2 network/storage modules',
        },
      ],
    },
    {
      name: 'an unknown field (typo subscribersCap)',
      spec: site(withField('subscribersCap', 500)),
      want: [{ path: 'spec.subscribersCap', message: 'unknown field' }],
    },
    {
      name: 'an unknown nested field',
      spec: site((s) => {
        (s.location as unknown as Record<string, unknown>).zip = '04524';
      }),
      want: [{ path: 'spec.location.zip', message: 'unknown field' }],
    },
    {
      name: 'a bitrate listed twice in the plan',
      spec: site(withPlan([10, 2], [10, 4], [10, 2])),
      want: [{ path: 'spec.streaming.streamPlan[2].bitrateMbps', message: '2 Mbps is listed twice' }],
    },
    { name: 'a maintenance window in UTC', spec: site(withTimeZone('UTC')), want: [] },
    {
      name: 'a time-zone alias Intl accepts (Asia/Calcutta)',
      spec: site(withTimeZone('Asia/Calcutta')),
      want: [],
    },
    {
      name: 'a time zone Intl does not know',
      spec: site(withTimeZone('Mars/Olympus_Mons')),
      want: [
        {
          path: 'spec.maintenanceWindow.timeZone',
          message: 'unknown time zone "Mars/Olympus_Mons"; use an IANA name such as Asia/Seoul, or UTC',
        },
      ],
    },
    {
      name: 'a time zone that is not a zone at all (an offset letter)',
      spec: site(withTimeZone('Z')),
      want: [{ path: 'spec.maintenanceWindow.timeZone', message: 'unknown time zone "Z"' }],
    },
    {
      name: 'a bitrate under TV quality',
      spec: site(withStreams(10, 1)),
      want: [{ path: 'spec.streaming.streamPlan[0].bitrateMbps', message: /greater or equal to 2/ }],
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      assertProblems(validateSpec(siteKind, c.spec), c.want);
    });
  }

  it('reports schema problems alone, before the rules run', () => {
    // Over budget and a typo: the rules assume the schema's shape, so only the typo shows.
    const problems = validateSpec(siteKind, site(withStreams(3000, 20), withField('subscribersCap', 1)));
    assert.deepEqual(
      problems.map((p) => p.path),
      ['spec.subscribersCap'],
    );
  });

  it('does not change the spec it checks', () => {
    const spec = site(withStreams(201, 20));
    const before = structuredClone(spec);
    validateSpec(siteKind, spec);
    assert.deepEqual(spec, before);
  });

  it('siteRules agrees with validateSpec on a schema-valid spec', () => {
    const spec = site(withStreams(201, 20), withHardware('smp-half'), withAccelerators(4));
    assert.deepEqual(siteRules(spec), validateSpec(siteKind, spec));
  });
});

describe('validateSpec(siteKind, spec, refs): references', () => {
  const refs: FleetReferences = {
    clusters: new Map([
      ['wac-capital', { regions: ['seoul', 'incheon', 'gyeonggi'] }],
      ['wac-honam', { regions: ['gwangju', 'jeju'] }],
    ]),
    tenants: new Set(['national-telecom', 'metro-cable']),
  };

  const cases: Case[] = [
    { name: 'a cluster serving the region and a known tenant', spec: site(), want: [] },
    {
      name: 'a missing cluster',
      spec: site(withCluster('wac-nowhere')),
      want: [{ path: 'spec.parentCluster', message: 'wide-area cluster wac-nowhere does not exist' }],
    },
    {
      name: 'a cluster that does not serve the region',
      spec: site(withCluster('wac-honam')),
      want: [
        { path: 'spec.parentCluster', message: 'does not serve region seoul (it serves gwangju, jeju)' },
      ],
    },
    {
      name: 'an unknown tenant',
      spec: site(withTenant('nobody')),
      want: [{ path: 'spec.tenant', message: 'tenant nobody does not exist' }],
    },
    {
      name: 'rule and reference problems together',
      spec: site(withStreams(201, 20), withTenant('nobody')),
      want: [
        { path: 'spec.streaming.streamPlan', message: 'egress budget' },
        { path: 'spec.tenant', message: 'does not exist' },
      ],
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      assertProblems(validateSpec(siteKind, c.spec, refs), c.want);
    });
  }

  it('checks no references when none are given', () => {
    assert.deepEqual(validateSpec(siteKind, site(withCluster('wac-nowhere'), withTenant('nobody'))), []);
  });
});
