/**
 * One HTTPS entry point for the hub: the GraphQL API at /graphql, the site agents' endpoint at
 * /v1 (register, bundle, heartbeat, telemetry: sites sit behind NAT and call in), and the
 * console at /. TLS terminates here with the Secret named in config; the stack makes that Secret
 * when the certificate and key are in config, otherwise it must exist (cert-manager, say, with
 * its annotation in `smart-fleet:ingress.annotations`).
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { appLabels } from '../lib/labels.ts';
import type { IngressSettings } from './hub-config.ts';
import { INGRESS_NAME } from './names.ts';

export interface HubIngressArgs {
  namespace: string;
  settings: IngressSettings;
  backends: { api: k8s.core.v1.Service; agents: k8s.core.v1.Service; console: k8s.core.v1.Service };
}

/** Where the hub answers, by the Ingress's host. */
export function hubUrls(host: string) {
  return { apiUrl: `https://${host}/graphql`, consoleUrl: `https://${host}/`, agentsUrl: `https://${host}` };
}

export class HubIngress extends pulumi.ComponentResource {
  readonly host: string;
  readonly apiUrl: string;
  readonly consoleUrl: string;
  readonly agentsUrl: string;

  constructor(name: string, args: HubIngressArgs, opts?: pulumi.ComponentResourceOptions) {
    super('smart:hub:Ingress', name, {}, opts);
    const child = { parent: this };
    const { settings, namespace } = args;
    const labels = appLabels(INGRESS_NAME);
    const tls = settings.tls
      ? new k8s.core.v1.Secret(
          `${name}-tls`,
          {
            metadata: { name: settings.tlsSecretName, namespace, labels },
            type: 'kubernetes.io/tls',
            stringData: { 'tls.crt': settings.tls.certificate, 'tls.key': settings.tls.key },
          },
          child,
        )
      : undefined;
    const path = (prefix: string, service: k8s.core.v1.Service) => ({
      path: prefix,
      pathType: 'Prefix',
      backend: { service: { name: service.metadata.name, port: { name: 'http' } } },
    });
    new k8s.networking.v1.Ingress(
      `${name}-ingress`,
      {
        metadata: { name: INGRESS_NAME, namespace, labels, annotations: settings.annotations },
        spec: {
          ingressClassName: settings.className,
          tls: [{ hosts: [settings.host], secretName: tls ? tls.metadata.name : settings.tlsSecretName }],
          rules: [
            {
              host: settings.host,
              http: {
                paths: [
                  path('/graphql', args.backends.api),
                  path('/v1', args.backends.agents),
                  path('/', args.backends.console),
                ],
              },
            },
          ],
        },
      },
      child,
    );
    this.host = settings.host;
    ({
      apiUrl: this.apiUrl,
      consoleUrl: this.consoleUrl,
      agentsUrl: this.agentsUrl,
    } = hubUrls(settings.host));
    this.registerOutputs({ host: this.host, apiUrl: this.apiUrl });
  }
}
