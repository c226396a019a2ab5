/**
 * Every component image the stacks and releases name (the model's COMPONENT_IMAGES), built here
 * from the Containerfiles in the repository, in three layers that share what they can:
 *   base  (FROM scratch: a Debian root filesystem, debian-rootfs.ts)
 *   app   (FROM base: Node 24, the production dependencies, the server sources; app-context.ts)
 *   the component (FROM app, or FROM base for the console: its user, ports and entrypoint)
 * Each is cached by content (image-build.ts), so `npm run images` after a one-line change rebuilds
 * the app layer and the thin component images over it, and nothing else.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { COMPONENT_IMAGES, type ComponentImage, DEFAULT_IMAGE_TAG } from '@smart-fleet/model';
import { cacheDir } from '../toolchain.ts';
import { linkOrCopy, REPO_ROOT, stageAppContext, stageDirectory } from './app-context.ts';
import { debianRootfs, type RootfsFlavour } from './debian-rootfs.ts';
import { type BuiltImage, buildImage } from './image-build.ts';
import { ensureImageTools } from './image-tools.ts';

interface Recipe {
  /** The component's Containerfile, relative to the repository root. */
  containerfile: string;
  /** What it is built FROM (passed as the BASE_IMAGE build argument). */
  from: 'app' | 'base';
  flavour: RootfsFlavour;
  /** Repository directories its Containerfile COPYs, staged as its context under the same names. */
  context?: readonly string[];
}

export const IMAGE_RECIPES: Record<ComponentImage, Recipe> = {
  operators: { containerfile: 'operators/Containerfile', from: 'app', flavour: 'node' },
  api: { containerfile: 'api/Containerfile', from: 'app', flavour: 'node' },
  agent: { containerfile: 'operators/src/agent/Containerfile', from: 'app', flavour: 'node' },
  console: {
    containerfile: 'console/Containerfile',
    from: 'base',
    flavour: 'node',
    context: ['console/dist', 'console/image'],
  },
  streamingEdge: { containerfile: 'services/src/edge/Containerfile', from: 'app', flavour: 'node' },
  licenseService: {
    containerfile: 'services/src/license/service/Containerfile',
    from: 'app',
    flavour: 'node',
  },
  licenseProxy: { containerfile: 'services/src/license/proxy/Containerfile', from: 'app', flavour: 'node' },
  distributionOrigin: { containerfile: 'services/src/origin/Containerfile', from: 'app', flavour: 'node' },
  packager: { containerfile: 'services/src/packager/Containerfile', from: 'app', flavour: 'media' },
  acceleratorDevicePlugin: {
    containerfile: 'services/src/accelerator/Containerfile',
    from: 'app',
    flavour: 'node',
  },
};

const LAYER_FILES = {
  base: join(REPO_ROOT, 'hub', 'src', 'images', 'base.Containerfile'),
  app: join(REPO_ROOT, 'hub', 'src', 'images', 'app.Containerfile'),
};

/** A fresh, private directory for one build's context; removed by the caller. */
function stageDir(name: string): string {
  const dir = join(cacheDir(), 'images', 'stage', `${name}-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function withStage<T>(name: string, fill: (dir: string) => Promise<T>): Promise<T> {
  const dir = stageDir(name);
  try {
    return await fill(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ComponentImagesOptions {
  /** Progress: one line as each layer starts and ends, none for what the cache has. */
  log?: (line: string) => void;
}

/**
 * Builds `components` (all of them unless named) and the layers they stand on; returns each
 * component's image. The console's image needs its Vite build (console/dist) made first.
 */
export async function buildComponentImages(
  components: readonly ComponentImage[] = Object.keys(IMAGE_RECIPES) as ComponentImage[],
  options: ComponentImagesOptions = {},
): Promise<Record<ComponentImage, BuiltImage>> {
  const log = options.log ?? (() => {});
  await ensureImageTools(log);
  // Each layer is built at most once per call, however many components stand on it.
  const layers = new Map<string, Promise<BuiltImage>>();
  const once = (key: string, build: () => Promise<BuiltImage>) => {
    const built = layers.get(key) ?? build();
    layers.set(key, built);
    return built;
  };
  const base = (flavour: RootfsFlavour) =>
    once(`base-${flavour}`, () =>
      withStage(`base-${flavour}`, async (dir) => {
        linkOrCopy(await debianRootfs(flavour, log), join(dir, 'rootfs.tar'));
        return buildImage({
          name: `smart-fleet-base-${flavour}`,
          tag: DEFAULT_IMAGE_TAG,
          contextDir: dir,
          containerfile: LAYER_FILES.base,
          log,
        });
      }),
    );
  const app = (flavour: RootfsFlavour) =>
    once(`app-${flavour}`, async () => {
      const from = await base(flavour);
      return withStage(`app-${flavour}`, async (dir) => {
        await stageAppContext(dir, log);
        return buildImage({
          name: `smart-fleet-app-${flavour}`,
          tag: DEFAULT_IMAGE_TAG,
          contextDir: dir,
          containerfile: LAYER_FILES.app,
          buildArgs: { BASE_IMAGE: from.ref },
          log,
        });
      });
    });
  const built = {} as Record<ComponentImage, BuiltImage>;
  // One at a time: buildah's vfs store copies whole layers, and this machine has two cores.
  for (const component of components) {
    const recipe = IMAGE_RECIPES[component];
    const from = await (recipe.from === 'app' ? app : base)(recipe.flavour);
    built[component] = await withStage(component, async (dir) => {
      for (const part of recipe.context ?? []) {
        stageDirectory(part, join(dir, part));
      }
      return buildImage({
        name: COMPONENT_IMAGES[component],
        tag: DEFAULT_IMAGE_TAG,
        contextDir: dir,
        containerfile: join(REPO_ROOT, recipe.containerfile),
        buildArgs: { BASE_IMAGE: from.ref },
        log,
      });
    });
  }
  return built;
}
