/**
 * `npm run api:schema`: writes the API's SDL to api/schema.graphql, the contract partners build
 * against. A breaking change (a field or type removed, an argument made required...) is refused
 * unless --allow-breaking says it is intended. It is judged against the checked-in file and
 * against the SDL on the main branch's merge base (schema-base.ts), since the checked-in file is
 * what a developer regenerates; an intended break against the base is recorded in
 * api/schema-breaking-changes.json, which the schema test reads, so it shows in review.
 *   --allow-breaking   write the SDL even though it breaks the contract, and record the breaks
 *   --base BRANCH      the branch to compare with (default main, or origin/main)
 *   --require-base     fail when the base cannot be read (CI), instead of saying so
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { printFleetSchema, schema } from '../src/schema/index.ts';
import {
  ACKNOWLEDGED_FILE,
  type BaseSchema,
  breakingChanges,
  mergeBaseSchema,
  SCHEMA_FILE,
} from './schema-base.ts';

export interface SchemaVerdict {
  /** Breaking changes against the checked-in file. */
  againstFile: string[];
  /** Breaking changes against the base branch's SDL (empty when it could not be read). */
  againstBase: string[];
  /** Why the base could not be read, if it could not. */
  baseUnavailable?: string;
}

export function judgeSchema(checkedIn: string | undefined, base: BaseSchema): SchemaVerdict {
  return {
    againstFile: breakingChanges(checkedIn, schema),
    againstBase: base.available ? breakingChanges(base.sdl, schema) : [],
    baseUnavailable: base.available ? undefined : base.reason,
  };
}

function report(title: string, changes: string[]): void {
  console.error(`${title}: ${changes.length} breaking change(s) to the API:`);
  for (const change of changes) {
    console.error(`  ${change}`);
  }
}

/** The acknowledged breaks against the base, exactly those of this change; no file when none. */
function recordAcknowledged(changes: string[], base: BaseSchema): void {
  if (changes.length === 0) {
    rmSync(ACKNOWLEDGED_FILE, { force: true });
    return;
  }
  const commit = base.available ? base.commit : undefined;
  const note = `Breaking changes against ${base.available ? base.branch : 'the base'} (${commit}), intended: written by npm run api:schema -- --allow-breaking`;
  writeFileSync(ACKNOWLEDGED_FILE, `${JSON.stringify({ note, changes }, null, 2)}\n`);
}

function main(): number {
  const { values } = parseArgs({
    options: {
      'allow-breaking': { type: 'boolean', default: false },
      'require-base': { type: 'boolean', default: false },
      base: { type: 'string' },
    },
  });
  const next = printFleetSchema();
  const checkedIn = existsSync(SCHEMA_FILE) ? readFileSync(SCHEMA_FILE, 'utf8') : undefined;
  const base = mergeBaseSchema({ cwd: process.cwd(), branch: values.base });
  const verdict = judgeSchema(checkedIn, base);
  if (verdict.baseUnavailable) {
    console.error(`cannot compare with the main branch's merge base: ${verdict.baseUnavailable}`);
    if (values['require-base']) {
      return 1;
    }
    console.error('compared with the checked-in api/schema.graphql only');
  }
  const refused = verdict.againstFile.length > 0 || verdict.againstBase.length > 0;
  if (refused && !values['allow-breaking']) {
    if (verdict.againstFile.length > 0) {
      report('refused, against api/schema.graphql', verdict.againstFile);
    }
    if (verdict.againstBase.length > 0 && base.available) {
      report(`refused, against ${base.branch} at ${base.commit.slice(0, 12)}`, verdict.againstBase);
    }
    console.error(
      'Partners build against this schema. If the break is intended, run: npm run api:schema -- --allow-breaking',
    );
    return 1;
  }
  if (base.available) {
    recordAcknowledged(verdict.againstBase, base);
  }
  if (checkedIn === next) {
    console.error(`${SCHEMA_FILE} is up to date`);
    return 0;
  }
  writeFileSync(SCHEMA_FILE, next);
  const breaks = verdict.againstBase.length + verdict.againstFile.length;
  console.error(`wrote ${SCHEMA_FILE}${breaks > 0 ? ' with intended breaking changes (recorded)' : ''}`);
  return 0;
}

if (import.meta.main) {
  process.exitCode = main();
}
