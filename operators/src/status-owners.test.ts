import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_KINDS } from '@smart-fleet/model';
import { STATUS_OWNERS, UNOWNED_STATUS_FIELDS } from './status-owners.ts';

describe('status ownership', () => {
  for (const kind of ALL_KINDS) {
    const owners = STATUS_OWNERS[kind.kind];
    it(`${kind.kind}: every status field has exactly one owner, or a reason it has none`, () => {
      assert.ok(owners, `${kind.kind} is missing from STATUS_OWNERS`);
      const fields = Object.keys(kind.status.properties).filter((f) => f !== 'conditions');
      for (const field of fields) {
        const holders = owners.filter((o) => o.fields.includes(field)).map((o) => o.manager);
        const unowned = UNOWNED_STATUS_FIELDS[kind.kind]?.[field];
        if (field === 'observedGeneration' && holders.length === 0) {
          continue; // kinds whose controllers act on no spec generation
        }
        assert.ok(
          holders.length === 1 || (holders.length === 0 && unowned),
          `${kind.kind}.status.${field}: owners ${JSON.stringify(holders)}`,
        );
      }
      for (const owner of owners) {
        for (const field of owner.fields) {
          assert.ok(
            fields.includes(field),
            `${owner.manager} owns ${field}, which ${kind.kind} status lacks`,
          );
        }
      }
      const types = owners.flatMap((o) => o.conditions ?? []);
      assert.equal(new Set(types).size, types.length, `a ${kind.kind} condition type has two owners`);
    });

    it(`${kind.kind}: every column printed from status is written by its owner`, () => {
      for (const column of kind.printerColumns.filter((c) => c.jsonPath.startsWith('.status.'))) {
        const field = column.jsonPath.split('.')[2] ?? '';
        assert.ok(
          owners?.some((o) => o.fields.includes(field)),
          `column ${column.name} (${column.jsonPath}) has no controller writing it`,
        );
      }
    });
  }
});
