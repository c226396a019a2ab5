/**
 * `npm run package -- ...`, and the packager image's entry point: parse the flags, package the
 * title with a progress line on stderr, print where the package is. Exit 0 when packaged, 2 for a
 * refused flag or input (the message names the flag), 1 when ffmpeg or the encryptor failed.
 */
import { asCliError, CliError, parseCli, USAGE } from './cli-args.ts';
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

async function main(argv: readonly string[]): Promise<number> {
  const command = parseCli(argv);
  if (command.help) {
    console.log(USAGE);
    return 0;
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
