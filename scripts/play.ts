/**
 * `npm run play -- [--site NAME] [--title NAME] [--subscriber ID] [--minutes N]`: a playable URL
 * for the sample fleet `npm start` runs. Asks the local GraphQL API for an entitlement (as a
 * development operator), opens a session on the live site's edge with it, and prints the ffplay
 * and ffprobe commands. The session ends when idle; run it again for a fresh one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { devTokenSigner, LOCAL_API_PORT, LOCAL_ISSUER, LOCAL_ISSUER_DIR } from '@smart-fleet/api';
import { DEFAULT_HUB_DIR } from '@smart-fleet/kube';
import { openPlaybackSession } from './playback-session.ts';
import { LIVE_SITES_FILE, type LiveSite } from './sample-agents.ts';
import { SAMPLE_TITLE } from './sample-data-plane.ts';

const { values } = parseArgs({
  options: {
    site: { type: 'string' },
    title: { type: 'string', default: SAMPLE_TITLE },
    subscriber: { type: 'string', default: 'sample-viewer' },
    minutes: { type: 'string', default: '15' },
  },
});

function fail(message: string): never {
  console.error(`[play] ${message}`);
  process.exit(2);
}

const file = join(DEFAULT_HUB_DIR, LIVE_SITES_FILE);
if (!existsSync(file)) {
  fail(`no live sites: ${file} is missing. Is npm start running?`);
}
const live = JSON.parse(readFileSync(file, 'utf8')) as LiveSite[];
const site = values.site ? live.find((s) => s.site === values.site) : live[0];
if (!site) {
  fail(`${values.site} is not a live site; live: ${live.map((s) => s.site).join(', ')}`);
}
const minutes = Number(values.minutes);
if (!Number.isInteger(minutes) || minutes < 1 || minutes > 15) {
  // Entitlements are short-lived by design (services/src/license/entitlement.ts).
  fail(`--minutes must be a whole number from 1 to 15, not ${values.minutes}`);
}
const sign = await devTokenSigner(LOCAL_ISSUER_DIR, LOCAL_ISSUER);
try {
  const session = await openPlaybackSession({
    apiUrl: `http://127.0.0.1:${LOCAL_API_PORT}/graphql`,
    bearer: await sign({ sub: 'npm-run-play', roles: ['operator'], ttlSeconds: 300 }),
    namespace: site.namespace,
    site: site.site,
    edgeUrl: site.edgeUrl,
    title: values.title,
    subscriber: values.subscriber,
    ttlSeconds: minutes * 60,
  });
  console.error(`[play] ${session.title} at ${session.site}; entitlement until ${session.expiresAt}`);
  console.log(`ffplay "${session.hlsUrl}"`);
  console.log(
    `ffprobe -v error -show_entries stream=codec_name,width,height -of compact "${session.hlsUrl}"`,
  );
} catch (error) {
  fail((error as Error).message);
}
