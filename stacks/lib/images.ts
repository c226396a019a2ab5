/**
 * Where a stack's component images come from: the registry and tag from stack config
 * (`smart-fleet:imageRegistry`, `smart-fleet:imageTag`), so a stack pins exactly what it runs; the
 * component names and `imageFor` are the model's (COMPONENT_IMAGES), which the image builder tags.
 */
import { DEFAULT_IMAGE_REGISTRY, DEFAULT_IMAGE_TAG, type ImageSource } from '@smart-fleet/model';
import type { StackConfig } from './config.ts';

export function imageSource(config: StackConfig): ImageSource {
  return {
    registry: config.string('imageRegistry', DEFAULT_IMAGE_REGISTRY),
    tag: config.string('imageTag', DEFAULT_IMAGE_TAG),
  };
}
