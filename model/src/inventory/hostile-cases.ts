/**
 * Hostile inventories, written once for the two places that try them: the limits test (each is
 * refused, at the right place, with a short message) and bench/hostile-inventory.ts (each is
 * refused within a time and memory bound). Each case says where its refusal must point; the
 * positions are found in the case's own text, so a change to the text cannot leave them stale.
 */
import { dump } from 'js-yaml';
import { generateFleet } from './generate.ts';
import { INVENTORY_LIMITS } from './limits.ts';

export interface HostileCase {
  name: string;
  text: string;
  /** Where the (first) refusal points and what it says. */
  want: { line: number; column: number; path: string; message: RegExp };
}

const HEADER = 'apiVersion: smartfleet.io/v1alpha1\nkind: Inventory\n';

/** 1-based line and column of the `nth` (0-based) occurrence of `needle` in `text`. */
export function positionOf(text: string, needle: string, nth = 0): { line: number; column: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) {
      throw new Error(`fixture has no occurrence ${nth} of ${JSON.stringify(needle)}`);
    }
  }
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  let line = 1;
  for (let nl = text.indexOf('\n'); nl >= 0 && nl < at; nl = text.indexOf('\n', nl + 1)) {
    line++;
  }
  return { line, column: at - lineStart + 1 };
}

/**
 * A "billion laughs": `levels` anchors, each a list of nine aliases of the one before, indented
 * by `indent`. Nine levels expand to 387 million nodes from about 500 bytes.
 */
export function laughs(levels: number, indent: string, prefix = 'a'): string {
  let text = `${indent}${prefix}0: &${prefix}0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n`;
  for (let i = 1; i < levels; i++) {
    const alias = `*${prefix}${i - 1}`;
    text += `${indent}${prefix}${i}: &${prefix}${i} [${Array(9).fill(alias).join(', ')}]\n`;
  }
  return text;
}

/** One valid site entry (with its tenant and cluster), as `sites:` text at two-space indent. */
export const SITE = `  - name: apt-seoul-00001
    kind: apartment-complex
    location: { region: seoul, address: Seoul apartment complex 1, latitude: 37.55, longitude: 126.98 }
    subscriberCap: 800
    hardware: smp-full
    streaming: { egressBudgetMbps: 4000 }
    parentCluster: wac-capital
    tenant: metro-cable
    maintenanceWindow: { days: [tue], start: '03:00', durationMinutes: 120 }
`;

const FILE_NODES = INVENTORY_LIMITS.fileNodes;
const ENTRY_NODES = INVENTORY_LIMITS.entryNodes;
const fileLimit = new RegExp(`more than ${FILE_NODES} nodes, the most one file may`);
const entryLimit = new RegExp(`this entry holds more than ${ENTRY_NODES} nodes, the most one entry may`);

/** The refusal at the `nth` `needle` (moved `shift` columns right), with its path and message. */
function at(
  text: string,
  needle: string,
  path: string,
  message: RegExp,
  nth = 0,
  shift = 0,
): HostileCase['want'] {
  const { line, column } = positionOf(text, needle, nth);
  return { line, column: column + shift, path, message };
}

function aliasBombs(): HostileCase[] {
  const top = `${HEADER}bombs:\n${laughs(9, '  ')}sites: []\n`;
  const inSpec = `${HEADER}sites:\n${SITE}    extra:\n${laughs(9, '      ')}`;
  const smallInSpec = `${HEADER}sites:\n${SITE}    extra:\n${laughs(5, '      ')}`;
  const inDefaults = `${HEADER}defaults:\n  sites:\n${laughs(5, '    ')}sites:\n${SITE}`;
  const inLabels = `${HEADER}sites:\n${SITE}    labels:\n${laughs(5, '      ')}`;
  const merge = `${HEADER}shared:\n${laughs(5, '  ')}sites:\n${SITE}    <<: *a4\n`;
  return [
    { name: 'a billion laughs at the top level', text: top, want: at(top, '&a7', 'bombs', fileLimit) },
    {
      name: 'a billion laughs inside an entry’s spec',
      text: inSpec,
      want: at(inSpec, '&a7', 'sites[0]', fileLimit),
    },
    {
      name: 'a smaller bomb inside an entry’s spec (over the entry limit only)',
      text: smallInSpec,
      want: at(smallInSpec, 'a4:', 'sites[0].extra.a4', entryLimit),
    },
    {
      name: 'a bomb inside defaults',
      text: inDefaults,
      want: at(inDefaults, 'a4:', 'defaults.sites.a4', /these defaults hold more than 10000 nodes/),
    },
    {
      name: 'a bomb inside labels',
      text: inLabels,
      want: at(inLabels, 'a4:', 'sites[0].labels.a4', entryLimit),
    },
    { name: 'a merge key `<<` naming a bomb', text: merge, want: at(merge, '<<', 'sites[0].<<', entryLimit) },
  ];
}

function echoedValues(): HostileCase[] {
  const apiVersion = `kind: Inventory\nx:\n${laughs(6, '  ')}apiVersion: *a5\n`;
  // 5 MB where only the file's limits apply; 500 KB inside an entry, within its 1 MiB of text.
  const long = 'x'.repeat(5_000_000);
  const kind = `apiVersion: smartfleet.io/v1alpha1\nkind: ${long}\n`;
  const alias = `${HEADER}sites:\n${SITE}    extra: *${long}\n`;
  const half = 'x'.repeat(500_000);
  const region = `${HEADER}sites:\n${SITE.replace('region: seoul', `region: ${half}`)}`;
  const field = `${HEADER}sites:\n${SITE}    ${half}: 1\n`;
  const name = `${HEADER}sites:\n${SITE.replace('apt-seoul-00001', half)}`;
  return [
    {
      name: 'an aliased list where a message quotes the value (apiVersion)',
      text: apiVersion,
      want: at(apiVersion, 'apiVersion', 'apiVersion', /^must be smartfleet\.io\/v1alpha1, not a list of 9$/),
    },
    {
      name: 'a 5 MB kind',
      text: kind,
      want: at(kind, 'xxx', 'kind', /not "x{64}"… \(5000000 characters\)$/),
    },
    {
      name: 'a 500 KB region',
      text: region,
      want: at(region, 'xxx', 'sites[0].location.region', /^"x{64}"… \(500000 characters\) is not one of/),
    },
    {
      name: 'a 500 KB field name',
      text: field,
      // The name is cut in the path, so the position is the entry's: the text holds no such key.
      want: at(field, 'name: apt', `sites[0].${'x'.repeat(43)}… (500000 characters)`, /^unknown field$/),
    },
    {
      name: 'a 5 MB alias name that names no anchor',
      text: alias,
      // js-yaml knows the alias is unknown once it has read its name: it points at the name's end.
      want: at(
        alias,
        `*${long}`,
        '(yaml)',
        /^unidentified alias "x+… \(\d+ characters\)$/,
        0,
        long.length + 1,
      ),
    },
    {
      name: 'a 500 KB entry name',
      text: name,
      want: at(name, 'xxx', 'sites[0].name', /^"x{64}"… \(500000 characters\) must be lower-case/),
    },
  ];
}

function shapes(): HostileCase[] {
  const cycle = `${HEADER}sites:\n  - &r\n    name: a\n    self: *r\n`;
  let deep = `${HEADER}d0: &d0 [[[[[[[[1]]]]]]]]\n`;
  for (let i = 1; i < 6; i++) {
    deep += `d${i}: &d${i} [[[[[[[*d${i - 1}]]]]]]]\n`;
  }
  const nested = `${HEADER}x: ${'['.repeat(40)}${']'.repeat(40)}\n`;
  const string = `s: &s ${'y'.repeat(2 * 1024 * 1024)}\n`;
  const keys = `${HEADER}${string}? [${Array(40).fill('*s').join(', ')}]\n: 1\n`;
  const entries = `${HEADER}sites:\n${'- {}\n'.repeat(INVENTORY_LIMITS.entries + 1)}`;
  const entryPast = INVENTORY_LIMITS.entries;
  return [
    {
      name: 'an alias inside the value it names (a cycle)',
      text: cycle,
      want: at(
        cycle,
        '*r',
        'sites[0]',
        /^this alias refers to a value that contains it; an inventory cannot be cyclic$/,
      ),
    },
    {
      name: 'aliases nesting deeper than the depth limit',
      text: deep,
      // d0 nests 9 deep and each later one 7 more: d4's fifth bracket is where it passes 32.
      want: at(deep, '[[[*d3', 'd4', /nests deeper than 32 levels/),
    },
    {
      name: 'text nested deeper than the depth limit',
      text: nested,
      // The document is depth 1 and x's first bracket 2: js-yaml refuses to open the 32nd.
      want: at(nested, '[', '(yaml)', /nesting exceeded maxDepth \(32\)/, 31),
    },
    {
      name: 'a list of aliased 2 MB strings used as a mapping key',
      text: keys,
      want: at(keys, '[*s', '(document)', /more than 67108864 characters of text, the most one file may/),
    },
    {
      name: 'one entry more than the entry limit',
      text: entries,
      want: at(entries, '{}', `sites[${entryPast}]`, /more than 250000 entries/, entryPast),
    },
  ];
}

/** Every small hostile case: each loads in well under a second when refused as it should be. */
export function hostileCases(): HostileCase[] {
  return [...aliasBombs(), ...echoedValues(), ...shapes()];
}

/**
 * A generated fleet of about `megabytes` of YAML with one bad site near the middle (a subscriber
 * cap of 5000), and where its problem must point.
 */
export function largeFleetWithOneBadSite(megabytes: number): {
  text: string;
  bad: string;
  want: HostileCase['want'];
} {
  // The generator writes about 515 bytes per site.
  const sites = Math.round((megabytes * 1e6) / 515);
  const apartments = Math.round(sites * 0.43);
  const doc = generateFleet({ apartments, schools: sites - apartments, seed: 11 });
  const list = doc.sites ?? [];
  const victim = list[Math.floor(list.length / 2)];
  if (!victim) {
    throw new Error('generated fleet has no sites');
  }
  victim.subscriberCap = 5000;
  const text = dump(doc, { lineWidth: -1, noRefs: true });
  const bad = String(victim.name);
  const index = list.indexOf(victim);
  const where = positionOf(text, 'subscriberCap: 5000\n');
  return {
    text,
    bad,
    want: {
      line: where.line,
      column: where.column + 'subscriberCap: '.length,
      path: `sites[${index}].subscriberCap`,
      message: /less or equal to 1000/,
    },
  };
}

/**
 * Defaults just within the per-entry limit under thousands of empty entries: each entry is small
 * and the file is small, but merged they would hold hundreds of millions of nodes. Refused at the
 * entry that takes the inventory past INVENTORY_LIMITS.totalNodes, after about that many nodes of
 * work (so it is a benchmark case: seconds, not milliseconds).
 */
export function defaultsUnderManyEntries(): HostileCase {
  const keys = Array.from({ length: 4999 }, (_, i) => `    k${i}: 0`).join('\n');
  const text = `${HEADER}defaults:\n  sites:\n${keys}\nsites:\n${'- {}\n'.repeat(20_000)}`;
  // The defaults hold 9,999 nodes and js-yaml's `{}` counts 2: 10,001 per entry merged.
  const index = Math.floor(INVENTORY_LIMITS.totalNodes / 10_001);
  return {
    name: 'small defaults under many entries',
    text,
    want: at(text, '{}', `sites[${index}]`, /entries hold more than 16000000 nodes/, index),
  };
}
