/**
 * Builds the console (Vite) when its sources changed since the last build, and does nothing
 * otherwise: `npm start` and `npm test` run it before they start, so a clean clone gets a
 * console and an unchanged one costs a hash of a few hundred kilobytes. "Changed" is by
 * content: a hash of every input (sources, public files, the Vite config, the model's regions
 * it imports, the lockfile) kept in dist/.build-stamp.
 *   node console/scripts/build-console.ts [--force]
 */
import { ensureConsoleBuilt } from '../build.ts';

const result = await ensureConsoleBuilt({
  force: process.argv.includes('--force'),
  log: (line) => console.error(line),
});
console.error(
  result.built ? `[console] built in ${(result.ms / 1000).toFixed(1)} s` : '[console] up to date',
);
