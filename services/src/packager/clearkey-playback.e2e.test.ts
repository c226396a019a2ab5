/**
 * A browser plays our CENC output: headless Chromium opens a page on 127.0.0.1 that appends the
 * H.264 representation's init and media segments to an MSE SourceBuffer, answers the ClearKey
 * CDM's license request (EME `org.w3.clearkey`, `cenc` init data from our pssh) from the test
 * server's /license, and plays. The video must advance past 1 s with frames decoded and no
 * error; without the key the CDM waits for it and not one frame is shown.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchHeadlessChromium } from '../../../test/support/chromium.ts';
import { packageTitle } from './package-title.ts';
import type { PackagedTitle } from './packaged-manifest.ts';
import { type MediaServer, startMediaServer } from './test-support/media-server.ts';
import { freshKeys, makeTinyMezzanine, TINY_PACKAGE } from './test-support/tiny-media.ts';

const PLAYER = `<!doctype html>
<html><body><video id="v" muted playsinline></video>
<script type="module">
const params = new URLSearchParams(location.search);
const files = JSON.parse(params.get('files'));
const mime = params.get('mime');
const video = document.getElementById('v');
const report = (window.report = { events: [], error: null, licenses: 0 });
video.addEventListener('error', () => { report.error = 'video: ' + (video.error && video.error.message); });
video.addEventListener('waitingforkey', () => report.events.push('waitingforkey'));
try {
  const access = await navigator.requestMediaKeySystemAccess('org.w3.clearkey', [
    { initDataTypes: ['cenc'], videoCapabilities: [{ contentType: mime }] },
  ]);
  const keys = await access.createMediaKeys();
  await video.setMediaKeys(keys);
  video.addEventListener('encrypted', (e) => {
    report.events.push('encrypted:' + e.initDataType);
    const session = keys.createSession();
    session.addEventListener('message', async (m) => {
      const res = await fetch('/license', { method: 'POST', body: m.message });
      report.licenses++;
      try { await session.update(await res.arrayBuffer()); report.events.push('licensed'); }
      catch (err) { report.events.push('license refused: ' + err); }
    });
    session.generateRequest(e.initDataType, e.initData).catch((err) => { report.error = String(err); });
  });
  const source = new MediaSource();
  video.src = URL.createObjectURL(source);
  await new Promise((r) => source.addEventListener('sourceopen', r, { once: true }));
  const buffer = source.addSourceBuffer(mime);
  for (const f of files) {
    buffer.appendBuffer(await (await fetch(f)).arrayBuffer());
    await new Promise((r) => buffer.addEventListener('updateend', r, { once: true }));
  }
  source.endOfStream();
  report.events.push('appended');
  video.play().catch((err) => { report.error = 'play: ' + err; });
} catch (err) { report.error = String(err); }
</script></body></html>`;

interface PlayerState {
  currentTime: number;
  frames: number;
  error: string | null;
  events: string[];
  licenses: number;
}

describe('ClearKey playback of the CENC DASH output in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'packager-clearkey-'));
  const out = join(dir, 'package');
  const [key] = freshKeys(1) as [{ keyId: string; key: Buffer }];
  let manifest: PackagedTitle;
  let server: MediaServer;
  let browser: Browser;
  let playerUrl: string;

  before(async () => {
    const started = Date.now();
    [manifest, browser] = await Promise.all([
      makeTinyMezzanine(dir).then((input) =>
        packageTitle({
          ...TINY_PACKAGE,
          input,
          outDir: out,
          title: 'tiny-clearkey',
          renditions: [{ name: 'avc', codec: 'H.264', bitrateMbps: 0.4 }],
          keys: [key],
          formats: ['dash'],
        }),
      ),
      launchHeadlessChromium(),
    ]);
    console.error(`[test] packaged and launched Chromium in ${Date.now() - started} ms`);
    server = await startMediaServer(out, [key]);
    server.pages.set('/player.html', { type: 'text/html; charset=utf-8', body: PLAYER });
    const id = manifest.renditions[0]?.dash?.representationId ?? '';
    const mpd = readFileSync(join(out, 'dash', 'manifest.mpd'), 'utf8');
    const codecs = new RegExp(`<Representation id="${id}"[^>]*codecs="([^"]+)"`).exec(mpd)?.[1];
    assert.ok(codecs?.startsWith('avc1.'), `no H.264 codecs string for representation ${id}`);
    const segments = readdirSync(join(out, 'dash'))
      .filter((f) => f.startsWith(`chunk-${id}-`))
      .sort();
    const files = [`init-${id}.m4s`, ...segments].map((f) => `/dash/${f}`);
    playerUrl = `${server.url}/player.html?${new URLSearchParams({ files: JSON.stringify(files), mime: `video/mp4; codecs="${codecs}"` })}`;
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the player and waits (with a deadline) until `done` holds for its state. */
  async function play(done: string): Promise<PlayerState> {
    const page = await browser.newPage();
    try {
      await page.goto(playerUrl);
      await page.waitForFunction(
        `(() => { const v = document.getElementById('v'); const r = window.report; return r && (r.error || (${done})); })()`,
        undefined,
        { timeout: 30_000, polling: 100 },
      );
      return await page.evaluate(() => {
        const v = document.getElementById('v') as HTMLVideoElement;
        const r = (
          window as unknown as { report: { error: string | null; events: string[]; licenses: number } }
        ).report;
        return {
          currentTime: v.currentTime,
          frames: v.getVideoPlaybackQuality().totalVideoFrames,
          error: r.error,
          events: r.events,
          licenses: r.licenses,
        };
      });
    } finally {
      await page.close();
    }
  }

  it('plays past 1 s with the ClearKey license, frames decoded, no error', async () => {
    const state = await play('v.currentTime > 1.2');
    assert.equal(state.error, null, JSON.stringify(state));
    assert.ok(state.currentTime > 1, `currentTime ${state.currentTime}`);
    assert.ok(state.frames > 0, `totalVideoFrames ${state.frames}`);
    assert.ok(
      state.events.includes('encrypted:cenc') && state.events.includes('licensed'),
      state.events.join(', '),
    );
    assert.ok((server.keyRequests.get(key.keyId) ?? 0) > 0, 'the license server was never asked for the key');
  });

  it('shows no frame without the key: the CDM waits for it', async () => {
    server.keys.delete(key.keyId);
    try {
      const state = await play("r.events.includes('waitingforkey') && r.licenses > 0");
      assert.equal(state.currentTime, 0, JSON.stringify(state));
      assert.equal(state.frames, 0, JSON.stringify(state));
    } finally {
      server.keys.set(key.keyId, key.key);
    }
  });
});
