/**
 * The container images of the project's own components: one name each, fixed here once, so the
 * stacks, the site releases and the image builder (hub/src/images/) agree on what a pod runs.
 * The tag is the project's version; where the images live (a registry, or a local node's
 * containerd that imported them under these references) is the deployer's choice.
 */
export const COMPONENT_IMAGES = {
  operators: 'smart-fleet-operators',
  api: 'smart-fleet-api',
  console: 'smart-fleet-console',
  agent: 'smart-fleet-agent',
  streamingEdge: 'smart-fleet-streaming-edge',
  licenseService: 'smart-fleet-license-service',
  licenseProxy: 'smart-fleet-license-proxy',
  distributionOrigin: 'smart-fleet-distribution-origin',
  packager: 'smart-fleet-packager',
  acceleratorDevicePlugin: 'smart-fleet-accelerator-device-plugin',
} as const;
export type ComponentImage = keyof typeof COMPONENT_IMAGES;

/** The registry the stacks name by default; local nodes import built images under it too. */
export const DEFAULT_IMAGE_REGISTRY = 'registry.smart-fleet.local';
/** The project's version (package.json), which tags every image built from this tree. */
export const DEFAULT_IMAGE_TAG = '0.1.0';

export interface ImageSource {
  registry: string;
  tag: string;
}

export const DEFAULT_IMAGE_SOURCE: ImageSource = { registry: DEFAULT_IMAGE_REGISTRY, tag: DEFAULT_IMAGE_TAG };

export function imageFor(component: ComponentImage, source: ImageSource = DEFAULT_IMAGE_SOURCE): string {
  return `${source.registry}/${COMPONENT_IMAGES[component]}:${source.tag}`;
}
