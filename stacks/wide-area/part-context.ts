/** What every part of a WideAreaCluster is declared with: where, for which cluster, as whose child. */
import type * as pulumi from '@pulumi/pulumi';
import type { KubernetesVersion } from '../lib/api-versions.ts';
import type { ImageSource } from '../lib/images.ts';

export interface PartContext {
  namespace: string;
  /** The cluster's name: every object's `app.kubernetes.io/instance`. */
  instance: string;
  images: ImageSource;
  kubernetesVersion: KubernetesVersion;
  /** `{ parent }`: the component the part belongs to. */
  opts: pulumi.CustomResourceOptions;
}
