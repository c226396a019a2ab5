/**
 * A deterministic national fleet, after the paper's arithmetic: ~13 M broadband households, 70%
 * in apartments, one local server per ~1,000 households gives ~9,000 apartment sites; ~12,000
 * schools bring the total to ~21,000. Sites are spread over the 17 regions by population and
 * fed by six wide-area clusters. The same options always give the same inventory.
 */
import { hardwareEgressLimitMbps, hardwareSubscriberLimit } from '../capacity.ts';
import { seededRandom } from '../determinism.ts';
import { type HardwareProfileName, hardwareProfile } from '../hardware-profiles.ts';
import { KOREA_BOUNDS, REGIONS, type Region } from '../regions.ts';
import {
  INVENTORY_API_VERSION,
  INVENTORY_KIND,
  type InventoryDocument,
  type InventoryEntry,
} from './document.ts';

export interface FleetGeneratorOptions {
  apartments?: number;
  schools?: number;
  seed?: number;
  namespace?: string;
}

export const NATIONAL_FLEET = { apartments: 9000, schools: 12000 } as const;

/** Six data-centre clusters, each serving neighbouring regions. */
const CLUSTERS: readonly { name: string; regions: Region[]; storageTB: number }[] = [
  { name: 'wac-capital', regions: ['seoul', 'incheon', 'gyeonggi'], storageTB: 2400 },
  { name: 'wac-chungcheong', regions: ['daejeon', 'sejong', 'chungbuk', 'chungnam'], storageTB: 800 },
  { name: 'wac-honam', regions: ['gwangju', 'jeonbuk', 'jeonnam', 'jeju'], storageTB: 800 },
  { name: 'wac-dongnam', regions: ['busan', 'ulsan', 'gyeongnam'], storageTB: 1000 },
  { name: 'wac-daegyeong', regions: ['daegu', 'gyeongbuk'], storageTB: 700 },
  { name: 'wac-gangwon', regions: ['gangwon'], storageTB: 300 },
];

const TENANTS: readonly InventoryEntry[] = [
  {
    name: 'national-telecom',
    displayName: 'National Telecom',
    kind: 'carrier',
    contactEmail: 'noc@national-telecom.example',
  },
  {
    name: 'metro-cable',
    displayName: 'Metro Cable',
    kind: 'carrier',
    contactEmail: 'ops@metro-cable.example',
  },
  {
    name: 'apartment-operators',
    displayName: 'Apartment Operators Association',
    kind: 'site-operator',
    contactEmail: 'it@apartment-operators.example',
  },
  {
    name: 'education-network',
    displayName: 'National Education Network',
    kind: 'site-operator',
    contactEmail: 'helpdesk@education-network.example',
  },
  {
    name: 'public-broadcaster',
    displayName: 'Public Broadcaster',
    kind: 'content-provider',
    contactEmail: 'rights@public-broadcaster.example',
  },
];
const APARTMENT_TENANTS = ['national-telecom', 'metro-cable', 'apartment-operators'] as const;
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;

/** Splits `total` over regions by population, largest remainders first, so counts sum exactly. */
export function apportionByPopulation(total: number): Map<Region, number> {
  const population = REGIONS.reduce((s, r) => s + r.populationMillions, 0);
  const shares = REGIONS.map((r) => {
    const exact = (total * r.populationMillions) / population;
    return { code: r.code as Region, count: Math.floor(exact), remainder: exact - Math.floor(exact) };
  });
  let left = total - shares.reduce((s, r) => s + r.count, 0);
  for (const share of [...shares].sort((a, b) => b.remainder - a.remainder)) {
    if (left-- <= 0) {
      break;
    }
    share.count++;
  }
  return new Map(shares.map((s) => [s.code, s.count]));
}

function clusterFor(region: Region): string {
  const cluster = CLUSTERS.find((c) => c.regions.includes(region));
  if (!cluster) {
    throw new Error(`no wide-area cluster serves ${region}`);
  }
  return cluster.name;
}

function clusterEntry(c: (typeof CLUSTERS)[number]): InventoryEntry {
  const scale = Math.max(1, Math.round(c.storageTB / 100));
  return {
    name: c.name,
    regions: c.regions,
    nodeGroups: [
      { role: 'content-generation', count: 2 * scale, nodeType: 'encoder' },
      { role: 'distribution', count: 4 * scale, nodeType: 'streamer' },
      { role: 'storage-management', count: 2 * scale, nodeType: 'storage' },
    ],
    fabric: {
      portSpeedGbps: 10,
      partitions: [
        { name: 'content', pkey: '0x0001' },
        { name: 'storage', pkey: '0x0002' },
      ],
    },
    storageTB: c.storageTB,
  };
}

interface SiteShape {
  prefix: string;
  kind: 'apartment-complex' | 'school';
  place: string;
  profile: (r: () => number) => HardwareProfileName;
  subscriberShare: [number, number];
  tenant: (r: () => number) => string;
}

const APARTMENT: SiteShape = {
  prefix: 'apt',
  kind: 'apartment-complex',
  place: 'apartment complex',
  profile: (r) => (r() < 0.9 ? 'smp-full' : 'cluster-full'),
  subscriberShare: [0.3, 1],
  tenant: (r) => APARTMENT_TENANTS[Math.floor(r() * APARTMENT_TENANTS.length)] as string,
};

const SCHOOL: SiteShape = {
  prefix: 'sch',
  kind: 'school',
  place: 'school',
  profile: (r) => (r() < 0.6 ? 'entry' : 'smp-half'),
  subscriberShare: [0.4, 1],
  tenant: () => 'education-network',
};

function channel(r: () => number): string | undefined {
  const x = r();
  return x < 0.02 ? 'canary' : x < 0.1 ? 'beta' : undefined;
}

function siteEntry(shape: SiteShape, region: (typeof REGIONS)[number], index: number, r: () => number) {
  const hardware = hardwareProfile(shape.profile(r));
  if (!hardware) {
    throw new Error('generator names an unknown hardware profile');
  }
  const budget = hardwareEgressLimitMbps(hardware);
  const [lo, hi] = shape.subscriberShare;
  const subscriberCap = Math.max(1, Math.floor(hardwareSubscriberLimit(hardware) * (lo + (hi - lo) * r())));
  const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));
  const entry: InventoryEntry = {
    name: `${shape.prefix}-${region.code}-${String(index).padStart(5, '0')}`,
    kind: shape.kind,
    location: {
      region: region.code,
      address: `${region.name} ${shape.place} ${index}`,
      latitude: Number(
        clamp(region.centre.lat + (r() - 0.5) * 0.3, KOREA_BOUNDS.minLat, KOREA_BOUNDS.maxLat).toFixed(5),
      ),
      longitude: Number(
        clamp(region.centre.lon + (r() - 0.5) * 0.3, KOREA_BOUNDS.minLon, KOREA_BOUNDS.maxLon).toFixed(5),
      ),
    },
    subscriberCap,
    hardware: hardware.profile,
    streaming: {
      egressBudgetMbps: budget,
      // Half the budget for HDTV at 20 Mbps, 40% for TV at 4 Mbps, 10% headroom.
      streamPlan: [
        { bitrateMbps: 20, streams: Math.floor((budget * 0.5) / 20) },
        { bitrateMbps: 4, streams: Math.floor((budget * 0.4) / 4) },
      ],
    },
    parentCluster: clusterFor(region.code),
    tenant: shape.tenant(r),
    maintenanceWindow: { days: [WEEKDAYS[index % WEEKDAYS.length]], start: `0${2 + (index % 3)}:00` },
  };
  const ch = channel(r);
  if (ch) {
    entry.releaseChannel = ch;
  }
  return entry;
}

function sitesOf(shape: SiteShape, total: number, r: () => number): InventoryEntry[] {
  const counts = apportionByPopulation(total);
  return REGIONS.flatMap((region) =>
    Array.from({ length: counts.get(region.code) ?? 0 }, (_, i) => siteEntry(shape, region, i + 1, r)),
  );
}

export function generateFleet(options: FleetGeneratorOptions = {}): InventoryDocument {
  const apartments = options.apartments ?? NATIONAL_FLEET.apartments;
  const schools = options.schools ?? NATIONAL_FLEET.schools;
  const r = seededRandom(options.seed ?? 2005);
  return {
    apiVersion: INVENTORY_API_VERSION,
    kind: INVENTORY_KIND,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    defaults: {
      sites: {
        releaseChannel: 'stable',
        maintenanceWindow: { durationMinutes: 120, timeZone: 'Asia/Seoul' },
      },
    },
    tenants: TENANTS.map((t) => ({ ...t })),
    wideAreaClusters: CLUSTERS.map(clusterEntry),
    sites: [...sitesOf(APARTMENT, apartments, r), ...sitesOf(SCHOOL, schools, r)],
  };
}
