/**
 * The wide-area program: one data-centre cluster of the fleet (`smart-fleet:cluster`, named in
 * the inventory at `smart-fleet:inventory`), deployed into that cluster. Reads config, declares
 * a WideAreaCluster, returns what an operator needs to wire the local servers to it.
 */
import type { StackOutputs } from '../index.ts';
import { StackConfig } from '../lib/config.ts';
import { WideAreaCluster } from './wide-area-cluster.ts';
import { readWideAreaConfig } from './wide-area-config.ts';

export function wideAreaProgram(): StackOutputs {
  const args = readWideAreaConfig(new StackConfig());
  const cluster = new WideAreaCluster(args.cluster.name, args);
  return {
    cluster: args.cluster.name,
    regions: args.cluster.spec.regions,
    namespace: cluster.namespace,
    nodeGroups: cluster.nodeGroups,
    networks: cluster.networks,
    rdmaResource: cluster.rdmaResource,
    contentLibrary: cluster.contentLibrary,
    originUrl: cluster.originUrl,
    licenseServiceUrl: cluster.licenseServiceUrl,
  };
}
