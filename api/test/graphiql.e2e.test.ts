/**
 * GraphiQL offline, end to end in real headless Chromium: the page at /graphql renders its
 * editor from the API's own origin (no CDN), a query typed into it with a staff token in its
 * headers runs and shows its result, and the browser asks nothing of any host but loopback.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { waitFor } from '@smart-fleet/kube';
import type { Browser, Page } from 'playwright-core';
import { type ApiHarness, apiHarness } from '../../test/support/api-server.ts';
import { launchHeadlessChromium } from '../../test/support/chromium.ts';

let h: ApiHarness;
let browser: Browser;
let page: Page;
/** Every request the browser made, workers' included. */
const requested: string[] = [];
const problems: string[] = [];

before(async () => {
  h = await apiHarness({ sites: 4, prefix: 'api-graphiql' });
  browser = await launchHeadlessChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.on('request', (request) => requested.push(request.url()));
  page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) {
      problems.push(`console: ${message.text()}`);
    }
  });
});

after(async () => {
  await browser?.close();
  await h?.stop();
});

const isLoopback = (url: string) => {
  const { protocol, hostname } = new URL(url);
  return ['data:', 'blob:'].includes(protocol) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
};

/** Replaces what a Monaco editor holds with `text`, as pasting it would. */
async function fill(editor: string, text: string): Promise<void> {
  await page.locator(editor).first().click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

test('GET /graphql in a browser renders the GraphiQL editor from the API alone', async () => {
  const response = await page.goto(h.api.url);
  assert.equal(response?.status(), 200);
  await page.locator('.graphiql-query-editor .monaco-editor').first().waitFor({ timeout: 60_000 });
  assert.equal(await page.title(), 'SMART Fleet API');
  assert.ok(
    requested.some((url) => new URL(url).pathname.endsWith('/graphiql.js')),
    `GraphiQL's script came from the API: ${requested.join(', ')}`,
  );
});

test('a query typed into it with a token header runs and shows its result', async () => {
  const bearer = (h.operator as { bearer: string }).bearer;
  await page.getByRole('button', { name: 'Headers' }).click();
  await fill(
    '.graphiql-editor-tool .monaco-editor[data-uri*="headers"]',
    JSON.stringify({ authorization: `Bearer ${bearer}` }),
  );
  await fill('.graphiql-query-editor .monaco-editor', 'query Count { sites { totalCount } }');
  await page.locator('.graphiql-execute-button').click();
  const shown = await waitFor(
    async () => {
      const text = ((await page.locator('.graphiql-response').textContent()) ?? '').replace(/\s+/g, '');
      return text.includes('"totalCount":4') && text;
    },
    { timeoutMs: 30_000, what: 'the result to show in the response pane' },
  );
  assert.match(shown, /"data":\{"sites":\{"totalCount":4\}\}/);
});

test('the page asked nothing of any host but loopback, and the browser refused nothing', () => {
  assert.ok(requested.length >= 5, requested.join(', '));
  assert.deepEqual(
    requested.filter((url) => !isLoopback(url)),
    [],
  );
  assert.deepEqual(problems, []);
});
