import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { COMPONENT_IMAGES } from '@smart-fleet/model';
import { REPO_ROOT } from './app-context.ts';
import { IMAGE_RECIPES } from './component-images.ts';

const instructions = (file: string) =>
  readFileSync(join(REPO_ROOT, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));

describe('the component image recipes', () => {
  it('cover every component image the model names, and nothing else', () => {
    assert.deepEqual(Object.keys(IMAGE_RECIPES).sort(), Object.keys(COMPONENT_IMAGES).sort());
  });

  for (const [component, recipe] of Object.entries(IMAGE_RECIPES)) {
    it(`${component}: builds FROM the layer it names, and runs nothing while building`, () => {
      const lines = instructions(recipe.containerfile);
      assert.deepEqual(lines.slice(0, 2), ['ARG BASE_IMAGE', `FROM \${BASE_IMAGE}`]);
      assert.equal(
        lines.filter((l) => /^RUN\b/.test(l)).length,
        0,
        'no RUN: a build copies files, it never executes anything in the image',
      );
      assert.ok(
        lines.some((l) => /^ENTRYPOINT \[/.test(l)),
        'an exec-form ENTRYPOINT',
      );
      for (const l of lines.filter((x) => /^COPY\b/.test(x))) {
        const source = l.split(/\s+/).filter((w) => !w.startsWith('--'))[1] ?? '';
        assert.ok(
          (recipe.context ?? []).some((part) => source.startsWith(part)),
          `${source} is staged into the context (recipe.context)`,
        );
      }
    });
  }
});
