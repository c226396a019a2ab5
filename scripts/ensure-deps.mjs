// Runs before `npm start` and `npm test` (their pre-scripts), under whatever Node the machine
// has (Node 20 on a fresh machine), so it is plain JavaScript. It installs the npm packages,
// Node 24 among them (the `node` package), when they are missing or older than the lockfile.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const marker = 'node_modules/.package-lock.json';
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync('package-lock.json').mtimeMs;
if (stale || !existsSync('node_modules/.bin/node')) {
  console.error('[deps] installing npm packages (npm ci)');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
}
const version = execFileSync('node_modules/.bin/node', ['--version']).toString().trim();
if (!version.startsWith('v24.')) {
  console.error(`[deps] expected Node 24 from the node package, found ${version}`);
  process.exit(1);
}
