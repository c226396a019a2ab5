/**
 * The hub program under Pulumi's mocks: what it declares, how the pieces are wired, the values
 * it derives from config, and the config errors that stop it naming their key.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ALL_KINDS, allCrds } from '@smart-fleet/model';
import {
  LICENSE_READER_ROLE,
  OPERATORS_LEASE,
  PACKAGER_SERVICE_ACCOUNT,
  WEBHOOK_NAME,
} from '@smart-fleet/operators';
import { parse } from 'yaml';
import { StackConfigError } from '../lib/config.ts';
import { type DeclaredStack, declareStack, type KubernetesManifest } from '../testing/declare.ts';
import { configError, testEntitlementKeys } from '../testing/fixtures/stack-configs.ts';
import { API_PARTNER_OPERATIONS } from './fleet-api.ts';
import { DEFAULT_TRUSTED_PROXIES } from './hub-config.ts';
import { API, CONSOLE, OPERATORS, SCRAPE_CONFIG_MAP, serviceHost } from './names.ts';
import { hubProgram } from './program.ts';
import { FLAGS_KEY, SCRAPE_FILE, STORAGE_FILE } from './prometheus-scrape.ts';
import { hubTestConfig, TEST_KEK, TEST_SIGNING_KEY, testSigningKey } from './testing/hub-test-config.ts';
import { makeWebhookCertificates } from './testing/webhook-certificates.ts';

const NS = 'smart-fleet-system';

interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: Record<string, unknown>;
  containers: Container[];
  volumes?: { name: string; secret?: { secretName: string } }[];
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: Record<string, { name: string; key: string; fieldPath?: string }>;
  }[];
  ports?: { name: string; containerPort: number }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  livenessProbe?: { httpGet: { path: string; port: string } };
  readinessProbe?: { httpGet: { path: string; port: string } };
  startupProbe?: { httpGet: { path: string; port: string } };
  volumeMounts?: { name: string; mountPath?: string }[];
}
type Deployment = KubernetesManifest & {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: PodSpec;
    };
  };
};
type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };

const deployment = (stack: DeclaredStack, name: string) => stack.object('Deployment', name, NS) as Deployment;
const containerOf = (stack: DeclaredStack, name: string) =>
  deployment(stack, name).spec.template.spec.containers[0] as Container;
const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
/** A package.json script split into its leading `NAME=value` assignments and its command words. */
function script(name: string): { env: Record<string, string>; command: string[] } {
  const words =
    (JSON.parse(readFileSync(root('package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[
      name
    ]?.split(/\s+/) ?? [];
  const assignments = words.filter((w) => /^[A-Z_]+=/.test(w));
  return {
    env: Object.fromEntries(assignments.map((w) => w.split('=') as [string, string])),
    command: words.slice(assignments.length),
  };
}
/** Every `--flag=` in `args` is an option the program's parseArgs declares. */
function assertFlagsKnown(args: string[], mainFile: string): void {
  const source = readFileSync(root(mainFile), 'utf8');
  for (const flag of args.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0] as string)) {
    assert.ok(
      source.includes(`'${flag}': {`) || source.includes(`  ${flag}: {`),
      `${mainFile} takes no --${flag}`,
    );
  }
}
const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('hub program: what it declares and how it is wired', () => {
  let stack: DeclaredStack;
  before(async () => {
    stack = await declareStack(hubProgram, hubTestConfig());
  });

  it('declares the three namespaces, the system one enforcing the restricted pod security standard', () => {
    const names = stack.kubernetesObjects().filter((o) => o.kind === 'Namespace');
    assert.deepEqual(names.map((n) => n.metadata.name).sort(), ['smart-fleet', 'smart-fleet-api-keys', NS]);
    assert.equal(
      stack.object('Namespace', NS).metadata.labels?.['pod-security.kubernetes.io/enforce'],
      'restricted',
    );
  });

  it("declares exactly the model's CRDs, unchanged", () => {
    const declared = stack.kubernetesObjects().filter((o) => o.kind === 'CustomResourceDefinition');
    assert.deepEqual(
      declared.map((c) => c.metadata.name).sort(),
      allCrds()
        .map((c) => c.metadata.name)
        .sort(),
    );
    for (const crd of allCrds()) {
      assert.deepEqual(
        stack.object('CustomResourceDefinition', crd.metadata.name),
        JSON.parse(JSON.stringify(crd)),
      );
    }
  });

  it('gives every object an explicit name, and every namespaced object a namespace', () => {
    const clusterScoped = new Set([
      'Namespace',
      'CustomResourceDefinition',
      'ClusterRole',
      'ClusterRoleBinding',
      'ValidatingWebhookConfiguration',
    ]);
    for (const o of stack.kubernetesObjects()) {
      assert.ok(o.metadata.name, `${o.kind} has no name`);
      assert.equal(
        o.metadata.namespace === undefined,
        clusterScoped.has(o.kind),
        `${o.kind} ${o.metadata.name}`,
      );
    }
  });

  it('runs every Deployment under its own declared ServiceAccount', () => {
    for (const name of [OPERATORS.name, API.name, CONSOLE.name]) {
      const d = deployment(stack, name);
      assert.equal(d.spec.template.spec.serviceAccountName, name);
      stack.object('ServiceAccount', name, NS);
    }
    // The console never calls Kubernetes: no token, in the account or the pod.
    assert.equal(stack.object('ServiceAccount', CONSOLE.name, NS).automountServiceAccountToken, false);
    assert.equal(deployment(stack, CONSOLE.name).spec.template.spec.automountServiceAccountToken, false);
  });

  it('runs two operator replicas electing a leader on a Lease in their own namespace', () => {
    const d = deployment(stack, OPERATORS.name);
    assert.equal(d.spec.replicas, 2);
    assert.ok(d.spec.template.spec.containers[0]?.args?.includes(`--lease-namespace=${NS}`));
    const lease = stack.object('Role', `${OPERATORS.name}-leader-election`, NS) as unknown as {
      rules: Rule[];
    };
    assert.deepEqual(
      lease.rules.find((r) => r.resourceNames)?.resourceNames,
      [OPERATORS_LEASE],
      'get/update only the operators Lease',
    );
  });

  it('probes the operators on /healthz and /readyz of the metrics port', () => {
    const c = deployment(stack, OPERATORS.name).spec.template.spec.containers[0] as Container;
    assert.deepEqual(c.livenessProbe?.httpGet, { path: '/healthz', port: 'metrics' });
    assert.deepEqual(c.readinessProbe?.httpGet, { path: '/readyz', port: 'metrics' });
    assert.deepEqual(c.startupProbe?.httpGet, { path: '/healthz', port: 'metrics' });
    assert.deepEqual(
      c.ports?.map((p) => [p.name, p.containerPort]),
      [
        ['metrics', 9464],
        ['ingest', 9465],
        ['webhook', 9443],
      ],
    );
  });

  it('runs each server as its npm script does, with flags its main.ts takes', () => {
    for (const [name, scriptName, mainFile] of [
      [OPERATORS.name, 'operators', 'operators/src/main.ts'],
      [API.name, 'api', 'api/src/main.ts'],
    ] as const) {
      const c = containerOf(stack, name);
      const { env, command } = script(scriptName);
      assert.deepEqual(c.command, command, `${name} runs what npm run ${scriptName} runs`);
      for (const [variable, value] of Object.entries(env)) {
        assert.equal(c.env?.find((e) => e.name === variable)?.value, value, `${name}: ${variable}`);
      }
      assertFlagsKnown(c.args ?? [], mainFile);
    }
    assert.equal(containerOf(stack, API.name).args?.[0], 'serve');
  });

  it('has the operators listen on the pod address and advertise the pod IP from the downward API', () => {
    const c = containerOf(stack, OPERATORS.name);
    assert.ok(c.args?.includes('--listen-host=0.0.0.0'));
    assert.ok(c.args?.includes('--advertise-address=$(POD_IP)'));
    assert.deepEqual(c.env?.find((e) => e.name === 'POD_IP')?.valueFrom, {
      fieldRef: { fieldPath: 'status.podIP' },
    });
    // $(POD_IP) expands only from a variable declared in the container's env.
    for (const ref of (c.args ?? []).flatMap((a) => [...a.matchAll(/\$\(([A-Z_]+)\)/g)].map((m) => m[1]))) {
      assert.ok(
        c.env?.some((e) => e.name === ref),
        `$(${ref}) is not in the env`,
      );
    }
  });

  it('hands the operators the mounted webhook TLS Secret as their certificate directory', () => {
    const pod = deployment(stack, OPERATORS.name).spec.template.spec;
    const c = containerOf(stack, OPERATORS.name);
    const volume = pod.volumes?.find((v) => v.secret?.secretName === OPERATORS.webhookTlsSecret);
    assert.ok(volume);
    const mount = c.volumeMounts?.find((m) => m.name === volume.name);
    assert.ok(mount?.mountPath);
    assert.ok(c.args?.includes(`--webhook-cert-dir=${mount.mountPath}`));
    const tls = stack.object('Secret', OPERATORS.webhookTlsSecret, NS) as KubernetesManifest & {
      stringData: Record<string, string>;
    };
    assert.ok('tls.crt' in tls.stringData && 'tls.key' in tls.stringData, 'the files the operators read');
    const unread = ['SMART_FLEET_WEBHOOK_CERT_DIR', 'SMART_FLEET_LISTEN_HOST'];
    assert.ok(!c.env?.some((e) => unread.includes(e.name)), 'main.ts takes its settings as flags');
  });

  it('secures every container: requests and limits, probes, non-root, read-only root, no privilege', () => {
    for (const d of stack.kubernetesObjects().filter((o) => o.kind === 'Deployment') as Deployment[]) {
      const pod = d.spec.template.spec;
      assert.equal(pod.securityContext?.runAsNonRoot, true, d.metadata.name);
      for (const c of pod.containers) {
        const where = `${d.metadata.name}/${c.name}`;
        for (const part of ['requests', 'limits'] as const) {
          assert.ok(c.resources?.[part]?.cpu && c.resources[part].memory, `${where} ${part}`);
        }
        assert.ok(c.livenessProbe && c.readinessProbe && c.startupProbe, `${where} probes`);
        assert.equal(c.securityContext?.readOnlyRootFilesystem, true, where);
        assert.equal(c.securityContext?.allowPrivilegeEscalation, false, where);
        assert.deepEqual(
          (c.securityContext?.capabilities as { drop?: string[] } | undefined)?.drop,
          ['ALL'],
          where,
        );
      }
    }
  });

  it('points PodDisruptionBudgets and Services at the pods of their Deployment, on ports those pods have', () => {
    for (const name of [OPERATORS.name, API.name, CONSOLE.name]) {
      const d = deployment(stack, name);
      const pdb = stack.object('PodDisruptionBudget', name, NS) as KubernetesManifest & {
        spec: { selector: { matchLabels: Record<string, string> }; maxUnavailable: number };
      };
      assert.deepEqual(pdb.spec.selector.matchLabels, d.spec.selector.matchLabels);
      assert.ok(selects(pdb.spec.selector.matchLabels, d.spec.template.metadata.labels));
      assert.equal(pdb.spec.maxUnavailable, 1);
    }
    const portsOf = (name: string) =>
      new Set(
        deployment(stack, name).spec.template.spec.containers.flatMap((c) => c.ports?.map((p) => p.name)),
      );
    const services = stack.kubernetesObjects().filter((o) => o.kind === 'Service') as (KubernetesManifest & {
      spec: { selector: Record<string, string>; ports: { targetPort: string }[] };
    })[];
    assert.equal(services.length, 5);
    for (const svc of services) {
      const target = [OPERATORS.name, API.name, CONSOLE.name].find((n) =>
        selects(svc.spec.selector, deployment(stack, n).spec.template.metadata.labels),
      );
      assert.ok(target, `Service ${svc.metadata.name} selects no Deployment's pods`);
      for (const p of svc.spec.ports) {
        assert.ok(portsOf(target).has(p.targetPort), `${svc.metadata.name} -> ${target}:${p.targetPort}`);
      }
    }
  });

  it('feeds env from declared Secrets and ConfigMaps only, with keys they hold', () => {
    for (const d of stack.kubernetesObjects().filter((o) => o.kind === 'Deployment') as Deployment[]) {
      for (const env of d.spec.template.spec.containers.flatMap((c) => c.env ?? [])) {
        const ref = env.valueFrom?.secretKeyRef ?? env.valueFrom?.configMapKeyRef;
        if (!ref) {
          continue;
        }
        const kind = env.valueFrom?.secretKeyRef ? 'Secret' : 'ConfigMap';
        const source = stack.object(kind, ref.name, NS) as KubernetesManifest & {
          data?: Record<string, string>;
          stringData?: Record<string, string>;
        };
        assert.ok(
          ref.key in (source.stringData ?? source.data ?? {}),
          `${env.name}: ${kind} ${ref.name} has no ${ref.key}`,
        );
      }
    }
    const operatorsEnv = deployment(stack, OPERATORS.name).spec.template.spec.containers[0]?.env ?? [];
    assert.deepEqual(operatorsEnv.find((e) => e.name === 'SMART_FLEET_DRM_KEK')?.valueFrom, {
      secretKeyRef: { name: OPERATORS.kekSecret, key: 'kek' },
    });
  });

  it("gives the API its entitlement signing key as a file, and the operators the published public keys for the sites' bundles", () => {
    const api = deployment(stack, API.name).spec.template;
    const apiContainer = api.spec.containers[0] as unknown as Record<string, any>;
    const keyArg = (apiContainer.args as string[]).find((a) => a.startsWith('--entitlement-key='));
    const keyVolume = (api.spec.volumes as unknown as Record<string, any>[]).find((v) => v.secret);
    assert.deepEqual(keyVolume?.secret, { secretName: API.entitlementKeySecret, defaultMode: 0o440 });
    const keyMount = apiContainer.volumeMounts.find(
      (m: Record<string, string>) => m.name === keyVolume?.name,
    );
    assert.equal(keyArg, `--entitlement-key=${keyMount.mountPath}/signing-key.jwk`);
    assert.equal(keyMount.readOnly, true);
    const secret = stack.object('Secret', API.entitlementKeySecret, NS) as KubernetesManifest & {
      stringData: Record<string, string>;
    };
    assert.equal(secret.stringData['signing-key.jwk'], TEST_SIGNING_KEY);

    const operators = deployment(stack, OPERATORS.name).spec.template;
    const container = operators.spec.containers[0] as unknown as Record<string, any>;
    const keysMount = container.volumeMounts.find(
      (m: Record<string, string>) => m.name === 'entitlement-keys',
    );
    assert.ok((container.args as string[]).includes(`--entitlement-keys=${keysMount.mountPath}/jwks.json`));
    const configMap = stack.object(
      'ConfigMap',
      OPERATORS.entitlementKeysConfigMap,
      NS,
    ) as KubernetesManifest & {
      data: Record<string, string>;
    };
    assert.equal(configMap.data['jwks.json'], stack.outputs.entitlementKeys);
    // Both read the keys at start: a new set (a rotation) rolls both.
    const digest = operators.metadata.annotations?.['smartfleet.io/entitlement-keys'];
    assert.match(digest ?? '', /^[0-9a-f]{16}$/);
    assert.equal(api.metadata.annotations?.['smartfleet.io/entitlement-keys'], digest);
  });

  it('keeps the KEK, the webhook key and the entitlement signing key out of ConfigMaps, env literals, other objects and the outputs', () => {
    const signingKey = (JSON.parse(TEST_SIGNING_KEY) as { d: string }).d;
    const key = hubTestConfig().config['smart-fleet:webhook.privateKey'] as string;
    const body = key.split('\n')[1] as string;
    const kek = stack.object('Secret', OPERATORS.kekSecret, NS) as KubernetesManifest & {
      stringData: Record<string, string>;
    };
    assert.equal(kek.stringData.kek, TEST_KEK);
    const others = stack
      .kubernetesObjects()
      .filter((o) => o.kind !== 'Secret')
      .map((o) => JSON.stringify(o));
    for (const text of [...others, JSON.stringify(stack.outputs)]) {
      assert.ok(!text.includes(TEST_KEK), 'the KEK leaked');
      assert.ok(!text.includes(body), 'the webhook private key leaked');
      assert.ok(!text.includes(signingKey), 'the entitlement signing key leaked');
    }
  });

  it('registers the admission webhook through the operators Service, trusting the configured CA', () => {
    const vwc = stack.object('ValidatingWebhookConfiguration', WEBHOOK_NAME) as KubernetesManifest & {
      webhooks: {
        clientConfig: {
          service: { name: string; namespace: string; port: number; path: string };
          caBundle: string;
        };
        rules: { resources: string[]; operations: string[] }[];
        failurePolicy: string;
      }[];
    };
    const hook = vwc.webhooks[0];
    assert.ok(hook);
    assert.deepEqual(hook.clientConfig.service, {
      name: OPERATORS.webhookService,
      namespace: NS,
      port: 443,
      path: '/validate',
    });
    const svc = stack.object('Service', OPERATORS.webhookService, NS) as KubernetesManifest & {
      spec: { ports: { port: number; targetPort: string }[] };
    };
    assert.deepEqual(
      svc.spec.ports.map((p) => [p.port, p.targetPort]),
      [[443, 'webhook']],
    );
    const ca = hubTestConfig().config['smart-fleet:webhook.caCertificate'];
    assert.equal(Buffer.from(hook.clientConfig.caBundle, 'base64').toString(), ca);
    assert.deepEqual(hook.rules[0]?.resources.sort(), ALL_KINDS.map((k) => k.plural).sort());
    assert.equal(hook.failurePolicy, 'Fail');
    const tls = stack.object('Secret', OPERATORS.webhookTlsSecret, NS) as KubernetesManifest & {
      stringData: Record<string, string>;
    };
    assert.equal(tls.type, 'kubernetes.io/tls');
    const pod = deployment(stack, OPERATORS.name).spec.template.spec;
    assert.ok(pod.volumes?.some((v) => v.secret?.secretName === OPERATORS.webhookTlsSecret));
  });

  it('autoscales the API and console Deployments, which leave their replica counts to the autoscalers', () => {
    for (const [name, range] of [
      [API.name, [2, 6]],
      [CONSOLE.name, [2, 4]],
    ] as const) {
      const hpa = stack.object('HorizontalPodAutoscaler', name, NS) as KubernetesManifest & {
        spec: { scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number };
      };
      assert.equal(hpa.apiVersion, 'autoscaling/v2beta2', 'the 1.20 hub serves v2beta2');
      assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name });
      assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], range);
      assert.equal(deployment(stack, name).spec.replicas, undefined);
    }
  });

  it('passes the API its OIDC settings through a ConfigMap', () => {
    const c = deployment(stack, API.name).spec.template.spec.containers[0] as Container;
    assert.ok(c.args?.includes('--oidc-issuer=$(OIDC_ISSUER)'));
    assert.ok(c.args?.includes('--host=0.0.0.0'));
    assert.ok(
      !c.args?.some((a) => a.startsWith('--prometheus-url')),
      'no Prometheus configured, none passed',
    );
    assert.ok(c.args?.includes('--keys-namespace=smart-fleet-api-keys'));
    const oidc = stack.object('ConfigMap', API.oidcConfigMap, NS) as KubernetesManifest & {
      data: Record<string, string>;
    };
    assert.deepEqual(oidc.data, {
      issuer: 'https://login.example.com/realms/smart-fleet',
      audience: 'smart-fleet-api',
    });
  });

  it("holds partners to the shipped persisted operations and believes the ingress controller's X-Forwarded-For", () => {
    const c = deployment(stack, API.name).spec.template.spec.containers[0] as Container;
    const flag = c.args?.find((a) => a.startsWith('--partner-operations='));
    assert.equal(flag, `--partner-operations=${API_PARTNER_OPERATIONS}`);
    // The path is the image's working directory's, which is the repository's root.
    const shipped = JSON.parse(
      readFileSync(fileURLToPath(new URL(`../../${API_PARTNER_OPERATIONS}`, import.meta.url)), 'utf8'),
    );
    assert.ok(Object.keys(shipped).length > 0, 'the shipped allow-list holds operations');
    assert.ok(c.args?.includes(`--trusted-proxies=${DEFAULT_TRUSTED_PROXIES.join(',')}`), String(c.args));
  });

  it('routes /graphql, /v1 and / of one TLS host to the API, the agents endpoint and the console', () => {
    const ingress = stack.object('Ingress', 'smart-fleet-hub', NS) as KubernetesManifest & {
      spec: {
        tls: { hosts: string[]; secretName: string }[];
        rules: {
          host: string;
          http: { paths: { path: string; backend: { service: { name: string } } }[] };
        }[];
      };
    };
    assert.deepEqual(ingress.spec.tls, [{ hosts: ['fleet.example.com'], secretName: 'smart-fleet-hub-tls' }]);
    const paths = ingress.spec.rules[0]?.http.paths.map((p) => [p.path, p.backend.service.name]);
    assert.deepEqual(paths, [
      ['/graphql', API.name],
      ['/v1', OPERATORS.ingestService],
      ['/', CONSOLE.name],
    ]);
    for (const [, service] of paths ?? []) {
      stack.object('Service', service as string, NS);
    }
  });

  it('binds the operators and the API to exactly the rules derived from their code', () => {
    const rulesOf = (kind: string, name: string, ns?: string) =>
      (stack.object(kind, name, ns) as unknown as { rules: Rule[] }).rules;
    const all = stack
      .kubernetesObjects()
      .filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role')
      .flatMap((o) => (o as unknown as { rules: Rule[] }).rules);
    assert.ok(
      all.every((r) => !r.verbs.includes('*') && !r.resources.includes('*')),
      'no wildcards',
    );
    assert.ok(!all.some((r) => r.apiGroups.includes('admissionregistration.k8s.io')), 'no admission writes');
    const secretRules = rulesOf('ClusterRole', `${NS}:${OPERATORS.name}-namespaced`).filter((r) =>
      r.resources.includes('secrets'),
    );
    assert.deepEqual(secretRules[0]?.verbs, ['get', 'create', 'update', 'delete'], 'secrets by name only');
    const binding = stack.object('RoleBinding', OPERATORS.name, 'smart-fleet') as KubernetesManifest & {
      roleRef: { name: string };
      subjects: { name: string; namespace: string }[];
    };
    assert.equal(binding.roleRef.name, `${NS}:${OPERATORS.name}-namespaced`);
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: OPERATORS.name, namespace: NS }]);
    const keys = rulesOf('Role', `${API.name}-keys`, 'smart-fleet-api-keys');
    assert.deepEqual(keys, [
      { apiGroups: [''], resources: ['secrets'], verbs: ['list', 'watch', 'create', 'delete'] },
    ]);
    // The key reader Role and its binding: read and replaced by name only.
    const rbacRules = rulesOf('ClusterRole', `${NS}:${OPERATORS.name}-namespaced`).filter((r) =>
      r.apiGroups.includes('rbac.authorization.k8s.io'),
    );
    for (const r of rbacRules.filter((rule) => rule.verbs.some((v) => v !== 'create'))) {
      assert.deepEqual(r.resourceNames, [LICENSE_READER_ROLE], `${r.verbs} ${r.resources}`);
    }
    assert.deepEqual(
      rbacRules.find((r) => r.resourceNames)?.resources,
      ['roles', 'rolebindings'],
      'the binding is updated, so it gains a new reader',
    );
  });

  it('gives the content packager, in the fleet namespace, get on ContentTitles and patch on their status only', () => {
    const fleet = 'smart-fleet';
    const account = stack.object('ServiceAccount', PACKAGER_SERVICE_ACCOUNT, fleet);
    assert.equal(account.automountServiceAccountToken, false, 'no pod in the hub runs as it');
    const role = stack.object('Role', PACKAGER_SERVICE_ACCOUNT, fleet) as unknown as { rules: Rule[] };
    assert.deepEqual(role.rules, [
      { apiGroups: ['smartfleet.io'], resources: ['contenttitles'], verbs: ['get'] },
      { apiGroups: ['smartfleet.io'], resources: ['contenttitles/status'], verbs: ['patch'] },
    ]);
    const binding = stack.object('RoleBinding', PACKAGER_SERVICE_ACCOUNT, fleet) as KubernetesManifest & {
      roleRef: unknown;
      subjects: unknown[];
    };
    assert.deepEqual(binding.roleRef, {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: PACKAGER_SERVICE_ACCOUNT,
    });
    // In the namespace of the keys: the operators bind their key reader Role to this subject.
    assert.deepEqual(binding.subjects, [
      { kind: 'ServiceAccount', name: PACKAGER_SERVICE_ACCOUNT, namespace: fleet },
    ]);
    assert.throws(
      () => stack.object('ServiceAccount', PACKAGER_SERVICE_ACCOUNT, NS),
      /no ServiceAccount/,
      "not in the hub's own namespace",
    );
  });

  it('gives Prometheus a scrape job for the operator pods on their metrics port, and annotates the pods', () => {
    const cm = stack.object('ConfigMap', SCRAPE_CONFIG_MAP, NS) as KubernetesManifest & {
      data: Record<string, string>;
    };
    const file = parse(cm.data[SCRAPE_FILE] as string) as {
      scrape_configs: { job_name: string; kubernetes_sd_configs: { namespaces: { names: string[] } }[] }[];
    };
    const job = file.scrape_configs.find((j) => j.job_name === 'smart-fleet-operators') as
      | ((typeof file.scrape_configs)[number] & { honor_labels?: boolean; scrape_interval?: string })
      | undefined;
    assert.deepEqual(job?.kubernetes_sd_configs[0]?.namespaces.names, [NS]);
    // The site series' own namespace label must survive the pod's target label; 5 s by default.
    assert.equal(job?.honor_labels, true);
    assert.equal(job?.scrape_interval, '5s');
    assert.deepEqual(parse(cm.data[STORAGE_FILE] as string), {
      storage: { tsdb: { out_of_order_time_window: '14h' } },
    });
    assert.equal(cm.data[FLAGS_KEY], '--web.enable-remote-write-receiver --storage.tsdb.retention.time=15d');
    const annotations = deployment(stack, OPERATORS.name).spec.template.metadata.annotations ?? {};
    assert.equal(annotations['prometheus.io/scrape'], 'true');
    assert.equal(annotations['prometheus.io/port'], '9464');
  });

  it('returns the outputs an operator needs', () => {
    assert.deepEqual(
      { ...stack.outputs, crds: undefined },
      {
        namespace: NS,
        fleetNamespaces: ['smart-fleet'],
        ingressHost: 'fleet.example.com',
        apiUrl: 'https://fleet.example.com/graphql',
        consoleUrl: 'https://fleet.example.com/',
        agentsUrl: 'https://fleet.example.com',
        operatorsServiceAccount: `${NS}/${OPERATORS.name}`,
        apiServiceAccount: `${NS}/${API.name}`,
        crds: undefined,
        kubernetesVersion: '1.20',
        entitlementKeys: stack.outputs.entitlementKeys,
        imageTag: '0.1.0',
      },
    );
    // The wide-area stacks' `drm.entitlementKeys`: the signing key's public half, nothing private.
    const published = JSON.parse(stack.outputs.entitlementKeys as string) as {
      keys: Record<string, string>[];
    };
    const signing = JSON.parse(TEST_SIGNING_KEY) as Record<string, string>;
    assert.deepEqual(published.keys, [
      { kty: 'EC', crv: 'P-256', x: signing.x, y: signing.y, kid: 'hub-test-1', alg: 'ES256', use: 'sig' },
    ]);
    assert.equal((stack.outputs.crds as string[]).length, allCrds().length);
  });
});

describe('hub program: values derived from config', () => {
  it('picks policy/v1 and autoscaling/v2 on a current cluster, and the configured images and counts', async () => {
    const stack = await declareStack(
      hubProgram,
      hubTestConfig({
        kubernetesVersion: '1.28',
        imageRegistry: 'registry.example.com/smart',
        imageTag: '2.3.4',
        'operators.replicas': '3',
        'api.replicas': '4',
        'api.maxReplicas': '12',
        'console.replicas': '1',
        'console.maxReplicas': '3',
        fleetNamespaces: '["fleet-north","fleet-south"]',
        'monitoring.prometheusServiceAccount': 'monitoring/prometheus',
        'api.trustedProxies': '["10.244.0.0/16"]',
      }),
    );
    const apiArgs = deployment(stack, API.name).spec.template.spec.containers[0]?.args ?? [];
    assert.ok(apiArgs.includes('--trusted-proxies=10.244.0.0/16'), String(apiArgs));
    assert.equal(stack.object('PodDisruptionBudget', OPERATORS.name, NS).apiVersion, 'policy/v1');
    assert.equal(stack.object('HorizontalPodAutoscaler', API.name, NS).apiVersion, 'autoscaling/v2');
    const operators = deployment(stack, OPERATORS.name);
    assert.equal(operators.spec.replicas, 3);
    assert.equal(
      operators.spec.template.spec.containers[0]?.image,
      'registry.example.com/smart/smart-fleet-operators:2.3.4',
    );
    const range = (name: string) => {
      const hpa = stack.object('HorizontalPodAutoscaler', name, NS) as KubernetesManifest & {
        spec: { minReplicas: number; maxReplicas: number };
      };
      return [hpa.spec.minReplicas, hpa.spec.maxReplicas];
    };
    assert.deepEqual(range(API.name), [4, 12]);
    assert.deepEqual(range(CONSOLE.name), [1, 3]);
    for (const ns of ['fleet-north', 'fleet-south']) {
      stack.object('Namespace', ns);
      stack.object('RoleBinding', OPERATORS.name, ns);
      stack.object('RoleBinding', API.name, ns);
      stack.object('ServiceAccount', PACKAGER_SERVICE_ACCOUNT, ns);
      stack.object('RoleBinding', PACKAGER_SERVICE_ACCOUNT, ns);
    }
    assert.throws(() => stack.object('Namespace', 'smart-fleet'), /no Namespace \/smart-fleet declared/);
    const binding = stack.object(
      'RoleBinding',
      'smart-fleet-prometheus-discovery',
      NS,
    ) as KubernetesManifest & {
      subjects: unknown[];
    };
    assert.deepEqual(binding.subjects, [
      { kind: 'ServiceAccount', namespace: 'monitoring', name: 'prometheus' },
    ]);
  });

  it('points the API and the operators at the configured Prometheus, with its interval, retention and replay window', async () => {
    const stack = await declareStack(
      hubProgram,
      hubTestConfig({
        'monitoring.prometheusUrl': 'http://prometheus.monitoring.svc:9090',
        'monitoring.scrapeInterval': '10s',
        'monitoring.retention': '30d',
        'monitoring.replayWindow': '13h',
      }),
    );
    const args = (name: string) => deployment(stack, name).spec.template.spec.containers[0]?.args ?? [];
    assert.ok(args(API.name).includes('--prometheus-url=http://prometheus.monitoring.svc:9090'));
    assert.ok(args(API.name).includes('--scrape-interval=10s'));
    assert.ok(args(OPERATORS.name).includes('--prometheus-url=http://prometheus.monitoring.svc:9090'));
    assert.ok(args(OPERATORS.name).includes('--replay-window=13h'));
    const cm = stack.object('ConfigMap', SCRAPE_CONFIG_MAP, NS) as KubernetesManifest & {
      data: Record<string, string>;
    };
    assert.match(cm.data[SCRAPE_FILE] as string, /scrape_interval: 10s/);
    assert.match(cm.data[STORAGE_FILE] as string, /out_of_order_time_window: 13h/);
    assert.match(cm.data[FLAGS_KEY] as string, /retention\.time=30d/);
  });

  it('makes the Ingress TLS Secret when the certificate and key are in config', async () => {
    const certs = makeWebhookCertificates('fleet.example.com', 'ingress-test-ca');
    const config = hubTestConfig({
      'ingress.tlsCertificate': certs.certificate,
      'ingress.tlsKey': certs.privateKey,
      'ingress.tlsSecretName': 'fleet-tls',
      'ingress.className': 'nginx',
      'ingress.annotations': '{"nginx.ingress.kubernetes.io/proxy-read-timeout":"3600"}',
    });
    config.secretKeys.push('smart-fleet:ingress.tlsKey');
    const stack = await declareStack(hubProgram, config);
    const secret = stack.object('Secret', 'fleet-tls', NS) as KubernetesManifest & {
      stringData: Record<string, string>;
    };
    assert.equal(secret.type, 'kubernetes.io/tls');
    assert.equal(secret.stringData['tls.key'], certs.privateKey);
    const ingress = stack.object('Ingress', 'smart-fleet-hub', NS) as KubernetesManifest & {
      spec: { ingressClassName: string; tls: { secretName: string }[] };
    };
    assert.equal(ingress.spec.ingressClassName, 'nginx');
    assert.equal(ingress.spec.tls[0]?.secretName, 'fleet-tls');
    assert.equal(
      (ingress.metadata.annotations as Record<string, string>)[
        'nginx.ingress.kubernetes.io/proxy-read-timeout'
      ],
      '3600',
    );
  });

  it('passes the explicit kubeconfig to the hub provider when one is configured, the ambient one otherwise', async () => {
    const withKubeconfig = hubTestConfig({ hubKubeconfig: 'apiVersion: v1\nkind: Config\n' });
    withKubeconfig.secretKeys.push('smart-fleet:hubKubeconfig');
    const explicit = await declareStack(hubProgram, withKubeconfig);
    const provider = explicit.ofType('pulumi:providers:kubernetes');
    assert.equal(provider.length, 1);
    assert.equal(provider[0]?.inputs.kubeconfig, 'apiVersion: v1\nkind: Config\n');
    const ambient = await declareStack(hubProgram, hubTestConfig());
    assert.equal(ambient.ofType('pulumi:providers:kubernetes')[0]?.inputs.kubeconfig, undefined);
  });
});

describe('hub program: config errors stop it, naming the key', () => {
  const other = makeWebhookCertificates(serviceHost(OPERATORS.webhookService, 'elsewhere'));
  const otherCa = makeWebhookCertificates(serviceHost(OPERATORS.webhookService, NS), 'another-ca');
  const cases: {
    what: string;
    set?: Record<string, string>;
    unset?: string;
    key: string;
    message: RegExp;
  }[] = [
    { what: 'no OIDC issuer', unset: 'oidc.issuer', key: 'oidc.issuer', message: /is required/ },
    {
      what: 'a plain-http OIDC issuer',
      set: { 'oidc.issuer': 'http://login.example.com' },
      key: 'oidc.issuer',
      message: /https URL/,
    },
    { what: 'no ingress host', unset: 'ingress.host', key: 'ingress.host', message: /is required/ },
    {
      what: 'a bad ingress host',
      set: { 'ingress.host': 'Fleet_Example' },
      key: 'ingress.host',
      message: /DNS name/,
    },
    {
      what: 'no KEK',
      unset: 'drm.kek',
      key: 'drm.kek',
      message: /pulumi config set --secret smart-fleet:drm.kek/,
    },
    {
      what: 'a KEK that is not base64',
      set: { 'drm.kek': 'not base64 at all!' },
      key: 'drm.kek',
      message: /not valid base64/,
    },
    {
      what: 'a 16-byte KEK',
      set: { 'drm.kek': randomBytes(16).toString('base64') },
      key: 'drm.kek',
      message: /decodes to 16 bytes/,
    },
    { what: 'a bad KEK id', set: { 'drm.kekId': 'kek 1' }, key: 'drm.kekId', message: /short identifier/ },
    {
      what: 'no entitlement signing key',
      unset: 'entitlements.signingKey',
      key: 'entitlements.signingKey',
      message: /pulumi config set --secret smart-fleet:entitlements.signingKey/,
    },
    {
      what: 'an entitlement signing key that is a public key',
      set: { 'entitlements.signingKey': JSON.stringify({ ...JSON.parse(TEST_SIGNING_KEY), d: undefined }) },
      key: 'entitlements.signingKey',
      message: /a signing key is a private ES256 or EdDSA JWK; make one with: npm run api -- entitlement-key/,
    },
    {
      what: "an accepted key with the signing key's kid",
      set: { 'entitlements.acceptedPublicKeys': JSON.stringify(JSON.parse(testEntitlementKeys()).keys) },
      key: 'entitlements.acceptedPublicKeys',
      message: /two keys in the set have the same kid/,
    },
    {
      what: 'an accepted key that is private',
      set: { 'entitlements.acceptedPublicKeys': JSON.stringify([JSON.parse(testSigningKey('hub-test-2'))]) },
      key: 'entitlements.acceptedPublicKeys',
      message: /key hub-test-2: a verifier is given public keys only/,
    },
    {
      what: 'no webhook certificate',
      unset: 'webhook.certificate',
      key: 'webhook.certificate',
      message: /is required/,
    },
    {
      what: 'a webhook certificate that is not PEM',
      set: { 'webhook.certificate': 'hello' },
      key: 'webhook.certificate',
      message: /not a PEM certificate/,
    },
    {
      what: 'a webhook certificate for another Service host',
      set: {
        'webhook.certificate': other.certificate,
        'webhook.caCertificate': other.caCertificate,
        'webhook.privateKey': other.privateKey,
      },
      key: 'webhook.certificate',
      message: /does not name smart-fleet-operators-webhook\.smart-fleet-system\.svc/,
    },
    {
      what: 'a webhook CA that did not sign it',
      set: { 'webhook.caCertificate': otherCa.caCertificate },
      key: 'webhook.certificate',
      message: /not signed by the CA/,
    },
    {
      what: "another certificate's private key",
      set: { 'webhook.privateKey': otherCa.privateKey },
      key: 'webhook.privateKey',
      message: /does not match the certificate/,
    },
    {
      what: 'no webhook private key',
      unset: 'webhook.privateKey',
      key: 'webhook.privateKey',
      message: /--secret/,
    },
    {
      what: 'fleet namespaces not a list',
      set: { fleetNamespaces: '"smart-fleet"' },
      key: 'fleetNamespaces',
      message: /non-empty list/,
    },
    {
      what: 'a bad fleet namespace',
      set: { fleetNamespaces: '["Fleet_1"]' },
      key: 'fleetNamespaces',
      message: /"Fleet_1" is not one/,
    },
    {
      what: "the hub's own namespace as a fleet namespace",
      set: { fleetNamespaces: `["${NS}"]` },
      key: 'fleetNamespaces',
      message: /must not include/,
    },
    {
      what: 'zero operator replicas',
      set: { 'operators.replicas': '0' },
      key: 'operators.replicas',
      message: /from 1 to 5/,
    },
    {
      what: 'fewer API replicas at most than at least',
      set: { 'api.replicas': '4', 'api.maxReplicas': '2' },
      key: 'api.maxReplicas',
      message: /from 4 to/,
    },
    {
      what: 'a Kubernetes older than the hub',
      set: { kubernetesVersion: '1.19' },
      key: 'kubernetesVersion',
      message: /1\.20 or later/,
    },
    {
      what: 'a TLS certificate without its key',
      set: { 'ingress.tlsCertificate': other.certificate },
      key: 'ingress.tlsKey',
      message: /both/,
    },
    {
      what: 'a trusted proxy that is no address',
      set: { 'api.trustedProxies': '["10.0.0.0/33"]' },
      key: 'api.trustedProxies',
      message: /"10\.0\.0\.0\/33" is not an address or CIDR range/,
    },
    {
      what: 'a bad Prometheus account',
      set: { 'monitoring.prometheusServiceAccount': 'prometheus' },
      key: 'monitoring.prometheusServiceAccount',
      message: /namespace\/name/,
    },
    {
      what: 'a scrape interval that is not a duration',
      set: { 'monitoring.scrapeInterval': '5 seconds' },
      key: 'monitoring.scrapeInterval',
      message: /Prometheus duration/,
    },
    {
      what: 'a Prometheus URL that is not one',
      set: { 'monitoring.prometheusUrl': 'prometheus:9090' },
      key: 'monitoring.prometheusUrl',
      message: /http\(s\) URL/,
    },
  ];
  for (const c of cases) {
    it(`${c.what}: smart-fleet:${c.key}`, () => {
      const options = hubTestConfig(c.set);
      if (c.unset) {
        delete options.config[`smart-fleet:${c.unset}`];
      }
      const error = configError(hubProgram, options);
      assert.ok(error instanceof StackConfigError, String(error));
      assert.equal(error.key, c.key);
      assert.ok(error.message.startsWith(`smart-fleet:${c.key}: `), error.message);
      assert.match(error.message, c.message);
      assert.ok(!error.message.includes(TEST_KEK), 'a secret in the message');
      assert.ok(!error.message.includes(JSON.parse(TEST_SIGNING_KEY).d), 'the signing key in the message');
    });
  }
});
