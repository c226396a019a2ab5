/**
 * Every workspace declares what it imports: the workspace packages below it and the npm
 * packages it uses (test files may use devDependencies). npm's hoisting would let an
 * undeclared import work here and break in an image that installs one workspace alone.
 */
import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { test } from 'node:test';
import ts from 'typescript';

interface PackageJson {
  name: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
const root = read('package.json');
/** Tests, and the console's end-to-end suite that drives a browser, may use devDependencies. */
const isTest = (file: string) =>
  /\.test\.tsx?$/.test(file) || file.includes('/testing/') || file.includes('/e2e/');

function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier)) {
    return undefined;
  }
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles.map((i) => packageOf(i.fileName)).filter((p): p is string => p !== undefined);
}

for (const workspace of root.workspaces ?? []) {
  test(`${workspace} declares every package it imports`, () => {
    const pkg = read(`${workspace}/package.json`);
    const runtime = new Set(Object.keys(pkg.dependencies ?? {}));
    const dev = new Set([...runtime, ...Object.keys(pkg.devDependencies ?? {})]);
    const files = globSync(`${workspace}/**/*.{ts,tsx}`, { exclude: (f) => f.includes('node_modules') });
    const missing = files.flatMap((file) =>
      importsOf(file)
        // A types-only package (geojson) is declared as its @types package: imports of it are erased.
        .filter((name) => name !== pkg.name && !dev.has(`@types/${name}`))
        .filter((name) => !(isTest(file) ? dev : runtime).has(name))
        .map((name) => `${file} imports ${name}`),
    );
    assert.deepEqual([...new Set(missing)], [], `undeclared in ${workspace}/package.json`);
  });
}
