/**
 * A deterministic synthetic content library for tests and the placement benchmark: N
 * ContentTitles with MPEG-7-ish metadata, 1-3 renditions each, and demand shaped like real
 * viewing: Zipf-like national popularity (a few titles carry most views), spread over the
 * regions by population with some jitter, and some titles regional (most of their views in one
 * home region, as local news or a regional broadcaster's drama). A share of titles has no
 * demand figures at all, like a release nobody has watched yet. The same options always give
 * the same catalog.
 */
import {
  CODECS,
  type ContentTitle,
  type ContentTitleSpec,
  GROUP_VERSION,
  REGIONS,
  seededRandom,
} from '@smart-fleet/model';

export interface SyntheticCatalogOptions {
  titles: number;
  seed?: number;
  namespace?: string;
  /** Tenant that owns every title. */
  owner?: string;
  /** Zipf exponent of national popularity; about 0.8-1 for video on demand. */
  zipfExponent?: number;
  /** Views per day of the most popular title, nationally. */
  topViewsPerDay?: number;
  /** Share of titles whose demand sits mostly in one home region. */
  regionalShare?: number;
  /** Share of titles without demand figures. */
  noDemandShare?: number;
}

const BITRATE_LADDER = [2, 4, 6, 8, 10, 15, 20] as const;
const GENRES = [
  'drama',
  'documentary',
  'news',
  'sports',
  'education',
  'animation',
  'comedy',
  'music',
  'film',
  'variety',
];
const LANGUAGES = ['ko', 'ko', 'ko', 'ko', 'ko', 'ko', 'ko', 'en', 'en', 'ja'];
const WORDS = ['Blue', 'River', 'Winter', 'Harbour', 'Mountain', 'Letters', 'Night', 'Garden', 'Road', 'Sea'];
const PEOPLE = ['Kim Ji-woo', 'Lee Min-jun', 'Park Seo-yeon', 'Choi Ha-eun', 'Jung Do-hyun', 'Kang Yu-na'];
/** Home region that holds a regional title's views, the rest spread nationally. */
const HOME_SHARE = 0.8;

function pick<T>(items: readonly T[], r: () => number): T {
  return items[Math.floor(r() * items.length)] as T;
}

const POPULATION = REGIONS.reduce((s, region) => s + region.populationMillions, 0);

function populationWeighted(r: () => number): (typeof REGIONS)[number] {
  let x = r() * POPULATION;
  for (const region of REGIONS) {
    x -= region.populationMillions;
    if (x < 0) {
      return region;
    }
  }
  return REGIONS[REGIONS.length - 1] as (typeof REGIONS)[number];
}

/** Episodes (20-60 min), films (80-150 min) and shorts (5-20 min). */
function durationSeconds(r: () => number): number {
  const x = r();
  const [lo, hi] = x < 0.4 ? [20, 60] : x < 0.85 ? [80, 150] : [5, 20];
  return Math.round((lo + (hi - lo) * r()) * 60);
}

function renditions(duration: number, r: () => number): ContentTitleSpec['renditions'] {
  const count = 1 + Math.floor(r() * 3);
  const bitrates = new Set<number>();
  while (bitrates.size < count) {
    bitrates.add(pick(BITRATE_LADDER, r));
  }
  return [...bitrates]
    .sort((a, b) => a - b)
    .map((bitrateMbps) => {
      const codec = pick(CODECS, r);
      return {
        name: `${codec.toLowerCase().replace(/[^a-z0-9]/g, '')}-${bitrateMbps}m`,
        codec,
        bitrateMbps,
        // Mbps x seconds / 8 bits per byte = MB.
        sizeMB: Math.max(1, Math.round((bitrateMbps * duration) / 8)),
      };
    });
}

function demand(
  viewsPerDay: number,
  home: (typeof REGIONS)[number] | undefined,
  r: () => number,
): NonNullable<ContentTitleSpec['demand']> {
  const spread = home ? viewsPerDay * (1 - HOME_SHARE) : viewsPerDay;
  return REGIONS.map((region) => {
    const jitter = 0.5 + r();
    const own = region.code === home?.code ? viewsPerDay * HOME_SHARE : 0;
    const weight = own + (spread * region.populationMillions * jitter) / POPULATION;
    return { region: region.code, weight: Math.round(weight * 100) / 100 };
  }).filter((d) => d.weight > 0);
}

/** A random order of popularity ranks, so name order says nothing about popularity. */
function shuffledRanks(n: number, r: () => number): number[] {
  const ranks = Array.from({ length: n }, (_, i) => i + 1);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [ranks[i], ranks[j]] = [ranks[j] as number, ranks[i] as number];
  }
  return ranks;
}

export function syntheticCatalog(options: SyntheticCatalogOptions): ContentTitle[] {
  const r = seededRandom(options.seed ?? 1983);
  const exponent = options.zipfExponent ?? 0.9;
  const top = options.topViewsPerDay ?? 200_000;
  const regionalShare = options.regionalShare ?? 0.25;
  const noDemandShare = options.noDemandShare ?? 0.05;
  const ranks = shuffledRanks(options.titles, r);
  return ranks.map((rank, i) => {
    const duration = durationSeconds(r);
    const spec: ContentTitleSpec = {
      owner: options.owner ?? 'public-broadcaster',
      mpeg7: {
        title: `${pick(WORDS, r)} ${pick(WORDS, r)} ${i + 1}`,
        genre: [pick(GENRES, r), ...(r() < 0.3 ? [pick(GENRES, r)] : [])].filter(
          (g, k, all) => all.indexOf(g) === k,
        ),
        creators: [
          { name: pick(PEOPLE, r), role: 'Director' },
          ...(r() < 0.5 ? [{ name: pick(PEOPLE, r), role: 'Writer' }] : []),
        ],
        language: pick(LANGUAGES, r),
        durationSeconds: duration,
      },
      renditions: renditions(duration, r),
    };
    const regional = r() < regionalShare;
    const home = populationWeighted(r);
    if (r() >= noDemandShare) {
      spec.demand = demand(top / rank ** exponent, regional ? home : undefined, r);
    }
    return {
      apiVersion: GROUP_VERSION,
      kind: 'ContentTitle',
      metadata: {
        name: `title-${String(i + 1).padStart(5, '0')}`,
        ...(options.namespace ? { namespace: options.namespace } : {}),
      },
      spec,
    };
  });
}
