/**
 * The site program: one building's local server (`smart-fleet:site`, named in the inventory at
 * `smart-fleet:inventory`), deployed into that building's single-node cluster when the box is
 * installed. Reads config, declares a LocalServer, returns the site's facts and how its hardware
 * is shared out: what the stack runs, and what every release the agent applies will get.
 */
import { quantities, SITE_CACHE_CLAIM } from '@smart-fleet/model';
import type { StackOutputs } from '../index.ts';
import { StackConfig } from '../lib/config.ts';
import { LocalServer } from './local-server.ts';
import { cacheClaimSize, releaseQuotaHard } from './release-namespace.ts';
import { readSiteConfig } from './site-config.ts';

export function siteProgram(): StackOutputs {
  const args = readSiteConfig(new StackConfig());
  const server = new LocalServer(args.site.name, args);
  const { spec } = args.site;
  const { edge } = server.sizing;
  return {
    site: args.site.name,
    region: spec.location.region,
    parentCluster: spec.parentCluster,
    hardware: spec.hardware,
    egressBudgetMbps: spec.streaming.egressBudgetMbps,
    namespace: server.namespace,
    agentServiceAccount: server.agentServiceAccount,
    releaseNamespace: server.releaseNamespace,
    releaseQuota: { name: server.releaseQuota, hard: releaseQuotaHard(server.sizing) },
    cache: { claim: SITE_CACHE_CLAIM, size: cacheClaimSize(server.sizing) },
    // What the agent will give the edge of every release, per replica.
    edge: {
      replicas: edge.replicas,
      ...quantities(edge.requests),
      accelerators: edge.accelerators,
      egressMbps: edge.egressMbps,
      maxStreams: edge.maxStreams,
    },
  };
}
