/**
 * `npm run images [-- COMPONENT...] [--list]`: builds the component images the stacks and site
 * releases name (all of them unless named; a component is its key, such as streamingEdge, or its
 * image name, such as smart-fleet-streaming-edge), from the Containerfiles in the repository,
 * cached by content (hub/src/images/). The first run makes the Debian root filesystems and
 * installs the production dependencies (minutes); later runs rebuild only what changed.
 * Prints each image's reference and size; a site node imports them (`importImage`).
 */
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ensureConsoleBuilt } from '@smart-fleet/console';
import { buildComponentImages, IMAGE_RECIPES } from '@smart-fleet/hub';
import { COMPONENT_IMAGES, type ComponentImage, imageFor } from '@smart-fleet/model';

const { values, positionals } = parseArgs({
  options: { list: { type: 'boolean', default: false } },
  allowPositionals: true,
});
const all = Object.keys(IMAGE_RECIPES) as ComponentImage[];
if (values.list) {
  for (const c of all) {
    console.log(`${c.padEnd(24)} ${COMPONENT_IMAGES[c].padEnd(40)} ${IMAGE_RECIPES[c].containerfile}`);
  }
  process.exit(0);
}
const byName = new Map<string, ComponentImage>(
  all.flatMap((c) => [
    [c, c],
    [COMPONENT_IMAGES[c], c],
  ]),
);
const unknown = positionals.filter((p) => !byName.has(p));
if (unknown.length > 0) {
  console.error(
    `images: no component ${unknown.map((u) => JSON.stringify(u)).join(', ')}; \`npm run images -- --list\` lists them`,
  );
  process.exit(2);
}
const wanted = positionals.length > 0 ? positionals.map((p) => byName.get(p) as ComponentImage) : all;
const log = (line: string) => console.error(line);
const started = Date.now();
if (wanted.includes('console')) {
  await ensureConsoleBuilt({ log });
}
const built = await buildComponentImages(wanted, { log });
for (const c of wanted) {
  const mb = statSync(built[c].archive).size / 1e6;
  console.log(`${imageFor(c).padEnd(64)} ${built[c].ref.padEnd(64)} ${mb.toFixed(0).padStart(5)} MB`);
}
console.error(`[images] ${wanted.length} images ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
