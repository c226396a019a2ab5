/**
 * `npm run api:schema`: writes the API's SDL to api/schema.graphql, the contract partners build
 * against. A breaking change (a field or type removed, an argument made required...) is refused
 * unless --allow-breaking says it is intended. It is judged against the checked-in file and
 * against the SDL on the main branch's merge base (schema-base.ts), since the checked-in file is
 * what a developer regenerates; an intended break against the base is recorded in
 * api/schema-breaking-changes.json (which schema-base.test.ts holds the code to), so it shows
 * in review, and is not refused again while it is recorded.
 *   --allow-breaking   write the SDL even though it breaks the contract, and record the breaks
 *   --base BRANCH      the branch to compare with (default main, or origin/main)
 *   --require-base     fail when the base cannot be read (CI), instead of saying so
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { printFleetSchema, schema } from '../src/schema/index.ts';
import {
  ACKNOWLEDGED_FILE,
  acknowledgedChanges,
  type BaseSchema,
  judgeSchema,
  mergeBaseSchema,
  SCHEMA_FILE,
  type SchemaVerdict,
} from './schema-base.ts';

/** The acknowledged breaks against the base, exactly those of this change; no file when none. */
function recordAcknowledged(changes: string[], base: BaseSchema): void {
  if (changes.length === 0) {
    rmSync(ACKNOWLEDGED_FILE, { force: true });
    return;
  }
  const branch = base.available ? base.branch : 'main';
  const note = `Breaking changes against ${branch}'s merge base, intended: written by npm run api:schema -- --allow-breaking`;
  writeFileSync(ACKNOWLEDGED_FILE, `${JSON.stringify({ note, changes }, null, 2)}\n`);
}

/** What is refused, as lines to print; none when the change may be written. */
function refusals(verdict: SchemaVerdict, base: BaseSchema): string[] {
  const lines: string[] = [];
  const list = (title: string, changes: string[]) => {
    if (changes.length > 0) {
      lines.push(
        `${title}: ${changes.length} breaking change(s) to the API:`,
        ...changes.map((c) => `  ${c}`),
      );
    }
  };
  list('refused, against api/schema.graphql', verdict.againstFile);
  if (base.available) {
    list(`refused, against ${base.branch} at ${base.commit.slice(0, 12)}`, verdict.unacknowledged);
  }
  return lines;
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
  const verdict = judgeSchema({ checkedIn, base, acknowledged: acknowledgedChanges(), schema });
  if (verdict.baseUnavailable) {
    console.error(`cannot compare with the main branch's merge base: ${verdict.baseUnavailable}`);
    if (values['require-base']) {
      return 1;
    }
    console.error('compared with the checked-in api/schema.graphql only');
  }
  const refused = refusals(verdict, base);
  if (refused.length > 0 && !values['allow-breaking']) {
    console.error(refused.join('\n'));
    console.error(
      'Partners build against this schema. If the break is intended, run: npm run api:schema -- --allow-breaking',
    );
    return 1;
  }
  if (base.available) {
    recordAcknowledged(verdict.againstBase, base);
  }
  if (checkedIn !== next) {
    writeFileSync(SCHEMA_FILE, next);
  }
  const breaks = refused.length > 0 ? ' with intended breaking changes (recorded)' : '';
  console.error(`${checkedIn === next ? `${SCHEMA_FILE} is up to date` : `wrote ${SCHEMA_FILE}`}${breaks}`);
  return 0;
}

if (import.meta.main) {
  process.exitCode = main();
}
