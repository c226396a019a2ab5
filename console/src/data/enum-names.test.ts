import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as model from '@smart-fleet/model';
import { buildSchema, type GraphQLEnumType } from 'graphql';
import { enumValueName } from '../../../api/src/schema/model-names.ts';
import { graphqlEnumName, modelCodeOf } from './enum-names.ts';

const schema = buildSchema(readFileSync(new URL('../../../api/schema.graphql', import.meta.url), 'utf8'));

describe("the console's enum names", () => {
  it("follow the API schema's rule for every value the model lists", () => {
    for (const [name, values] of Object.entries(model)) {
      if (Array.isArray(values) && /^[A-Z_]+$/.test(name) && values.every((v) => typeof v === 'string')) {
        for (const value of values as string[]) {
          assert.equal(graphqlEnumName(value), enumValueName(value), `${name}: ${value}`);
        }
      }
    }
  });

  it('name every region the schema knows, and back', () => {
    const regions = (schema.getType('RegionCode') as GraphQLEnumType).getValues().map((v) => v.name);
    assert.deepEqual(model.REGIONS.map((r) => graphqlEnumName(r.code)).sort(), [...regions].sort());
    for (const r of model.REGIONS) {
      assert.equal(modelCodeOf(graphqlEnumName(r.code)), r.code);
    }
  });
});
