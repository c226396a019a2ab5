/**
 * `npm run origin -- --library DIR [--listen HOST:PORT] [--dir STATE] [--workers N|auto] [--log-requests]`
 * The distribution origin of a wide-area cluster's distribution node: nginx serving the
 * packaged library (one directory per title) to the sites' edges. `--listen :8080` listens on
 * every address (what the wide-area stack's Deployment passes); the default is loopback.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { processLogger } from '@smart-fleet/kube';
import { Origin } from './origin.ts';

const { values } = parseArgs({
  options: {
    library: { type: 'string' },
    listen: { type: 'string', default: '127.0.0.1:8080' },
    dir: { type: 'string', default: join(tmpdir(), 'smart-fleet-origin') },
    workers: { type: 'string', default: 'auto' },
    'log-requests': { type: 'boolean', default: false },
  },
});
const fail = (message: string): never => {
  console.error(`origin: ${message}`);
  process.exit(2);
};
const library = values.library ?? fail('--library DIR is required (the packaged titles, one directory each)');
if (!existsSync(library)) {
  fail(`--library ${library} does not exist`);
}
const listen =
  /^(?<host>[^:]*):(?<port>\d{1,5})$/.exec(values.listen)?.groups ??
  fail(`--listen "${values.listen}" is not [HOST]:PORT`);
const workers = values.workers === 'auto' ? 'auto' : Number(values.workers);
if (workers !== 'auto' && !(Number.isInteger(workers) && workers >= 1 && workers <= 64)) {
  fail(`--workers "${values.workers}" is not auto or 1 to 64`);
}
const log = processLogger({ component: 'distribution-origin' });
const origin = await Origin.start({
  dir: values.dir,
  libraryDir: library,
  host: listen.host || '0.0.0.0',
  port: Number(listen.port),
  logRequests: values['log-requests'],
  workerProcesses: workers,
});
log.info('serving the library', { url: origin.url, library });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void origin.stop());
}
