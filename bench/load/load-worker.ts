/**
 * Child-process entry for `runLoad`: runs the open-loop engine in its own process so that it
 * never shares an event loop (or a CPU slice within one) with the server under test.
 *   node bench/load/load-worker.ts '<LoadSpec JSON>'     (or the JSON on stdin)
 * Prints the LoadResult as one line of JSON on stdout and exits 0; on failure prints the
 * reason on stderr and exits 1.
 */
import { text } from 'node:stream/consumers';
import { generateLoad, type LoadSpec } from './open-loop.ts';

async function main(): Promise<void> {
  const raw = process.argv[2] ?? (await text(process.stdin));
  const spec = JSON.parse(raw) as LoadSpec;
  const result = await generateLoad(spec);
  // Exit only once the line is out: stdout may be a pipe the parent is still reading.
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `load worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    () => process.exit(1),
  );
});
