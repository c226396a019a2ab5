/**
 * `npm run mpeg7 -- import FILE`: an MPEG-7 document into the `mpeg7` and `renditions` of a
 * ContentTitle spec (JSON, which is also YAML), checked by the fleet model's rules.
 * `npm run mpeg7 -- export FILE [--out OUT]`: a ContentTitle (JSON: the object, or its spec) into
 * MPEG-7, on stdout or into OUT.
 * Exit status: 0 done, 1 the input was refused (the message names file, line, column, element),
 * 2 a usage mistake.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type ContentTitleSpec, contentTitleKind, formatProblems, validateSpec } from '@smart-fleet/model';
import { Mpeg7Error } from './mpeg7-error.ts';
import { readMpeg7 } from './mpeg7-reader.ts';
import { MPEG7_LIMITS } from './mpeg7-vocabulary.ts';
import { writeMpeg7 } from './mpeg7-writer.ts';

const USAGE = `usage: npm run mpeg7 -- import FILE          print the ContentTitle spec fragment of an MPEG-7 file
       npm run mpeg7 -- export FILE [--out OUT] write MPEG-7 for a ContentTitle JSON file`;
/** A ContentTitle is a few KiB; a larger file is not one. */
const MAX_TITLE_JSON_BYTES = 1024 * 1024;

class UsageError extends Error {}
class RefusedError extends Error {}

/** Reads a file, refusing it before reading when it is over `limit` bytes. */
async function boundedRead(file: string, limit: number): Promise<Buffer> {
  const info = await stat(file).catch(() => {
    throw new UsageError(`${file}: no such file`);
  });
  if (!info.isFile()) {
    throw new UsageError(`${file}: not a file`);
  }
  if (info.size > limit) {
    throw new RefusedError(`${file}: ${info.size} bytes; at most ${limit} are read`);
  }
  return readFile(file);
}

async function importFile(file: string): Promise<string> {
  const { mpeg7, renditions } = readMpeg7(await boundedRead(file, MPEG7_LIMITS.maxBytes), file);
  return `${JSON.stringify({ mpeg7, renditions }, null, 2)}\n`;
}

function specOf(document: unknown, file: string): ContentTitleSpec {
  const object = document as { kind?: unknown; spec?: unknown } | null;
  const spec = object && typeof object === 'object' && 'spec' in object ? object.spec : document;
  if (object && typeof object === 'object' && 'kind' in object && object.kind !== 'ContentTitle') {
    throw new RefusedError(
      `${file}: kind is ${JSON.stringify(String(object.kind).slice(0, 64))}, not ContentTitle`,
    );
  }
  const problems = validateSpec(contentTitleKind, spec);
  if (problems.length > 0) {
    throw new RefusedError(`${file}: not a valid ContentTitle spec: ${formatProblems(problems.slice(0, 5))}`);
  }
  return spec as ContentTitleSpec;
}

async function exportFile(file: string, out: string | undefined): Promise<string> {
  let document: unknown;
  try {
    document = JSON.parse((await boundedRead(file, MAX_TITLE_JSON_BYTES)).toString('utf8'));
  } catch (error) {
    if (error instanceof UsageError || error instanceof RefusedError) {
      throw error;
    }
    throw new RefusedError(`${file}: not JSON`);
  }
  const xml = writeMpeg7(specOf(document, file));
  if (out) {
    await writeFile(out, xml, 'utf8');
    return `wrote ${out}\n`;
  }
  return xml;
}

async function run(argv: string[]): Promise<string> {
  const parse = () => parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string' } } });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [command, file, ...extra] = parsed.positionals;
  if (!file || extra.length > 0) {
    throw new UsageError(USAGE);
  }
  if (command === 'import' && parsed.values.out === undefined) {
    return importFile(file);
  }
  if (command === 'export') {
    return exportFile(file, parsed.values.out);
  }
  throw new UsageError(USAGE);
}

try {
  process.stdout.write(await run(process.argv.slice(2)));
} catch (error) {
  const refused = error instanceof Mpeg7Error || error instanceof RefusedError;
  if (!refused && !(error instanceof UsageError)) {
    throw error;
  }
  process.stderr.write(`npm run mpeg7: ${(error as Error).message}\n`);
  process.exitCode = refused ? 1 : 2;
}
