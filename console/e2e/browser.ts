/**
 * Real headless Chromium for the console's end-to-end tests and benchmark: the shared launch
 * (test/support/chromium.ts: Debian's `chromium`, installed when missing, the flags TOOLCHAIN.md
 * lists, a fresh profile each launch) with the console's viewport and locale. Also: axe-core injected
 * into a page (serious and critical violations returned), screenshots into an artifacts folder,
 * and the development issuer's sign-in clicked through as a person would.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchHeadlessChromium } from '../../test/support/chromium.ts';

export interface BrowserSession {
  browser: Browser;
  newContext(options?: { locale?: string }): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<BrowserSession> {
  // playwright gives every launch a fresh temporary profile of its own (the --user-data-dir).
  const browser = await launchHeadlessChromium();
  return {
    browser,
    newContext: (options = {}) =>
      browser.newContext({
        viewport: { width: 1440, height: 1000 },
        locale: options.locale ?? 'ko-KR',
        timezoneId: 'UTC',
      }),
    async close() {
      await browser.close();
    },
  };
}

/** Screenshots land here: SMART_FLEET_E2E_ARTIFACTS, else .e2e-artifacts/ (git-ignored). */
export function artifactsDir(): string {
  const dir =
    process.env.SMART_FLEET_E2E_ARTIFACTS ?? fileURLToPath(new URL('../../.e2e-artifacts/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(artifactsDir(), `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; html: string }[];
}

/** axe-core's WCAG A/AA checks on the page as it is now; serious and critical findings only. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated over the DevTools protocol, which the console's CSP (no inline scripts) does not govern.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, html: n.html.slice(0, 200) })),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Signs in as staff through the console's button and the development issuer's page. */
export async function signInAsStaff(
  page: Page,
  consoleUrl: string,
  role: 'operator' | 'noc',
  user: string = role,
): Promise<void> {
  await page.goto(consoleUrl);
  await page.getByTestId('staff-sign-in').click();
  await page.waitForURL(/\/authorize\?/);
  await page.locator(`input[name=role][value=${role}]`).check();
  await page.locator('#sub').fill(user);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/console/') && url.hash.startsWith('#/'));
}

export async function signInAsPartner(page: Page, consoleUrl: string, apiKey: string): Promise<void> {
  await page.goto(consoleUrl);
  await page.locator('#api-key').fill(apiKey);
  await page.locator('form button[type=submit]').click();
}
