/**
 * The Kubernetes provider every object in the hub goes through. An explicit provider, not the
 * ambient default, so a stack names the cluster it changes: the kubeconfig in
 * `smart-fleet:hubKubeconfig` (a secret: it holds credentials), or, when that is unset, the
 * ambient one (KUBECONFIG or ~/.kube/config of whoever runs `pulumi up`).
 */
import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from '../lib/config.ts';

export const HUB_KUBECONFIG_KEY = 'hubKubeconfig';

export function hubProvider(config: StackConfig, opts?: pulumi.CustomResourceOptions): k8s.Provider {
  return new k8s.Provider(
    'hub',
    {
      kubeconfig: config.optionalSecret(HUB_KUBECONFIG_KEY),
      // Server-side apply, as `npm run fleet -- apply` writes: the API server merges fields and
      // reports conflicts with other managers (the operators own status, never spec).
      enableServerSideApply: true,
    },
    opts,
  );
}
