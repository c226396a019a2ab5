/**
 * `npm run package -- ...`, and the packager image's entry point: parse the flags, package the
 * title with a progress line on stderr, print where the package is. Exit 0 when packaged, 2 for a
 * refused flag or input (the message names the flag), 1 when ffmpeg or the encryptor failed.
 * With `--library` (the content-packaging CronJob), it packages the library's ingested
 * mezzanines from the hub's titles and keys instead, and exits 1 if any title failed.
 */
import { readFileSync } from 'node:fs';
import { connect } from '@smart-fleet/kube';
import { DEFAULT_NAMESPACE } from '@smart-fleet/model';
import { parseKek } from '../drm/envelope.ts';
import { type KekRing, kekFromEnvironment } from '../drm/kek-source.ts';
import { asCliError, CliError, type LibraryCommand, parseCli, USAGE } from './cli-args.ts';
import { packageLibrary } from './library-run.ts';
import { type PackageProgress, packageTitle } from './package-title.ts';
import { MANIFEST_FILE } from './packaged-manifest.ts';
import { PackagerInputError } from './packager-errors.ts';

/** One line per step and every 10 percent off a terminal; a rewritten line on one. */
function progressPrinter(tty: boolean): (p: PackageProgress) => void {
  let last = '';
  return (p) => {
    const what = `${p.step}${p.rendition ? ` ${p.rendition}` : ''}`;
    const shown = tty ? `${what} ${p.percent}%` : `${what} ${Math.floor(p.percent / 10) * 10}%`;
    if (shown === last) {
      return;
    }
    last = shown;
    process.stderr.write(tty ? `\r[packager] ${shown}\u001b[K` : `[packager] ${shown}\n`);
  };
}

function kekRing(file: string | undefined, id = 'local-1'): KekRing {
  if (file) {
    try {
      return { activeId: id, keks: new Map([[id, parseKek(readFileSync(file, 'utf8'))]]) };
    } catch (error) {
      throw new CliError('--kek-file', `${file}: ${(error as Error).message}`);
    }
  }
  const ring = kekFromEnvironment();
  if (!ring) {
    throw new CliError(
      '--kek-file',
      'no KEK: set SMART_FLEET_DRM_KEK (base64 of 32 bytes) or pass --kek-file',
    );
  }
  return ring;
}

async function libraryRun(command: LibraryCommand): Promise<number> {
  const tty = process.stderr.isTTY === true;
  const printers = new Map<string, ReturnType<typeof progressPrinter>>();
  const run = await packageLibrary({
    ...command.options,
    client: connect(),
    namespace: command.namespace ?? DEFAULT_NAMESPACE,
    library: command.library,
    keks: kekRing(command.kekFile, command.kekId).keks,
    only: command.title,
    say: (line) => console.error(`[packager] ${line}`),
    onProgress: (title, p) => {
      const print = printers.get(title) ?? progressPrinter(tty);
      printers.set(title, print);
      print(p);
    },
  });
  for (const title of run.published) {
    console.error(`[packager] ${title}: packaged`);
  }
  for (const title of run.current) {
    console.error(`[packager] ${title}: already packaged under live keys`);
  }
  for (const { file, reason } of run.skipped) {
    console.error(`[packager] skipped ${file}: ${reason}`);
  }
  for (const { title, error } of run.failed) {
    console.error(`[packager] ${title}: FAILED: ${error}`);
  }
  console.error(
    `[packager] ${run.published.length} packaged, ${run.current.length} current, ${run.skipped.length} skipped, ${run.failed.length} failed`,
  );
  return run.failed.length > 0 ? 1 : 0;
}

async function main(argv: readonly string[]): Promise<number> {
  const command = parseCli(argv);
  if (command.help) {
    console.log(USAGE);
    return 0;
  }
  if (command.library) {
    return libraryRun(command.library);
  }
  const { options } = command;
  console.error(`[packager] packaging ${options.input} as ${options.title} into ${options.outDir}`);
  const tty = process.stderr.isTTY === true;
  const manifest = await packageTitle(options, progressPrinter(tty));
  if (tty) {
    process.stderr.write('\n');
  }
  for (const r of manifest.renditions) {
    const formats = [
      r.hls ? `HLS ${r.hls.segments} segments` : '',
      r.dash ? `DASH ${r.dash.segments} segments` : '',
    ]
      .filter(Boolean)
      .join(', ');
    console.error(
      `[packager] ${r.name}: ${r.codec} ${r.resolution.width}x${r.resolution.height}, ${r.targetMbps} Mbps target, ${formats}`,
    );
  }
  console.log(`${options.outDir}/${MANIFEST_FILE}`);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const refusal = error instanceof PackagerInputError ? asCliError(error) : error;
  console.error(`[packager] ${(refusal as Error).message}`);
  process.exitCode = refusal instanceof CliError ? 2 : 1;
}
