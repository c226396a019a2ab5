import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_NAMESPACE, LABELS } from '../common.ts';
import { HARDWARE_PROFILES } from '../hardware-profiles.ts';
import type { FleetReferences } from '../validation/reference-rules.ts';
import { type FleetObject, INVENTORY_MANAGER, type InventoryProblem } from './document.ts';
import { type InventoryInput, parseInventory } from './parse.ts';

const HEADER = `apiVersion: smartfleet.io/v1alpha1
kind: Inventory
`;

const DEFAULTS = `defaults:
  sites:
    kind: apartment-complex
    tenant: national-telecom
    parentCluster: wac-capital
    maintenanceWindow:
      days: [mon, wed]
      start: '02:00'
      durationMinutes: 120
`;

const TENANTS = `tenants:
  - name: national-telecom
    displayName: National Telecom
    kind: carrier
    contactEmail: noc@national-telecom.example
`;

const CLUSTERS = `wideAreaClusters:
  - name: wac-capital
    regions: [seoul, incheon]
    nodeGroups:
      - role: content-generation
        count: 2
      - role: distribution
        count: 4
      - role: storage-management
        count: 2
    fabric:
      portSpeedGbps: 10
      partitions:
        - name: content
          pkey: '0x0001'
    storageTB: 100
`;

const SITES = `sites:
  - name: apt-seoul-00001
    labels:
      building: tower-a
    location:
      region: seoul
      address: Seoul apartment complex 1
      latitude: 37.5665
      longitude: 126.978
    subscriberCap: 800
    hardware: smp-full
    streaming:
      egressBudgetMbps: 4000
      streamPlan:
        - bitrateMbps: 20
          streams: 100
  - name: apt-incheon-00001
    location:
      region: incheon
      address: Incheon apartment complex 1
      latitude: 37.4563
      longitude: 126.7052
    subscriberCap: 400
    hardware: smp-half
    streaming:
      egressBudgetMbps: 2000
    releaseChannel: beta
    maintenanceWindow:
      start: '03:00'
`;

/** The valid inventory: sites come first in the file, to show the output is in apply order anyway. */
const VALID = HEADER + DEFAULTS + SITES + TENANTS + CLUSTERS;

/** Replaces one line (which must occur exactly once) of `text`. */
function replaceLine(text: string, line: string, replacement: string): string {
  const lines = text.split('\n');
  const found = lines.filter((l) => l === line).length;
  assert.equal(found, 1, `fixture line ${JSON.stringify(line)} occurs ${found} times`);
  return lines.map((l) => (l === line ? replacement : l)).join('\n');
}

/** 1-based line and column of `needle` (which must occur exactly once) in `text`. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const at = text.indexOf(needle);
  assert.ok(at >= 0 && text.indexOf(needle, at + 1) < 0, `${JSON.stringify(needle)} must occur exactly once`);
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

function parseOne(text: string, file = 'fleet.yaml', existing?: FleetReferences) {
  const inputs: InventoryInput[] = [{ file, text }];
  return parseInventory(inputs, existing ? { existing } : {});
}

/** Asserts the parse failed with exactly one problem and returns it. */
function onlyProblem(result: ReturnType<typeof parseInventory>): InventoryProblem {
  assert.equal(result.inventory, undefined, 'a bad inventory must give no objects at all');
  assert.equal(result.problems.length, 1, `expected one problem, got ${JSON.stringify(result.problems)}`);
  return result.problems[0] as InventoryProblem;
}

function find(objects: readonly FleetObject[], kind: string, name: string): FleetObject {
  const object = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(
    object,
    `${kind} ${name} not in ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`,
  );
  return object;
}

describe('parseInventory: a valid inventory', () => {
  const result = parseOne(VALID);
  const objects = result.inventory?.objects ?? [];

  it('has no problems', () => {
    assert.deepEqual(result.problems, []);
    assert.ok(result.inventory);
  });

  it('gives the objects in apply order: Tenant, WideAreaCluster, Site', () => {
    assert.deepEqual(
      objects.map((o) => `${o.kind}/${o.metadata.name}`),
      [
        'Tenant/national-telecom',
        'WideAreaCluster/wac-capital',
        'Site/apt-seoul-00001',
        'Site/apt-incheon-00001',
      ],
    );
  });

  it('puts every object in the default namespace with the group version', () => {
    assert.equal(result.inventory?.namespace, DEFAULT_NAMESPACE);
    for (const o of objects) {
      assert.equal(o.apiVersion, 'smartfleet.io/v1alpha1');
      assert.equal(o.metadata.namespace, DEFAULT_NAMESPACE);
      assert.equal(o.metadata.labels[LABELS.managedBy], INVENTORY_MANAGER);
    }
  });

  it('labels sites from their spec and keeps the entry labels', () => {
    assert.deepEqual(find(objects, 'Site', 'apt-seoul-00001').metadata.labels, {
      building: 'tower-a',
      'smartfleet.io/region': 'seoul',
      'smartfleet.io/site-kind': 'apartment-complex',
      'smartfleet.io/tenant': 'national-telecom',
      'smartfleet.io/wide-area-cluster': 'wac-capital',
      'smartfleet.io/release-channel': 'stable',
      'app.kubernetes.io/managed-by': INVENTORY_MANAGER,
    });
    const incheon = find(objects, 'Site', 'apt-incheon-00001').metadata.labels;
    assert.equal(incheon[LABELS.region], 'incheon');
    assert.equal(incheon[LABELS.channel], 'beta');
    assert.equal(incheon.building, undefined);
  });

  it('expands the hardware shorthand to the profile', () => {
    assert.deepEqual(find(objects, 'Site', 'apt-seoul-00001').spec.hardware, HARDWARE_PROFILES['smp-full']);
    assert.deepEqual(find(objects, 'Site', 'apt-incheon-00001').spec.hardware, HARDWARE_PROFILES['smp-half']);
  });

  it('merges defaults.sites under each entry and fills schema defaults', () => {
    const seoul = find(objects, 'Site', 'apt-seoul-00001').spec;
    assert.equal(seoul.releaseChannel, 'stable');
    assert.equal(seoul.tenant, 'national-telecom');
    assert.equal(seoul.parentCluster, 'wac-capital');
    assert.deepEqual(seoul.maintenanceWindow, {
      days: ['mon', 'wed'],
      start: '02:00',
      durationMinutes: 120,
      timeZone: 'Asia/Seoul',
    });
    const incheon = find(objects, 'Site', 'apt-incheon-00001').spec;
    assert.equal(incheon.releaseChannel, 'beta');
    // The entry's start wins; the rest of the window still comes from the defaults.
    assert.deepEqual(incheon.maintenanceWindow, {
      days: ['mon', 'wed'],
      start: '03:00',
      durationMinutes: 120,
      timeZone: 'Asia/Seoul',
    });
    assert.equal(find(objects, 'WideAreaCluster', 'wac-capital').spec.usersPerRegion, 10000);
  });

  it('keeps name and labels out of the spec', () => {
    const spec = find(objects, 'Site', 'apt-seoul-00001').spec;
    assert.equal('name' in spec, false);
    assert.equal('labels' in spec, false);
  });

  it('orders objects by kind across files too', () => {
    const split = parseInventory([
      { file: 'sites.yaml', text: HEADER + DEFAULTS + SITES },
      { file: 'core.yaml', text: HEADER + TENANTS + CLUSTERS },
    ]);
    assert.deepEqual(split.problems, []);
    assert.deepEqual(
      split.inventory?.objects.map((o) => o.kind),
      ['Tenant', 'WideAreaCluster', 'Site', 'Site'],
    );
  });

  it('uses a declared namespace', () => {
    const parsed = parseOne(`${HEADER}namespace: fleet-test\n${TENANTS}`);
    assert.equal(parsed.inventory?.namespace, 'fleet-test');
    assert.equal(parsed.inventory?.objects[0]?.metadata.namespace, 'fleet-test');
  });
});

describe('parseInventory: problems', () => {
  it('a bad row gives no inventory and a problem at its file, line and column', () => {
    const text = replaceLine(VALID, '    subscriberCap: 400', '    subscriberCap: -5');
    const p = onlyProblem(parseOne(text));
    const where = positionOf(text, '-5\n');
    assert.equal(p.file, 'fleet.yaml');
    assert.equal(p.path, 'sites[1].subscriberCap');
    assert.equal(p.object, 'Site apt-incheon-00001');
    assert.match(p.message, /greater or equal to 1/);
    assert.deepEqual({ line: p.line, column: p.column }, where);
    // The fixture has the bad value on line 34 at column 20: spelled out, so a locate bug cannot hide.
    assert.deepEqual(where, { line: 34, column: 20 });
  });

  it('a rule problem points at the field the rule names', () => {
    const text = replaceLine(VALID, '          streams: 100', '          streams: 201');
    const p = onlyProblem(parseOne(text));
    assert.equal(p.path, 'sites[0].streaming.streamPlan');
    assert.match(p.message, /egress budget/);
    assert.deepEqual({ line: p.line, column: p.column }, positionOf(text, 'streamPlan:'));
  });

  it('a missing required field points at the entry that lacks it', () => {
    const text = replaceLine(VALID, '    subscriberCap: 400', '');
    const p = onlyProblem(parseOne(text));
    assert.equal(p.path, 'sites[1].subscriberCap');
    assert.match(p.message, /required/);
    assert.deepEqual({ line: p.line, column: p.column }, positionOf(text, 'name: apt-incheon-00001'));
  });

  it('a bad value from defaults points at each entry that received it', () => {
    const text = replaceLine(VALID, '    parentCluster: wac-capital', '    parentCluster: wac-nowhere');
    const result = parseOne(text);
    assert.equal(result.inventory, undefined);
    assert.deepEqual(
      result.problems.map((p) => [p.path, p.line]),
      [
        ['sites[0].parentCluster', positionOf(text, 'name: apt-seoul-00001').line],
        ['sites[1].parentCluster', positionOf(text, 'name: apt-incheon-00001').line],
      ],
    );
    assert.match(result.problems[0]?.message ?? '', /wac-nowhere does not exist/);
  });

  it('a YAML syntax error is reported with its line', () => {
    const text = replaceLine(VALID, '    subscriberCap: 800', '   subscriberCap: 800');
    const p = onlyProblem(parseOne(text));
    assert.equal(p.path, '(yaml)');
    assert.equal(p.file, 'fleet.yaml');
    assert.equal(p.line, positionOf(text, '   subscriberCap: 800').line);
    assert.match(p.message, /indentation/);
  });

  it('a duplicated key is a YAML error on the second key', () => {
    const text = replaceLine(
      VALID,
      '    subscriberCap: 800',
      '    subscriberCap: 800\n    subscriberCap: 900',
    );
    const p = onlyProblem(parseOne(text));
    assert.equal(p.path, '(yaml)');
    assert.equal(p.line, positionOf(text, 'subscriberCap: 900').line);
    assert.match(p.message, /duplicated mapping key/);
  });

  it('a site name declared twice', () => {
    const text = replaceLine(VALID, '  - name: apt-incheon-00001', '  - name: apt-seoul-00001');
    const problems = parseOne(text).problems;
    const duplicate = problems.find((p) => p.message.includes('declared twice'));
    assert.ok(duplicate, JSON.stringify(problems));
    assert.equal(duplicate.path, 'sites[1].name');
    const first = text.indexOf('name: apt-seoul-00001');
    const second = text.indexOf('name: apt-seoul-00001', first + 1);
    assert.equal(duplicate.line, text.slice(0, second).split('\n').length);
    assert.match(
      duplicate.message,
      new RegExp(`first at fleet\\.yaml:${text.slice(0, first).split('\n').length}\\)`),
    );
  });

  it('a name declared in two files names the first file', () => {
    const result = parseInventory([
      { file: 'a.yaml', text: HEADER + TENANTS },
      { file: 'b.yaml', text: HEADER + TENANTS },
    ]);
    const p = onlyProblem(result);
    assert.equal(p.file, 'b.yaml');
    assert.equal(p.path, 'tenants[0].name');
    assert.match(p.message, /national-telecom is declared twice \(first at a\.yaml:4\)/);
  });

  it('the same name in two kinds is not a duplicate', () => {
    const text = `${HEADER}${TENANTS}${CLUSTERS.replace('name: wac-capital', 'name: national-telecom')}`;
    assert.deepEqual(parseOne(text).problems, []);
  });

  it('an unknown hardware profile', () => {
    const text = replaceLine(VALID, '    hardware: smp-half', '    hardware: smp-quad');
    const p = onlyProblem(parseOne(text));
    assert.equal(p.path, 'sites[1].hardware');
    assert.match(
      p.message,
      /unknown hardware profile "smp-quad" \(known: smp-full, smp-half, entry, cluster-full\)/,
    );
    assert.deepEqual({ line: p.line, column: p.column }, positionOf(text, 'smp-quad'));
  });

  it('hardware spelled out passes the same checks as a profile', () => {
    const spelled =
      '    hardware: { cpus: 1, modules: 1, storageGB: 500, accelerators: 1, configuration: smp }';
    const text = replaceLine(VALID, '    hardware: smp-half', spelled);
    const result = parseOne(text);
    assert.equal(result.inventory, undefined);
    // An entry box can neither stream the half server's 2,000 Mbps nor serve its 400 subscribers.
    assert.deepEqual(
      result.problems.map((p) => p.path),
      ['sites[1].streaming.egressBudgetMbps', 'sites[1].subscriberCap'],
    );
  });

  it('an unknown top-level section', () => {
    // Flow style keeps the key and its value on one line: problems are located at the value.
    const text = `${VALID}site: [{ name: typo }]\n`;
    const p = onlyProblem(parseOne(text));
    assert.equal(p.path, 'site');
    assert.match(p.message, /unknown section \(known: .*sites/);
    assert.equal(p.line, positionOf(text, 'site: [').line);
  });

  it('an unknown field in an entry', () => {
    const text = replaceLine(
      VALID,
      '    subscriberCap: 400',
      '    subscribersCap: 400\n    subscriberCap: 400',
    );
    const p = onlyProblem(parseOne(text));
    assert.equal(p.path, 'sites[1].subscribersCap');
    assert.equal(p.message, 'unknown field');
    const key = positionOf(text, 'subscribersCap');
    // On the typo's line, at its value.
    assert.deepEqual(
      { line: p.line, column: p.column },
      { line: key.line, column: key.column + 'subscribersCap: '.length },
    );
  });

  it('a wrong apiVersion', () => {
    const text = VALID.replace('apiVersion: smartfleet.io/v1alpha1', 'apiVersion: smartfleet.io/v1');
    const p = onlyProblem(parseOne(text));
    assert.equal(p.path, 'apiVersion');
    assert.deepEqual({ line: p.line, column: p.column }, { line: 1, column: 13 });
    assert.match(p.message, /must be smartfleet\.io\/v1alpha1, not "smartfleet\.io\/v1"/);
  });

  it('a document that is not a mapping', () => {
    const p = onlyProblem(parseOne('- just\n- a list\n'));
    assert.equal(p.path, '(document)');
    assert.match(p.message, /expected a mapping/);
  });

  it('an invalid entry name', () => {
    const text = replaceLine(VALID, '  - name: apt-incheon-00001', '  - name: Apt_Incheon');
    const p = onlyProblem(parseOne(text));
    assert.equal(p.path, 'sites[1].name');
    assert.deepEqual({ line: p.line, column: p.column }, positionOf(text, 'Apt_Incheon'));
  });

  it('labels that are not strings', () => {
    const text = replaceLine(VALID, '      building: tower-a', '      building: [tower-a]');
    const p = onlyProblem(parseOne(text));
    assert.equal(p.path, 'sites[0].labels');
  });

  it('collects problems from every file before giving up', () => {
    const bad1 = replaceLine(HEADER + DEFAULTS + SITES, '    subscriberCap: 800', '    subscriberCap: 0');
    const bad2 = (HEADER + TENANTS + CLUSTERS).replace('portSpeedGbps: 10', 'portSpeedGbps: 5');
    const result = parseInventory([
      { file: 'sites.yaml', text: bad1 },
      { file: 'core.yaml', text: bad2 },
    ]);
    assert.equal(result.inventory, undefined);
    assert.deepEqual(
      result.problems.map((p) => `${p.file}:${p.path}`),
      ['sites.yaml:sites[0].subscriberCap', 'core.yaml:wideAreaClusters[0].fabric.portSpeedGbps'],
    );
  });
});

describe('parseInventory: references', () => {
  const lone = `${HEADER}sites:
  - name: apt-gangwon-00001
    kind: apartment-complex
    location: { region: gangwon, address: Gangwon apartment complex 1, latitude: 37.88, longitude: 127.73 }
    subscriberCap: 200
    hardware: entry
    streaming: { egressBudgetMbps: 1000 }
    parentCluster: wac-gangwon
    tenant: metro-cable
    maintenanceWindow: { days: [sun], start: '04:00', durationMinutes: 60 }
`;
  const existing: FleetReferences = {
    clusters: new Map([['wac-gangwon', { regions: ['gangwon'] }]]),
    tenants: new Set(['metro-cable']),
  };

  it('a site may refer to a cluster and tenant that only exist in the hub', () => {
    const result = parseOne(lone, 'gangwon.yaml', existing);
    assert.deepEqual(result.problems, []);
    assert.deepEqual(
      result.inventory?.objects.map((o) => o.metadata.name),
      ['apt-gangwon-00001'],
    );
  });

  it('without them, the same site is refused', () => {
    const result = parseOne(lone, 'gangwon.yaml');
    assert.equal(result.inventory, undefined);
    assert.deepEqual(
      result.problems.map((p) => p.path),
      ['sites[0].parentCluster', 'sites[0].tenant'],
    );
    assert.match(result.problems[0]?.message ?? '', /wac-gangwon does not exist/);
  });

  it('a cluster that does not serve the site region', () => {
    const result = parseOne(lone, 'gangwon.yaml', {
      clusters: new Map([['wac-gangwon', { regions: ['seoul'] }]]),
      tenants: new Set(['metro-cable']),
    });
    const p = onlyProblem(result);
    assert.equal(p.path, 'sites[0].parentCluster');
    assert.match(p.message, /does not serve region gangwon/);
  });

  it('a rollout of a release declared in the inventory', () => {
    const text = `${HEADER}siteReleases:
  - name: release-1-2-0
    version: 1.2.0
    services:
      - name: streaming-edge
        image: registry.example/streaming-edge:1.2.0
rollouts:
  - name: roll-1-2-0
    release: release-1-2-0
    selector: { regions: [seoul] }
    waves:
      - { name: canary, percent: 1, maxUnavailable: 1 }
      - { name: all, percent: 100, maxUnavailable: 50 }
    healthGate: {}
`;
    const ok = parseOne(text);
    assert.deepEqual(ok.problems, []);
    assert.deepEqual(
      ok.inventory?.objects.map((o) => o.kind),
      ['SiteRelease', 'Rollout'],
    );
    const rollout = find(ok.inventory?.objects ?? [], 'Rollout', 'roll-1-2-0').spec;
    assert.deepEqual(rollout.healthGate, {
      bakeSeconds: 300,
      maxErrorRatePerMinute: 5,
      maxEgressSaturation: 0.9,
      maxDrmDenialsPerMinute: 10,
      minCacheHitRatio: 0.5,
      maxAcceleratorsFailed: 0,
    });

    const bad = onlyProblem(parseOne(text.replace('release: release-1-2-0', 'release: release-9-9-9')));
    assert.equal(bad.path, 'rollouts[0].release');
    assert.match(bad.message, /site release release-9-9-9 does not exist/);
  });
});
