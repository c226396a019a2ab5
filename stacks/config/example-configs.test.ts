/**
 * Every example stack configuration (`Pulumi.*.yaml` here, whatever program it names) runs
 * through the project's one entry, stacks/index.ts, under Pulumi's mocks, with its config as
 * the CLI would pass it (structured values as JSON) and a placeholder of the right shape for
 * each value its comments tell an operator to set (`pulumi config set [--secret] KEY`): it
 * must declare resources and stop on nothing.
 *
 * The production stacks read the national inventory, which is generated, not committed
 * (`npm run fleet -- generate -o inventory/national.yaml`); when it is absent, a smaller fleet
 * from the same generator stands in (same clusters, tenants and site names, fewer sites).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateFleet } from '@smart-fleet/model';
import { dump } from 'js-yaml';
import { parse } from 'yaml';
import { OPERATORS, serviceHost } from '../hub/names.ts';
import { testSigningKey } from '../hub/testing/hub-test-config.ts';
import { makeWebhookCertificates } from '../hub/testing/webhook-certificates.ts';
import main from '../index.ts';
import { SIGNING_KEY_CONFIG } from '../lib/entitlement-keys.ts';
import { PROJECT_ROOT } from '../lib/inventory.ts';
import { declareStack } from '../testing/declare.ts';
import { testEntitlementKeys } from '../testing/fixtures/stack-configs.ts';

const CONFIG_DIR = import.meta.dirname;
const files = readdirSync(CONFIG_DIR)
  .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
  .sort();
const DOCUMENTED = /pulumi config set (--secret )?(?:--path )?smart-fleet:([\w.-]+)/g;

const scratch = mkdtempSync(join(tmpdir(), 'example-configs-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let standIn: string | undefined;
/** A national-shaped inventory, small enough for a unit test. */
function nationalStandIn(): string {
  if (!standIn) {
    standIn = join(scratch, 'national.yaml');
    writeFileSync(standIn, dump(generateFleet({ apartments: 180, schools: 240 }), { lineWidth: -1 }));
  }
  return standIn;
}

/** A value of the shape each documented key needs (never a real credential). */
function placeholder(key: string, config: Record<string, string>): string {
  const namespace = config['smart-fleet:namespace'] ?? 'smart-fleet-system';
  const certs = () => makeWebhookCertificates(serviceHost(OPERATORS.webhookService, namespace));
  if (key.startsWith('webhook.')) {
    const part = key.slice('webhook.'.length) as 'certificate' | 'caCertificate' | 'privateKey';
    return certs()[part];
  }
  if (/kek$/i.test(key)) {
    return randomBytes(32).toString('base64');
  }
  if (/kubeconfig$/i.test(key)) {
    // One per key: each hub credential authenticates as its own account, and must differ.
    return `# for ${key}\napiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n`;
  }
  if (/kekId$/.test(key)) {
    return 'kek-placeholder';
  }
  if (key === SIGNING_KEY_CONFIG) {
    return testSigningKey();
  }
  if (/entitlementKeys$/.test(key)) {
    return testEntitlementKeys();
  }
  return randomBytes(32).toString('base64url');
}

interface ExampleStack {
  config: Record<string, string>;
  secretKeys: string[];
  documented: string[];
  standIn: boolean;
}

function load(file: string): ExampleStack {
  const text = readFileSync(join(CONFIG_DIR, file), 'utf8');
  const values = (parse(text) as { config?: Record<string, unknown> }).config ?? {};
  // As the CLI hands config to a program: strings, structured values as JSON.
  const config: Record<string, string> = Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]),
  );
  const secretKeys: string[] = [];
  const documented: string[] = [];
  for (const [, secret, key] of text.matchAll(DOCUMENTED)) {
    const full = `smart-fleet:${key}`;
    documented.push(full);
    if (secret) {
      secretKeys.push(full);
    }
    config[full] ??= placeholder(key as string, config);
  }
  const inventory = config['smart-fleet:inventory'];
  const missing = inventory !== undefined && !existsSync(resolve(PROJECT_ROOT, inventory));
  if (missing) {
    config['smart-fleet:inventory'] = nationalStandIn();
  }
  return { config, secretKeys, documented, standIn: missing };
}

describe('example stack configurations', () => {
  it('has the hub and fleet examples, development and production-like', () => {
    for (const name of ['hub-dev', 'hub-prod', 'fleet-dev', 'fleet-prod']) {
      assert.ok(files.includes(`Pulumi.${name}.yaml`), `Pulumi.${name}.yaml is missing`);
    }
  });

  for (const file of files) {
    it(`${file} runs through stacks/index.ts and declares its resources`, async () => {
      const example = load(file);
      const program = example.config['smart-fleet:program'];
      assert.ok(program, `${file} names no smart-fleet:program`);
      for (const key of example.secretKeys) {
        assert.ok(
          !(key in (parse(readFileSync(join(CONFIG_DIR, file), 'utf8')).config ?? {})),
          `${key} in plain text`,
        );
      }
      const stack = await declareStack(main, { config: example.config, secretKeys: example.secretKeys });
      const objects = stack.kubernetesObjects();
      assert.ok(objects.length > 0, `${file} declared no Kubernetes objects`);
      assert.ok(Object.keys(stack.outputs).length > 0, `${file} has no stack outputs`);
      if (program === 'fleet') {
        const counts = stack.outputs.objects as Record<string, number>;
        assert.equal(
          objects.length,
          Object.values(counts).reduce((a, b) => a + b, 0),
        );
        assert.ok(example.standIn || counts.Site === 150, 'the sample fleet has 150 sites');
      }
    });
  }
});
