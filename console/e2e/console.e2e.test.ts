/**
 * The console end to end, in real headless Chromium against what `npm start` runs (hub, sample
 * fleet, operators, two live agents, the development issuer, the API serving the console):
 * NOC staff sign in through the issuer's page and see the API's own counts and every site on
 * the map; filter the site list; open a live site and drain it, its phase changing on screen
 * without a reload; an operator pauses and resumes a rollout; a partner sees only its tenant's
 * sites, no staff menu, and the API (holding partners to the persisted-operation allow-list)
 * refuses nothing the console sends; both languages render; axe-core finds no serious
 * violation on any page visited. Screenshots go to the artifacts folder (browser.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@smart-fleet/kube';
import type { BrowserContext, Page } from 'playwright-core';
import { type ConsoleStack, consoleStack } from '../../test/support/console-stack.ts';
import {
  type BrowserSession,
  launchChromium,
  screenshot,
  seriousViolations,
  signInAsPartner,
  signInAsStaff,
} from './browser.ts';

const UI_TIMEOUT_MS = 20_000;
const SUMMARY = '{ fleetSummary { sites byPhase { phase count } } }';

/**
 * Every GraphQL error any page of this context was answered with, but UNAVAILABLE: that is the
 * operators not answering a telemetry read in time (a busy machine), which the console shows
 * as such; it is not a request the API refused.
 */
function recordGraphqlErrors(context: BrowserContext): string[] {
  const errors: string[] = [];
  context.on('response', async (response) => {
    if (!response.url().endsWith('/graphql') || response.request().method() !== 'POST') {
      return;
    }
    const body = await response.json().catch(() => undefined);
    const refusals = (body?.errors ?? []).filter(
      (e: { extensions?: { code?: string } }) => e.extensions?.code !== 'UNAVAILABLE',
    );
    if (refusals.length > 0) {
      const name = JSON.parse(response.request().postData() ?? '{}').operationName;
      errors.push(`${name}: ${JSON.stringify(refusals).slice(0, 300)}`);
    }
  });
  return errors;
}

async function assertAccessible(page: Page, where: string) {
  const violations = await seriousViolations(page);
  assert.deepEqual(
    violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes[0]?.target.join(' ')}`),
    [],
    `axe-core on ${where}`,
  );
}

async function mapDrawn(page: Page): Promise<number> {
  const map = page.getByTestId('fleet-map').first();
  await map.locator('canvas').waitFor({ timeout: UI_TIMEOUT_MS });
  await page.waitForFunction(
    () => document.querySelector('[data-testid=fleet-map]')?.getAttribute('data-state') === 'drawn',
    undefined,
    { timeout: UI_TIMEOUT_MS },
  );
  return Number(await map.getAttribute('data-sites'));
}

/** Picks `label` in a react-admin SelectArrayInput named by its visible label. */
async function chooseInFilter(page: Page, filterLabel: string, option: string) {
  await page.getByRole('combobox', { name: filterLabel }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
  await page.keyboard.press('Escape');
}

// The whole suite's budget: starting the stack alone takes 20 s on an idle machine, minutes on a busy one.
describe('the console, end to end', { timeout: 600_000 }, () => {
  let stack: ConsoleStack;
  let browser: BrowserSession;

  before(async () => {
    const started = Date.now();
    stack = await consoleStack();
    console.error(`[e2e] the stack is up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    browser = await launchChromium();
    console.error(`[e2e] console at ${stack.consoleUrl}; live sites ${stack.liveSites.join(', ')}`);
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  describe('as NOC staff', () => {
    let context: BrowserContext;
    let page: Page;
    let errors: string[];

    before(async () => {
      context = await browser.newContext();
      errors = recordGraphqlErrors(context);
      page = await context.newPage();
      await signInAsStaff(page, stack.consoleUrl, 'noc', 'nam');
    });
    after(() => context?.close());

    it('the dashboard shows the fleet summary the API gives, phase by phase, and every site on the map', async () => {
      await page.getByTestId('total-sites').waitFor({ timeout: UI_TIMEOUT_MS });
      // The fleet moves (agents come up): compare until the screen and the API agree.
      await waitFor(
        async () => {
          const api = (await stack.gql(stack.noc, SUMMARY)).data.fleetSummary;
          const shown = Number(await page.getByTestId('total-sites').getAttribute('data-count'));
          const phases = await Promise.all(
            api.byPhase.map(async (p: { phase: string; count: number }) => {
              const tile = page.getByTestId(`phase-count-${p.phase.toUpperCase()}`);
              return Number(await tile.getAttribute('data-count')) === p.count;
            }),
          );
          return shown === api.sites && phases.every(Boolean);
        },
        { what: 'the dashboard counts to equal the API fleet summary', timeoutMs: UI_TIMEOUT_MS },
      );
      const api = (await stack.gql(stack.noc, SUMMARY)).data.fleetSummary;
      assert.equal(api.sites, stack.sites);
      assert.equal(await mapDrawn(page), api.sites, 'sites on the map');
      await page
        .getByTestId('live-indicator')
        .and(page.locator('[data-state=live]'))
        .waitFor({ timeout: UI_TIMEOUT_MS });
      await screenshot(page, 'dashboard');
      await page.getByTestId('map-panel').screenshot({ path: await screenshot(page, 'map') });
      await assertAccessible(page, 'the dashboard');
    });

    it('filters the site list by region and phase, with the API counting the same rows', async () => {
      await page.goto(`${stack.consoleUrl}#/sites`);
      await page.getByTestId('site-list').waitFor({ timeout: UI_TIMEOUT_MS });
      await chooseInFilter(page, '지역', '서울특별시');
      await chooseInFilter(page, '단계', '구성 중');
      const expected = (
        await stack.gql(
          stack.noc,
          '{ sites(first: 1, filter: { regions: [SEOUL], phases: [PROVISIONING] }) { totalCount } }',
        )
      ).data.sites.totalCount;
      assert.ok(expected > 0, 'the sample fleet has provisioning sites in Seoul');
      await waitFor(
        async () => (await page.locator('[data-testid=site-phase]').count()) === Math.min(expected, 50),
        { what: `${expected} filtered rows`, timeoutMs: UI_TIMEOUT_MS },
      );
      const phases = await page
        .locator('[data-testid=site-phase]')
        .evaluateAll((chips) => chips.map((c) => c.getAttribute('data-phase')));
      assert.ok(
        phases.every((p) => p === 'PROVISIONING'),
        `phases shown: ${phases.join(',')}`,
      );
      const regionCells = await page.locator('td.column-spec\\.location\\.region').allTextContents();
      assert.ok(
        regionCells.length > 0 && regionCells.every((r) => r === '서울특별시'),
        `regions shown: ${regionCells.join(',')}`,
      );
      assert.match(page.url(), /filter=/, 'the filter is in the URL, so the view can be shared');
      await screenshot(page, 'site-list');
      await assertAccessible(page, 'the filtered site list');
    });

    it('opens a live site, drains it, and sees its phase change without a reload', async () => {
      const name = stack.liveSites[0];
      assert.ok(name, 'a live site');
      await waitFor(
        async () =>
          (await stack.gql(stack.noc, `{ site(namespace: "${stack.namespace}", name: "${name}") { phase } }`))
            .data.site.phase === 'READY',
        { what: `${name} Ready`, timeoutMs: 60_000 },
      );
      await page.goto(`${stack.consoleUrl}#/sites?filter=${encodeURIComponent(JSON.stringify({ q: name }))}`);
      await page.getByRole('cell', { name, exact: true }).click();
      const chip = page.locator('h1 [data-testid=site-phase]');
      await chip.and(page.locator('[data-phase=READY]')).waitFor({ timeout: UI_TIMEOUT_MS });
      await page.getByTestId('condition-Reachable').waitFor({ timeout: UI_TIMEOUT_MS });
      await screenshot(page, 'site');
      await assertAccessible(page, 'a site page');
      // A marker on the window: a reload would lose it.
      await page.evaluate(() => Object.assign(window, { __noReload: true }));
      await page.getByTestId('drain-site').click();
      await page.getByRole('dialog').getByRole('button', { name: '배출' }).click();
      await chip.and(page.locator('[data-phase=DRAINING]')).waitFor({ timeout: UI_TIMEOUT_MS });
      assert.equal(
        await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload),
        true,
        'no reload',
      );
      await page
        .getByTestId('live-phase-changes')
        .getByText('정상 → 배출 중')
        .waitFor({ timeout: UI_TIMEOUT_MS });
      const api = await stack.gql(
        stack.noc,
        `{ site(namespace: "${stack.namespace}", name: "${name}") { phase spec { lifecycle } } }`,
      );
      assert.deepEqual(api.data.site, { phase: 'DRAINING', spec: { lifecycle: 'DRAINING' } });
    });

    it('shows no rollout controls to NOC staff, and the API refused nothing it sent', async () => {
      await page.goto(`${stack.consoleUrl}#/rollouts`);
      await page
        .getByRole('heading', { level: 1 })
        .or(page.locator('.RaList-main'))
        .first()
        .waitFor({ timeout: UI_TIMEOUT_MS });
      assert.equal(await page.getByRole('link', { name: '만들기' }).count(), 0, 'no create button for NOC');
      assert.deepEqual(errors, []);
    });
  });

  describe('as an operator', () => {
    let context: BrowserContext;
    let page: Page;

    before(async () => {
      const release = await stack.gql(
        stack.operator,
        `mutation { createRelease(namespace: "${stack.namespace}", name: "edge-2-0", spec: { version: "2.0.0",
          services: [{ name: STREAMING_EDGE, image: "registry.smart-fleet.local/streaming-edge:2.0.0" }] }) { __typename } }`,
      );
      assert.equal(release.data.createRelease.__typename, 'MutationCreateReleaseSuccess');
      const rollout = await stack.gql(
        stack.operator,
        `mutation { startRollout(namespace: "${stack.namespace}", name: "edge-2-0-seoul", spec: { release: "edge-2-0",
          selector: { regions: [SEOUL] }, canarySites: 1, respectMaintenanceWindows: false,
          waves: [{ name: "seoul", percent: 100, maxUnavailable: 2 }], healthGate: { bakeSeconds: 600 } }) { __typename } }`,
      );
      assert.equal(rollout.data.startRollout.__typename, 'MutationStartRolloutSuccess');
      context = await browser.newContext();
      page = await context.newPage();
      await signInAsStaff(page, stack.consoleUrl, 'operator', 'olivia');
    });
    after(() => context?.close());

    it('pauses and resumes a rollout, each after a confirmation', async () => {
      await page.goto(`${stack.consoleUrl}#/rollouts`);
      await page.getByRole('cell', { name: 'edge-2-0-seoul', exact: true }).click();
      const phase = page.getByTestId('rollout-phase');
      await phase.and(page.locator('[data-phase=PROGRESSING]')).waitFor({ timeout: 30_000 });
      await page.getByTestId('rollout-waves').waitFor();
      await page.getByTestId('rollout-pause').click();
      await page.getByRole('dialog').getByRole('button', { name: '일시 중지' }).click();
      await phase.and(page.locator('[data-phase=PAUSED]')).waitFor({ timeout: UI_TIMEOUT_MS });
      await screenshot(page, 'rollout');
      await assertAccessible(page, 'a rollout page');
      await page.getByTestId('rollout-resume').click();
      await page.getByRole('dialog').getByRole('button', { name: '재개' }).click();
      await phase.and(page.locator('[data-phase=PROGRESSING]')).waitFor({ timeout: UI_TIMEOUT_MS });
      const api = await stack.gql(
        stack.operator,
        '{ rollouts(first: 10) { edges { node { name spec { paused } } } } }',
      );
      const node = api.data.rollouts.edges.find(
        (e: { node: { name: string } }) => e.node.name === 'edge-2-0-seoul',
      ).node;
      assert.equal(node.spec.paused, false);
    });
  });

  describe('as a partner', () => {
    const TENANT = 'metro-cable';
    let context: BrowserContext;
    let page: Page;
    let errors: string[];
    let key: string;

    before(async () => {
      key = await stack.partnerKey(TENANT, ['sites:read', 'content:read', 'telemetry:read']);
      context = await browser.newContext();
      errors = recordGraphqlErrors(context);
      page = await context.newPage();
      await signInAsPartner(page, stack.consoleUrl, key);
    });
    after(() => context?.close());

    it("sees only its tenant's sites and no staff-only menu, through persisted operations only", async () => {
      await page.getByTestId('total-sites').waitFor({ timeout: UI_TIMEOUT_MS });
      const freeForm = await stack.gql({ apiKey: key }, SUMMARY);
      assert.ok(
        !freeForm.data && (freeForm.errors?.length ?? 0) > 0,
        'the API holds partners to the allow-list',
      );
      const expected = (
        await stack.gql(stack.noc, `{ sites(first: 1, filter: { tenants: ["${TENANT}"] }) { totalCount } }`)
      ).data.sites.totalCount;
      await waitFor(
        async () => Number(await page.getByTestId('total-sites').getAttribute('data-count')) === expected,
        {
          what: 'the partner dashboard to count its own sites',
          timeoutMs: UI_TIMEOUT_MS,
        },
      );
      assert.equal(await mapDrawn(page), expected, "the partner's sites on the map");
      const menu = await page
        .locator('.RaSidebar-fixed a, .RaMenu-open a, [role=menuitem]')
        .allTextContents();
      for (const staffOnly of ['경보', '배포', '릴리스', '광역 클러스터', '테넌트']) {
        assert.ok(
          !menu.some((m) => m.includes(staffOnly)),
          `no ${staffOnly} menu for a partner: ${menu.join(' | ')}`,
        );
      }
      await assertAccessible(page, "a partner's dashboard");
      await page.goto(`${stack.consoleUrl}#/sites`);
      await page.getByTestId('site-list').waitFor({ timeout: UI_TIMEOUT_MS });
      const tenants = await page.locator('td.column-spec\\.tenant').allTextContents();
      assert.ok(
        tenants.length > 0 && tenants.every((t) => t === TENANT),
        `tenants shown: ${[...new Set(tenants)].join(',')}`,
      );
      await page.locator('td.column-name').first().click();
      await page.locator('h1 [data-testid=site-phase]').waitFor({ timeout: UI_TIMEOUT_MS });
      assert.equal(
        await page.getByText('광역 클러스터').count(),
        0,
        'no wide-area cluster on a partner site page',
      );
      await assertAccessible(page, "a partner's site page");
      assert.deepEqual(errors, [], 'the API refused none of the console partner requests');
    });
  });

  describe('in both languages', () => {
    it('renders Korean by default, switches to English, and remembers the choice', async () => {
      const context = await browser.newContext({ locale: 'en-US' });
      const page = await context.newPage();
      await signInAsStaff(page, stack.consoleUrl, 'noc', 'nam');
      await page.getByRole('heading', { level: 1, name: '함대 개요' }).waitFor({ timeout: UI_TIMEOUT_MS });
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'ko');
      await page
        .getByRole('button', { name: '언어' })
        .or(page.getByRole('button', { name: '한국어' }))
        .first()
        .click();
      await page.getByRole('menuitem', { name: 'English' }).click();
      await page
        .getByRole('heading', { level: 1, name: 'Fleet overview' })
        .waitFor({ timeout: UI_TIMEOUT_MS });
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
      await assertAccessible(page, 'the English dashboard');
      await page.reload();
      await page
        .getByRole('heading', { level: 1, name: 'Fleet overview' })
        .waitFor({ timeout: UI_TIMEOUT_MS });
      await page.goto(`${stack.consoleUrl}#/sites`);
      await page.getByRole('columnheader', { name: 'Region' }).waitFor({ timeout: UI_TIMEOUT_MS });
      assert.ok(
        (await page.getByText('Seoul', { exact: true }).count()) +
          (await page.getByText('Busan', { exact: true }).count()) >
          0,
      );
      await context.close();
    });
  });
});
