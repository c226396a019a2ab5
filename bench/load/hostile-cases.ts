/**
 * The hostile requests bench:hostile-queries sends, each with the answer it must get and the
 * bounds it must stay inside. Written apart from the runner so a unit test can check that each
 * case is as hostile as its name says (so long as the limits move, the cases do not shrink).
 */

export interface HostileCase {
  name: string;
  /** The POST body, JSON. */
  body: string;
  expect: { status: number; code?: string };
  /**
   * Its answers' median time and the slowest (the first pays for validating and compiling a new
   * document, and the machine is shared), and the API process's peak RSS growth while it runs.
   */
  bounds: { medianMs: number; maxMs: number; rssGrowthMB: number };
}

const TOO_COMPLEX = { status: 400, code: 'QUERY_TOO_COMPLEX' };
/** Loose enough for a busy two-core machine; a stack overflow or a parse of a megabyte is far over. */
const REFUSED_FAST = { medianMs: 100, maxMs: 1000, rssGrowthMB: 48 };

export const DEEP = 4000;
export const ALIASES = 5000;
/** Inside the token limit (3 tokens each), so the breadth limit is what refuses them. */
export const ALIASES_WITHIN_TOKENS = 1600;
export const TOKEN_TEXT_CHARACTERS = 990_000;
export const FRAGMENT_CHAIN = 600;
export const WIDE_VALUES = 200_000;
export const DEEP_VARIABLES = 20_000;
export const COST_BOMB_PAGES = 10;

const aliases = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ');

const json = (query: string, variables?: Record<string, unknown>) => JSON.stringify({ query, variables });

function fragmentChain(n: number): string {
  const fragments = Array.from({ length: n }, (_, i) =>
    i === n - 1 ? `fragment F${i} on Query { __typename }` : `fragment F${i} on Query { ...F${i + 1} }`,
  );
  return `query Chain { ...F0 }\n${fragments.join('\n')}`;
}

const SITE_FILTER_QUERY = 'query Filtered($f: SiteFilter) { sites(filter: $f) { totalCount } }';
const EXPENSIVE_PAGE =
  'sites(first: 500) { edges { node { name telemetrySeries { at egressMbps } alerts { id } tenant { name } } } }';

export function hostileCases(): HostileCase[] {
  return [
    {
      name: `${DEEP}-deep selection`,
      body: json(`{ ${'sites { '.repeat(DEEP)}__typename${' }'.repeat(DEEP)} }`),
      expect: TOO_COMPLEX,
      bounds: REFUSED_FAST,
    },
    {
      name: `${ALIASES} __typename aliases`,
      body: json(`{ ${aliases(ALIASES)} }`),
      expect: TOO_COMPLEX,
      bounds: REFUSED_FAST,
    },
    {
      name: `${ALIASES_WITHIN_TOKENS} aliases (within tokens)`,
      body: json(`{ ${aliases(ALIASES_WITHIN_TOKENS)} }`),
      expect: TOO_COMPLEX,
      bounds: REFUSED_FAST,
    },
    {
      name: '1 MB of tokens',
      body: json(`{ ${'__typename '.repeat(Math.floor((TOKEN_TEXT_CHARACTERS - 4) / 11))}}`),
      expect: TOO_COMPLEX,
      bounds: REFUSED_FAST,
    },
    {
      name: `${FRAGMENT_CHAIN} chained fragments`,
      body: json(fragmentChain(FRAGMENT_CHAIN)),
      expect: { status: 200 },
      bounds: { medianMs: 200, maxMs: 1500, rssGrowthMB: 64 },
    },
    {
      name: 'fragment cycle',
      body: json('query Cycle { ...A } fragment A on Query { ...B } fragment B on Query { ...A }'),
      expect: { status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
      bounds: REFUSED_FAST,
    },
    {
      name: `variables: ${WIDE_VALUES} values`,
      body: json(SITE_FILTER_QUERY, { f: { tenants: Array.from({ length: WIDE_VALUES }, () => 't') } }),
      expect: TOO_COMPLEX,
      bounds: REFUSED_FAST,
    },
    {
      name: `variables: ${DEEP_VARIABLES} deep`,
      // Written as text: JSON.stringify recurses, and would overflow first.
      body: `{"query":${JSON.stringify(SITE_FILTER_QUERY)},"variables":{"f":{"tenants":${'['.repeat(DEEP_VARIABLES)}${']'.repeat(DEEP_VARIABLES)}}}}`,
      expect: TOO_COMPLEX,
      bounds: REFUSED_FAST,
    },
    {
      name: `cost bomb: ${COST_BOMB_PAGES} x 500-row pages`,
      body: json(
        `{ ${Array.from({ length: COST_BOMB_PAGES }, (_, i) => `p${i}: ${EXPENSIVE_PAGE}`).join(' ')} }`,
      ),
      expect: TOO_COMPLEX,
      bounds: REFUSED_FAST,
    },
  ];
}
