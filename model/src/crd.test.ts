import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { API_GROUP, API_VERSION, CATEGORY } from './common.ts';
import { buildCrd, crdName, SCHEMA_HASH_ANNOTATION } from './crd.ts';
import { GENERATED_CRD_DIR, renderCrdFiles } from './crd-manifests.ts';
import { ALL_KINDS } from './kinds/index.ts';

type Schema = Record<string, unknown>;

/** Every schema node under `schema` with its dotted path; property names are never mistaken for keywords. */
function schemaNodes(schema: Schema, path = ''): { path: string; node: Schema }[] {
  const out = [{ path: path || '(root)', node: schema }];
  const properties = schema.properties as Record<string, Schema> | undefined;
  for (const [name, child] of Object.entries(properties ?? {})) {
    out.push(...schemaNodes(child, path ? `${path}.${name}` : name));
  }
  if (typeof schema.items === 'object' && schema.items !== null) {
    out.push(...schemaNodes(schema.items as Schema, `${path}[]`));
  }
  if (typeof schema.additionalProperties === 'object' && schema.additionalProperties !== null) {
    out.push(...schemaNodes(schema.additionalProperties as Schema, `${path}{}`));
  }
  return out;
}

/** Every (key, value) pair anywhere in a JSON value, property names included. */
function* allEntries(value: unknown, path = ''): Generator<{ path: string; key: string; value: unknown }> {
  if (typeof value !== 'object' || value === null) {
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    yield { path, key, value: child };
    yield* allEntries(child, `${path}/${key}`);
  }
}

/** The schema node a printer column's `.a.b.c` path reads, or undefined. */
function nodeAt(root: Schema, jsonPath: string): Schema | undefined {
  let node: Schema | undefined = root;
  for (const part of jsonPath.split('.').filter((p) => p !== '')) {
    node = (node?.properties as Record<string, Schema> | undefined)?.[part];
  }
  return node;
}

const COLUMN_TYPES: Record<string, string[]> = {
  string: ['string', 'array'],
  integer: ['integer'],
  number: ['number', 'integer'],
  boolean: ['boolean'],
  date: ['string'],
};

describe('buildCrd', () => {
  it('has the nine fleet kinds with distinct names', () => {
    assert.equal(ALL_KINDS.length, 9);
    assert.equal(new Set(ALL_KINDS.map((k) => k.plural)).size, ALL_KINDS.length);
    assert.equal(
      new Set(ALL_KINDS.flatMap((k) => k.shortNames)).size,
      ALL_KINDS.flatMap((k) => k.shortNames).length,
    );
  });

  for (const kind of ALL_KINDS) {
    describe(kind.kind, () => {
      const crd = buildCrd(kind);
      const version = (crd.spec.versions as Schema[])[0] as Schema;
      const root = (version.schema as { openAPIV3Schema: Schema }).openAPIV3Schema;
      const names = crd.spec.names as Schema;
      const nodes = schemaNodes(root);

      it('is named and grouped', () => {
        assert.equal(crd.apiVersion, 'apiextensions.k8s.io/v1');
        assert.equal(crd.metadata.name, `${kind.plural}.${API_GROUP}`);
        assert.equal(crdName(kind), crd.metadata.name);
        assert.equal(crd.spec.group, API_GROUP);
        assert.equal(crd.spec.scope, 'Namespaced');
        assert.equal(version.name, API_VERSION);
        assert.equal(version.served, true);
        assert.equal(version.storage, true);
        assert.equal(names.kind, kind.kind);
        assert.equal(names.listKind, `${kind.kind}List`);
        assert.equal(names.plural, kind.plural);
        assert.equal(names.singular, kind.singular);
      });

      it(`is in the '${CATEGORY}' category with short names`, () => {
        assert.deepEqual(names.categories, ['smart']);
        assert.ok(
          Array.isArray(names.shortNames) && names.shortNames.length > 0,
          'shortNames must not be empty',
        );
      });

      it('has the status subresource', () => {
        assert.deepEqual(version.subresources, { status: {} });
        assert.ok(nodeAt(root, '.status'), 'status must be in the schema');
      });

      it('has a schema hash annotation', () => {
        assert.match(crd.metadata.annotations[SCHEMA_HASH_ANNOTATION] ?? '', /^[0-9a-f]{16}$/);
      });

      it('requires spec', () => {
        assert.deepEqual(root.required, ['spec']);
      });

      it('has no additionalProperties: false, anyOf, const or other non-structural keyword anywhere', () => {
        const banned = new Set([
          'anyOf',
          'oneOf',
          'allOf',
          'not',
          'const',
          '$id',
          '$ref',
          'patternProperties',
        ]);
        for (const { path, node } of nodes) {
          assert.notEqual(
            node.additionalProperties,
            false,
            `${kind.kind} ${path}: additionalProperties: false`,
          );
          for (const key of Object.keys(node)) {
            assert.ok(!banned.has(key), `${kind.kind} ${path}: ${key}`);
          }
        }
        // And nowhere else in the CRD either (printer columns, names, metadata).
        for (const { path, key, value } of allEntries(crd)) {
          assert.ok(
            !(key === 'additionalProperties' && value === false),
            `${path}: additionalProperties: false`,
          );
        }
      });

      it('gives every schema node a type, and type object to every node with properties', () => {
        for (const { path, node } of nodes) {
          assert.equal(typeof node.type, 'string', `${kind.kind} ${path} has no type`);
          if ('properties' in node) {
            assert.equal(
              node.type,
              'object',
              `${kind.kind} ${path} has properties but type ${String(node.type)}`,
            );
            assert.ok(
              !('additionalProperties' in node),
              `${kind.kind} ${path}: properties and additionalProperties`,
            );
          }
          if (Array.isArray(node.required)) {
            for (const field of node.required as string[]) {
              assert.ok(
                field in ((node.properties as Schema) ?? {}),
                `${kind.kind} ${path} requires unknown ${field}`,
              );
            }
          }
        }
      });

      it('writes enums as {type: string, enum} with valid defaults', () => {
        const enums = nodes.filter(({ node }) => 'enum' in node);
        // Every kind has at least the conditions' status enum.
        assert.ok(enums.length > 0, `${kind.kind} has no enums`);
        for (const { path, node } of enums) {
          assert.equal(node.type, 'string', `${kind.kind} ${path}`);
          const values = node.enum as unknown[];
          assert.ok(Array.isArray(values) && values.length > 0, `${kind.kind} ${path}: empty enum`);
          assert.ok(
            values.every((v) => typeof v === 'string'),
            `${kind.kind} ${path}: non-string enum value`,
          );
          if ('default' in node) {
            assert.ok(
              (values as unknown[]).includes(node.default),
              `${kind.kind} ${path}: default ${String(node.default)}`,
            );
          }
        }
      });

      it('keeps map-list keys required in their items', () => {
        for (const { path, node } of nodes.filter(({ node }) => node['x-kubernetes-list-type'] === 'map')) {
          const items = node.items as Schema;
          for (const key of node['x-kubernetes-list-map-keys'] as string[]) {
            assert.ok((items.required as string[]).includes(key), `${kind.kind} ${path}: map key ${key}`);
          }
        }
      });

      it('has printer columns that read fields of the schema with a matching type', () => {
        const columns = version.additionalPrinterColumns as {
          name: string;
          type: string;
          jsonPath: string;
        }[];
        assert.ok(columns.length > 1, 'printer columns');
        assert.deepEqual(columns, kind.printerColumns);
        for (const column of columns) {
          if (column.jsonPath.startsWith('.metadata.')) {
            continue;
          }
          const node = nodeAt(root, column.jsonPath);
          assert.ok(node, `${kind.kind} column ${column.name}: ${column.jsonPath} is not in the schema`);
          assert.ok(
            COLUMN_TYPES[column.type]?.includes(node.type as string),
            `${kind.kind} column ${column.name} is ${column.type} but ${column.jsonPath} is ${String(node.type)}`,
          );
        }
      });
    });
  }

  it('keeps the loader-only strictness out of the CRD but in the kind', () => {
    // The TypeBox schema refuses unknown fields; the CRD leaves that to the API server's pruning.
    const site = ALL_KINDS.find((k) => k.kind === 'Site');
    assert.ok(site);
    assert.equal((site.spec as unknown as Schema).additionalProperties, false);
  });
});

describe('generated CRD files', () => {
  const HINT = 'model/generated/crds is stale: run `npm run generate` and commit the result';

  it('are exactly what renderCrdFiles() gives', () => {
    const want = renderCrdFiles();
    assert.equal(want.size, ALL_KINDS.length);
    const have = readdirSync(GENERATED_CRD_DIR).filter((f) => f.endsWith('.yaml'));
    assert.deepEqual([...have].sort(), [...want.keys()].sort(), HINT);
    for (const [file, text] of want) {
      assert.ok(readFileSync(join(GENERATED_CRD_DIR, file), 'utf8') === text, `${file} differs; ${HINT}`);
    }
  });

  it('carry the generated-file header', () => {
    for (const text of renderCrdFiles().values()) {
      assert.match(text, /^# Generated from model\/src\/kinds by `npm run generate`\. Do not edit\.\n/);
      assert.match(text, /^kind: CustomResourceDefinition$/m);
    }
  });
});
