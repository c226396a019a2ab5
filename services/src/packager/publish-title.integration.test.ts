/**
 * Publishing a title on a real kube-apiserver: the packager takes the renditions from the
 * ContentTitle and the keys from its sealed key Secret, writes the package and its MPEG-7
 * beside it into the library, and records what it measured in the title's status under its own
 * field manager. Refusals (no keys, a KEK that cannot open them, keys per rendition) change
 * nothing: no package, no status.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { objectRef } from '@smart-fleet/kube';
import { type ContentTitle, type ContentTitleSpec, contentTitleKind } from '@smart-fleet/model';
import { testHub, uniqueNamespace } from '../../../test/support/test-hub.ts';
import {
  FIXTURE_KEK_ID,
  keyRecord,
  type TitleKeyFixture,
  titleKeyFixture,
} from '../drm/test-support/title-key-fixture.ts';
import { readMpeg7 } from '../mpeg7/mpeg7-reader.ts';
import { MPEG7_FILE } from '../mpeg7/mpeg7-vocabulary.ts';
import { INGEST_DIR, packageLibrary } from './library-run.ts';
import { MANIFEST_FILE, type PackagedTitle } from './packaged-manifest.ts';
import { PublishError, publishTitle, TITLE_PACKAGING_STATUS } from './publish-title.ts';
import { makeTinyMezzanine, TINY_PACKAGE } from './test-support/tiny-media.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const TITLE = 'harbour-lights';
const SPEC: ContentTitleSpec = {
  owner: 'public-broadcaster',
  mpeg7: {
    title: 'Harbour lights',
    genre: ['documentary'],
    creators: [{ name: 'Kim Ji-woo', role: 'Director' }],
    language: 'ko',
    durationSeconds: 4,
  },
  renditions: [
    { name: 'sd-2m', codec: 'H.264', bitrateMbps: 2, sizeMB: 1 },
    { name: 'sd-3m', codec: 'MPEG-2', bitrateMbps: 3, sizeMB: 1 },
  ],
};

describe('publishing a title: packaged from the hub’s keys, recorded in the ContentTitle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smart-fleet-publish-'));
  const library = join(dir, 'library');
  const namespace = uniqueNamespace('publish');
  const active = randomUUID();
  const retired = randomUUID();
  let hub: Awaited<ReturnType<typeof testHub>>;
  let keys: TitleKeyFixture;
  let input = '';

  const readStatus = async (name = TITLE) =>
    (await hub.client.custom.getNamespacedCustomObject(
      objectRef(contentTitleKind, { metadata: { name, namespace } }),
    )) as ContentTitle & {
      metadata: {
        managedFields?: { manager?: string; fieldsV1?: Record<string, Record<string, unknown>> }[];
      };
    };
  const publish = (over: Partial<Parameters<typeof publishTitle>[0]> = {}) =>
    publishTitle({
      ...TINY_PACKAGE,
      client: hub.client,
      namespace,
      title: TITLE,
      input,
      library,
      keks: keys.keks,
      formats: ['hls'],
      ...over,
    });

  /** The packager CLI against the test hub; resolves with its exit code and output. */
  const runCli = (args: string[]) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const env = { ...process.env, KUBECONFIG: hub.kubeconfig, SMART_FLEET_DRM_KEK: '' };
      execFile(process.execPath, [MAIN, ...args], { env, timeout: 180_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
      );
    });

  before(async () => {
    hub = await testHub();
    await hub.client.core.createNamespace({ body: { metadata: { name: namespace } } });
    mkdirSync(library, { recursive: true });
    mkdirSync(join(dir, 'mezzanine'));
    input = await makeTinyMezzanine(join(dir, 'mezzanine'));
    keys = await titleKeyFixture({ client: hub.client, namespace, title: TITLE, spec: SPEC });
    await keys.write([keyRecord(TITLE, retired, 'retired', 48), keyRecord(TITLE, active, 'active', 24)]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a title with no key Secret, writing nothing', async () => {
    await titleKeyFixture({ client: hub.client, namespace, title: 'no-keys-yet', spec: SPEC });
    await assert.rejects(publish({ title: 'no-keys-yet' }), (error: Error) => {
      assert.ok(error instanceof PublishError);
      assert.match(error.message, /no key Secret no-keys-yet-drm-keys/);
      return true;
    });
    assert.equal((await readStatus('no-keys-yet')).status?.packaging, undefined);
    assert.deepEqual(readdirSync(library), []);
  });

  it('refuses a KEK that cannot open the title’s keys, writing nothing', async () => {
    await assert.rejects(publish({ keks: new Map([['kek-1', randomBytes(32)]]) }), /failed authentication/);
    assert.deepEqual(readdirSync(library), []);
  });

  it('packages under the active key, writes MPEG-7 beside it and records the measured package', async () => {
    const published = await publish();
    const manifest = JSON.parse(readFileSync(join(library, TITLE, MANIFEST_FILE), 'utf8')) as PackagedTitle;
    assert.deepEqual(
      manifest.renditions.map((r) => [r.name, r.encodedCodec]),
      [
        ['sd-2m', 'h264'],
        ['sd-3m', 'mpeg2video'],
      ],
    );
    // Every key period is under the active key: the retired one licenses old packages only.
    assert.deepEqual(
      manifest.renditions.flatMap((r) => r.hls?.keyPeriods.map((p) => p.keyId) ?? []),
      [active, active],
    );

    const mpeg7File = join(library, TITLE, MPEG7_FILE);
    const mpeg7 = readMpeg7(readFileSync(mpeg7File, 'utf8'), mpeg7File);
    assert.equal(mpeg7.mpeg7.title, 'Harbour lights');
    assert.deepEqual(mpeg7.mpeg7.creators, SPEC.mpeg7.creators);
    assert.deepEqual(Object.keys(mpeg7.frames).sort(), ['sd-2m', 'sd-3m']);

    const title = await readStatus();
    const packaging = title.status?.packaging;
    assert.ok(packaging, 'status.packaging written');
    assert.deepEqual(packaging.keyIds, [active]);
    assert.deepEqual(packaging, published.status);
    assert.equal(
      title.status?.sizeMB,
      manifest.renditions.reduce((s, r) => s + r.sizeMB, 0),
    );
    for (const r of packaging.renditions) {
      const m = manifest.renditions.find((x) => x.name === r.name);
      assert.equal(r.segments, m?.hls?.segments);
      assert.ok(r.measuredMbps > 0 && r.measuredMbps === m?.hls?.measuredMbps);
      assert.equal(`${r.width}x${r.height}`, `${m?.resolution.width}x${m?.resolution.height}`);
    }
    // The packager's entry owns status fields and nothing else (1.20 records no subresource).
    const entry = (title.metadata.managedFields ?? []).find(
      (f) => f.manager === TITLE_PACKAGING_STATUS.manager,
    );
    assert.deepEqual(Object.keys(entry?.fieldsV1 ?? {}), ['f:status']);
    assert.deepEqual(Object.keys(entry?.fieldsV1?.['f:status'] ?? {}).sort(), ['f:packaging', 'f:sizeMB']);

    // The segments are under the key the Secret holds: decrypted with it, they are MPEG-TS.
    const key = keys.plaintext.get(active) as Buffer;
    const folder = join(library, TITLE, 'hls', 'sd-2m');
    const playlist = readFileSync(join(folder, 'index.m3u8'), 'utf8');
    const first = playlist.split('\n').find((line) => line.endsWith('.ts'));
    assert.ok(first, playlist);
    // Without an IV attribute, HLS takes the segment's media sequence number as the IV (RFC 8216 5.2).
    const sequence = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(playlist)?.[1] ?? 0);
    const ivHex = /#EXT-X-KEY:[^\n]*IV=0x([0-9a-fA-F]{32})/.exec(playlist)?.[1];
    const iv = ivHex ? Buffer.from(ivHex, 'hex') : Buffer.alloc(16);
    if (!ivHex) {
      iv.writeUInt32BE(sequence, 12);
    }
    const decipher = createDecipheriv('aes-128-cbc', key, iv);
    const clear = Buffer.concat([decipher.update(readFileSync(join(folder, first))), decipher.final()]);
    assert.equal(clear[0], 0x47, 'an MPEG-TS sync byte');
    assert.equal(clear[188], 0x47, 'and the next packet’s');
  });

  it('publishes again in place: one package, no scratch folders left', async () => {
    const before = (await readStatus()).status?.packaging?.packagedAt ?? '';
    await publish();
    assert.deepEqual(readdirSync(library), [TITLE]);
    const after = (await readStatus()).status?.packaging?.packagedAt ?? '';
    assert.ok(after > before, `${after} after ${before}`);
    assert.ok(existsSync(join(library, TITLE, MPEG7_FILE)));
  });

  it('refuses keys per rendition rather than packaging them as per-title keys', async () => {
    const perRendition = {
      ...keyRecord(TITLE, randomUUID(), 'active'),
      scope: 'rendition' as const,
      target: 'sd-2m',
    };
    await keys.write([perRendition]);
    await assert.rejects(publish(), /keyed per rendition/);
    await keys.write([keyRecord(TITLE, active, 'active', 24)]);
  });

  it('runs over the library’s ingest folder: current packages kept, a revoked key packaged again, strays reported', async () => {
    const ingest = join(library, INGEST_DIR);
    mkdirSync(ingest, { recursive: true });
    copyFileSync(input, join(ingest, `${TITLE}.mp4`));
    copyFileSync(input, join(ingest, 'unknown-title.mp4'));
    writeFileSync(join(ingest, 'notes.txt'), 'not media');
    copyFileSync(input, join(ingest, 'Bad_Name.mp4'));
    const said: string[] = [];
    const first = await packageLibrary({
      ...TINY_PACKAGE,
      client: hub.client,
      namespace,
      library,
      keks: keys.keks,
      formats: ['hls'],
      say: (line) => said.push(line),
    });
    assert.deepEqual(first.current, [TITLE]);
    assert.deepEqual(first.published, []);
    assert.deepEqual(
      first.failed.map((f) => f.title),
      ['unknown-title'],
    );
    assert.deepEqual(first.skipped.map((f) => f.file).sort(), ['Bad_Name.mp4', 'notes.txt']);

    // The key the package is under is revoked: the CLI (as the CronJob runs it) packages it again.
    const fresh = randomUUID();
    await keys.write([keyRecord(TITLE, active, 'revoked', 1), keyRecord(TITLE, fresh, 'active', 0)]);
    const kekFile = join(dir, 'kek');
    writeFileSync(kekFile, (keys.keks.get(FIXTURE_KEK_ID) as Buffer).toString('base64'), { mode: 0o600 });
    const cli = await runCli([
      ...['--library', library, '--title', TITLE, '--namespace', namespace, '--kek-file', kekFile],
      ...['--kek-id', FIXTURE_KEK_ID],
      ...['--formats', 'hls', '--preset', 'veryfast'],
    ]);
    assert.equal(cli.code, 0, cli.output);
    assert.match(cli.output, new RegExp(`${TITLE}: packaged`));
    assert.deepEqual((await readStatus()).status?.packaging?.keyIds, [fresh]);
  });

  it('the CLI’s --library mode refuses to run without a KEK, naming where one comes from', async () => {
    const cli = await runCli(['--library', library, '--namespace', namespace]);
    assert.equal(cli.code, 2);
    assert.match(cli.output, /--kek-file: no KEK: set SMART_FLEET_DRM_KEK/);
  });
});
