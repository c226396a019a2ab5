/**
 * What every part of a component (WideAreaCluster, LocalServer) is declared with: where, for
 * which cluster or site, and as whose child.
 */
import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import type { ImageSource } from '@smart-fleet/model';
import type { KubernetesVersion } from './api-versions.ts';
import { PART_OF } from './labels.ts';

export interface PartContext {
  namespace: string;
  /** The cluster or site name: every object's `app.kubernetes.io/instance`. */
  instance: string;
  images: ImageSource;
  kubernetesVersion: KubernetesVersion;
  /** `{ parent }`: the component the part belongs to. */
  opts: pulumi.CustomResourceOptions;
}

export interface ComponentNamespaceArgs {
  namespace: string;
  instance: string;
  images: ImageSource;
  kubernetesVersion: KubernetesVersion;
}

/**
 * Declares a component's own namespace (a child of the component) and returns the context its
 * parts are declared with: children of the component, after the namespace.
 */
export function componentNamespace(
  component: pulumi.ComponentResource,
  args: ComponentNamespaceArgs,
): PartContext {
  const ns = new k8s.core.v1.Namespace(
    args.namespace,
    { metadata: { name: args.namespace, labels: { 'app.kubernetes.io/part-of': PART_OF } } },
    { parent: component },
  );
  return { ...args, opts: { parent: component, dependsOn: [ns] } };
}
