import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Location, REGION_CODES, SITE_PHASES } from '@smart-fleet/model';
import { enumNameOf, enumValueName, modelEnumName, modelObjectName, singular } from './model-names.ts';

test('model constants name GraphQL enums; exported schemas name GraphQL types', () => {
  assert.equal(enumNameOf('SITE_PHASES'), 'SitePhase');
  assert.equal(enumNameOf('REGION_CODES'), 'RegionCode');
  assert.equal(enumNameOf('CODECS'), 'Codec');
  assert.equal(modelEnumName(SITE_PHASES), 'SitePhase');
  assert.equal(modelEnumName(REGION_CODES), 'RegionCode');
  assert.equal(modelEnumName(['no', 'such', 'list']), undefined);
  assert.equal(modelObjectName(Location), 'Location');
});

test('enum values become GraphQL names that cannot collide with the grammar', () => {
  assert.equal(enumValueName('north-gyeongsang'), 'NORTH_GYEONGSANG');
  assert.equal(enumValueName('H.264'), 'H_264');
  assert.equal(enumValueName('MPEG-2'), 'MPEG_2');
  assert.equal(enumValueName('RolledBack'), 'ROLLED_BACK');
  assert.equal(enumValueName('2k'), '_2K');
  assert.equal(singular('waves'), 'Wave');
  assert.equal(singular('streamPlan'), 'StreamPlan');
});
