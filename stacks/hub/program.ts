/**
 * The `hub` program: the fleet's control plane in a Kubernetes cluster. Namespaces, the fleet
 * CRDs (from the model), the operators with their webhook, the GraphQL API and the console
 * behind one TLS Ingress, the content packagers' hub identity, and Prometheus scrape
 * configuration. Reads config (hub-config.ts checks every key) and calls components; the
 * components hold the logic.
 */

import { imageFor } from '@smart-fleet/model';
import type { StackOutputs } from '../index.ts';
import { StackConfig } from '../lib/config.ts';
import { declareContentPackagerAccess } from './content-packager-access.ts';
import { FleetApi } from './fleet-api.ts';
import { FleetConsole } from './fleet-console.ts';
import { FleetCrds } from './fleet-crds.ts';
import { readHubConfig } from './hub-config.ts';
import { HubIngress, hubUrls } from './hub-ingress.ts';
import { HubNamespaces } from './hub-namespaces.ts';
import { hubProvider } from './hub-provider.ts';
import { Operators } from './operators.ts';
import { PrometheusScrape } from './prometheus-scrape.ts';

export function hubProgram(): StackOutputs {
  const config = new StackConfig();
  const settings = readHubConfig(config);
  const provider = hubProvider(config);
  const namespaces = new HubNamespaces(
    'namespaces',
    { system: settings.namespace, keys: settings.api.keysNamespace, fleet: settings.fleetNamespaces },
    { provider },
  );
  const crds = new FleetCrds('crds', { provider });
  // Everything namespaced waits for its namespace; the operators and API also for the CRDs.
  const inHub = { provider, dependsOn: [namespaces] };
  const operators = new Operators(
    'operators',
    {
      namespace: settings.namespace,
      fleetNamespaces: settings.fleetNamespaces,
      image: imageFor('operators', settings.images),
      replicas: settings.operators.replicas,
      version: settings.version,
      kek: settings.operators.kek,
      kekId: settings.operators.kekId,
      webhookTls: settings.operators.webhookTls,
      telemetry: settings.monitoring,
      entitlementKeys: settings.entitlements,
    },
    { ...inHub, dependsOn: [namespaces, crds] },
  );
  const api = new FleetApi(
    'api',
    {
      namespace: settings.namespace,
      fleetNamespaces: settings.fleetNamespaces,
      keysNamespace: settings.api.keysNamespace,
      image: imageFor('api', settings.images),
      oidc: settings.oidc,
      telemetry: settings.monitoring,
      autoscaling: {
        minReplicas: settings.api.replicas,
        maxReplicas: settings.api.maxReplicas,
        targetCpuPercent: settings.api.targetCpuPercent,
      },
      trustedProxies: settings.api.trustedProxies,
      entitlements: settings.entitlements,
      version: settings.version,
    },
    { ...inHub, dependsOn: [namespaces, crds] },
  );
  // The wide-area clusters' packaging jobs reach the hub as this account (no pod here runs as it).
  declareContentPackagerAccess(settings.fleetNamespaces, inHub);
  const urls = hubUrls(settings.ingress.host);
  const console = new FleetConsole(
    'console',
    {
      namespace: settings.namespace,
      image: imageFor('console', settings.images),
      autoscaling: {
        minReplicas: settings.console.replicas,
        maxReplicas: settings.console.maxReplicas,
        targetCpuPercent: settings.console.targetCpuPercent,
      },
      apiUrl: urls.apiUrl,
      oidcIssuer: settings.oidc.issuer,
      oidcClientId: settings.oidc.consoleClientId,
      version: settings.version,
    },
    inHub,
  );
  new HubIngress(
    'ingress',
    {
      namespace: settings.namespace,
      settings: settings.ingress,
      backends: { api: api.service, agents: operators.ingestService, console: console.service },
    },
    inHub,
  );
  new PrometheusScrape(
    'prometheus',
    {
      namespace: settings.namespace,
      prometheusServiceAccount: settings.monitoring.prometheusServiceAccount,
      scrapeInterval: settings.monitoring.scrapeInterval,
      retention: settings.monitoring.retention,
      replayWindow: settings.monitoring.replayWindow,
    },
    inHub,
  );
  return {
    namespace: settings.namespace,
    fleetNamespaces: settings.fleetNamespaces,
    ingressHost: settings.ingress.host,
    ...urls,
    operatorsServiceAccount: `${settings.namespace}/${operators.serviceAccountName}`,
    apiServiceAccount: `${settings.namespace}/${api.serviceAccountName}`,
    crds: crds.names,
    kubernetesVersion: `1.${settings.version.minor}`,
    // For the wide-area stacks' license services (`drm.entitlementKeys`): public keys only.
    entitlementKeys: settings.entitlements.published,
    imageTag: settings.images.tag,
  };
}
