/**
 * How a wide-area cluster's serving Deployments (the distribution origin, the license service)
 * are reached and kept up: a Service on port 80 to the pods' `http` port, and a disruption
 * budget that lets a drain take one replica at a time.
 */
import * as k8s from '@pulumi/kubernetes';
import { podDisruptionBudget } from '../lib/api-versions.ts';
import type { PartContext } from '../lib/part-context.ts';

export interface HttpServiceArgs {
  name: string;
  labels: Record<string, string>;
  selector: Record<string, string>;
}

export function declareHttpService(args: HttpServiceArgs, ctx: PartContext): k8s.core.v1.Service {
  const metadata = { name: args.name, namespace: ctx.namespace, labels: args.labels };
  const service = new k8s.core.v1.Service(
    args.name,
    {
      metadata,
      spec: {
        selector: args.selector,
        ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
      },
    },
    ctx.opts,
  );
  podDisruptionBudget(
    args.name,
    { metadata, spec: { maxUnavailable: 1, selector: { matchLabels: args.selector } } },
    ctx.kubernetesVersion,
    ctx.opts,
  );
  return service;
}
