/**
 * The sample fleet's wide-area data plane, as `npm start` runs it: a sample title with a DRM
 * policy in the hub, its keys made by the DRM key controller, packaged by the packager from a
 * generated clip into the library (cached: packaged again only when its keys changed), a
 * distribution origin serving that library, and the wide-area license service. The live sites'
 * edges fill from the origin and license through it (scripts/sample-agents.ts).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  freePort,
  type KubeClient,
  type Logger,
  Registry,
  serverSideApply,
  waitFor,
} from '@smart-fleet/kube';
import { GROUP_VERSION } from '@smart-fleet/model';
import {
  type EntitlementKeys,
  type EntitlementSigner,
  entitlementKeys,
  generateTestClip,
  type KekRing,
  keySecretName,
  LicenseServer,
  loadOrCreateEntitlementSigner,
  Origin,
  packageIsCurrent,
  publicKeySet,
  publishTitle,
  TitleKeys,
} from '@smart-fleet/services';

const MANAGER = 'smart-fleet-sample';
export const SAMPLE_TITLE = 'sample-seoul-night';
export const SAMPLE_DRM_POLICY = 'sample-premium';
const SAMPLE_OWNER = 'public-broadcaster';
/** The generated mezzanine: every frame of it must play at a live site. */
export const SAMPLE_CLIP = { seconds: 12, width: 1280, height: 720, fps: 25 } as const;

export interface SampleDataPlane {
  title: string;
  origin: Origin;
  /** The wide-area license service, for the sites' license proxies. */
  licenseUrl: URL;
  /** The hub's entitlement signer (the API issues with it) and the key set the edges verify with. */
  signer: EntitlementSigner;
  entitlementKeys: EntitlementKeys;
  stop(): Promise<void>;
}

/** The sample title and its policy: per-title keys, placed by demand in the capital region. */
async function applySampleTitle(client: KubeClient, namespace: string): Promise<void> {
  const apply = (object: object) =>
    serverSideApply(client, object as never, { fieldManager: MANAGER, force: true });
  await apply({
    apiVersion: GROUP_VERSION,
    kind: 'DrmPolicy',
    metadata: { name: SAMPLE_DRM_POLICY, namespace },
    spec: { keyScope: 'per-title', algorithm: 'AES-128-CBC', rotationDays: 30, licenseDurationHours: 24 },
  });
  await apply({
    apiVersion: GROUP_VERSION,
    kind: 'ContentTitle',
    metadata: { name: SAMPLE_TITLE, namespace },
    spec: {
      owner: SAMPLE_OWNER,
      drmPolicy: SAMPLE_DRM_POLICY,
      mpeg7: {
        title: 'Seoul at night (sample)',
        genre: ['documentary'],
        creators: [{ name: 'SMART Fleet sample', role: 'Producer' }],
        language: 'ko',
        durationSeconds: SAMPLE_CLIP.seconds,
        synopsis: "ffmpeg's test pattern and a tone: the sample fleet's one title.",
      },
      renditions: [
        { name: 'sd-2m', codec: 'H.264', bitrateMbps: 2, sizeMB: 4 },
        { name: 'hd-5m', codec: 'H.264', bitrateMbps: 5, sizeMB: 8 },
      ],
      demand: [
        { region: 'seoul', weight: 100 },
        { region: 'gyeonggi', weight: 50 },
        { region: 'incheon', weight: 20 },
      ],
    },
  });
}

/** The mezzanine: a generated clip (test pattern and tone), made once. */
async function sampleClip(dir: string): Promise<string> {
  const file = join(dir, `${SAMPLE_TITLE}.mp4`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    await generateTestClip({ file, ...SAMPLE_CLIP, crf: 12 });
  }
  return file;
}

/**
 * The local hub's entitlement signer, kept in the data plane's folder between starts: the API
 * issues with it, the license service verifies with it, and the operators hand its public key to
 * every site in the bundle (so it is made before they start).
 */
export function sampleEntitlementSigner(dir: string): Promise<EntitlementSigner> {
  return loadOrCreateEntitlementSigner(join(dir, 'entitlement-signing-key.json'), 'local-hub-1');
}

export async function startSampleDataPlane(o: {
  client: KubeClient;
  namespace: string;
  /** Where the library and the clip are kept between starts. */
  dir: string;
  kek: KekRing;
  signer: EntitlementSigner;
  log: Logger;
  say: (line: string) => void;
}): Promise<SampleDataPlane> {
  const { client, namespace } = o;
  await applySampleTitle(client, namespace);
  await waitFor(
    () =>
      client.core
        .readNamespacedSecret({ name: keySecretName(SAMPLE_TITLE), namespace })
        .catch(() => undefined),
    { what: `the DRM key controller's keys for ${SAMPLE_TITLE}`, timeoutMs: 60_000 },
  );
  const library = join(o.dir, 'library');
  mkdirSync(library, { recursive: true });
  if (await packageIsCurrent({ client, namespace, library, title: SAMPLE_TITLE })) {
    o.say(`[data-plane] ${SAMPLE_TITLE}: packaged earlier, under keys it still holds`);
  } else {
    o.say(`[data-plane] packaging ${SAMPLE_TITLE} (HLS AES-128 and DASH CENC, 2 renditions; once)`);
    let shown = '';
    const published = await publishTitle({
      client,
      namespace,
      title: SAMPLE_TITLE,
      input: await sampleClip(join(o.dir, 'mezzanine')),
      library,
      keks: o.kek.keks,
      segmentSeconds: 2,
      // Relative: a player resolves it under its session's signed prefix, which the edge sends
      // to the site's license proxy.
      hlsKeyBaseUrl: 'keys/',
      x264Preset: 'veryfast',
      onProgress: (p) => {
        const line = `${p.step}${p.rendition ? ` ${p.rendition}` : ''} ${Math.floor(p.percent / 25) * 25}%`;
        if (line !== shown) {
          shown = line;
          o.say(`[data-plane]   ${line}`);
        }
      },
    });
    o.say(
      `[data-plane] ${SAMPLE_TITLE}: ${published.status.renditions
        .map((r) => `${r.name} ${r.width}x${r.height} ${r.measuredMbps.toFixed(2)} Mbps`)
        .join(', ')}`,
    );
  }
  const origin = await Origin.start({
    dir: join(o.dir, 'origin'),
    libraryDir: library,
    host: '127.0.0.1',
    port: 0,
  });
  const { signer } = o;
  const keys = entitlementKeys(publicKeySet([signer]));
  const license = await LicenseServer.start({
    host: '127.0.0.1',
    port: await freePort(),
    keys,
    titleKeys: new TitleKeys({ client, namespace }),
    keks: o.kek.keks,
    log: o.log.child({ component: 'license-service' }),
    registry: new Registry(),
  });
  o.say(`[data-plane] origin ${origin.url} serving ${library}; license service on 127.0.0.1:${license.port}`);
  return {
    title: SAMPLE_TITLE,
    origin,
    licenseUrl: new URL(`http://127.0.0.1:${license.port}`),
    signer,
    entitlementKeys: keys,
    async stop() {
      await Promise.all([origin.stop(), license.close()]);
    },
  };
}
