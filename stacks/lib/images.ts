/**
 * Container images of the project's own components. The registry and tag come from stack
 * config (`smart-fleet:imageRegistry`, `smart-fleet:imageTag`), so a stack pins exactly what it
 * runs; the component names are fixed here, once.
 */
import type { StackConfig } from './config.ts';

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

export const DEFAULT_IMAGE_REGISTRY = 'registry.smart-fleet.local';
export const DEFAULT_IMAGE_TAG = '0.1.0';

export interface ImageSource {
  registry: string;
  tag: string;
}

export function imageSource(config: StackConfig): ImageSource {
  return {
    registry: config.string('imageRegistry', DEFAULT_IMAGE_REGISTRY),
    tag: config.string('imageTag', DEFAULT_IMAGE_TAG),
  };
}

export function imageFor(component: ComponentImage, source: ImageSource): string {
  return `${source.registry}/${COMPONENT_IMAGES[component]}:${source.tag}`;
}
