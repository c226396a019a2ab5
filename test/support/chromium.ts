/**
 * Real headless Chromium for any test or benchmark that drives a browser (the console's, the
 * API's GraphiQL): Debian's `chromium`, installed by scripts/toolchain/install-chromium.sh when
 * missing (`npx playwright install` cannot download browsers here), launched through
 * playwright-core with the flags TOOLCHAIN.md lists and a fresh profile each launch
 * (playwright's own temporary --user-data-dir).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

const INSTALL = fileURLToPath(new URL('../../scripts/toolchain/install-chromium.sh', import.meta.url));
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/** Where Chromium is, installing Debian's package first if it is missing. */
export function chromiumPath(): string {
  if (existsSync('/usr/bin/chromium')) {
    return '/usr/bin/chromium';
  }
  const out = execFileSync('bash', [INSTALL], { stdio: ['ignore', 'pipe', 'inherit'] })
    .toString()
    .trim();
  return out.split('\n').at(-1) ?? '/usr/bin/chromium';
}

export function launchHeadlessChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS });
}
