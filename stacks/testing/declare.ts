/**
 * Runs a Pulumi program for real under Pulumi's own runtime mocks (the one accepted stand-in:
 * the Pulumi CLI and engine cannot be installed here) and records every resource it declares,
 * with the inputs the engine would have received. Each test file runs in its own process, and
 * the mocks are process-wide, so call `declareStack` once per program run and await it.
 */
import * as pulumi from '@pulumi/pulumi';

export interface DeclaredResource {
  /** Pulumi's type token, e.g. `kubernetes:apps/v1:Deployment` or `smart:site:LocalServer`. */
  type: string;
  /** The logical (Pulumi) name. */
  name: string;
  /** The resolved inputs: for a Kubernetes resource, its manifest. Secrets arrive unwrapped. */
  inputs: Record<string, unknown>;
  /** False for ComponentResources. */
  custom: boolean;
  /** The provider reference (`urn::id`) the resource was declared with, if any. */
  provider?: string;
}

export interface DeclaredStack {
  resources: DeclaredResource[];
  /** The stack outputs the program returned, resolved. */
  outputs: Record<string, unknown>;
  /** Every Kubernetes object declared (custom resources whose token starts with `kubernetes:`). */
  kubernetesObjects(): KubernetesManifest[];
  /** The declared resources of one type token. */
  ofType(type: string): DeclaredResource[];
  /** The one Kubernetes object of that kind and name; throws naming what was there otherwise. */
  object(kind: string, name: string, namespace?: string): KubernetesManifest;
}

export interface KubernetesManifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [field: string]: unknown;
}

export interface DeclareOptions {
  /** Config as `pulumi config` holds it: `project:key` -> string (objects as JSON). */
  config?: Record<string, string>;
  /** Keys of `config` that are secrets. */
  secretKeys?: string[];
  project?: string;
  stack?: string;
}

/** Replaces Pulumi's secret envelopes (`{<sig>: <secret sig>, value}`) by their values, in place. */
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(unwrapSecrets);
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  const record = value as Record<string, unknown>;
  if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) {
    return unwrapSecrets(record.value);
  }
  for (const [k, v] of Object.entries(record)) {
    record[k] = unwrapSecrets(v);
  }
  return record;
}

/** Patches and the Pulumi stack itself are not objects of their own. */
const isKubernetesObject = (r: DeclaredResource) =>
  r.custom && r.type.startsWith('kubernetes:') && !r.type.endsWith('Patch') && !r.type.startsWith('pulumi:');

export async function declareStack(
  program: () => Promise<Record<string, unknown> | undefined> | Record<string, unknown> | undefined,
  options: DeclareOptions = {},
): Promise<DeclaredStack> {
  const resources: DeclaredResource[] = [];
  pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          custom: args.custom ?? true,
        });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    options.project ?? 'smart-fleet',
    options.stack ?? 'test',
    true,
  );
  const outputs = ((await pulumi.runtime.runInPulumiStack(async () => program())) ?? {}) as Record<
    string,
    unknown
  >;
  // The stack's outputs can resolve before a component's children are registered: wait for every
  // registration still in flight, then read the inputs as the engine would (secrets unwrapped).
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  for (const resource of resources) {
    resource.inputs = unwrapSecrets(resource.inputs) as Record<string, unknown>;
  }
  const kubernetesObjects = () =>
    resources.filter(isKubernetesObject).map((r) => r.inputs as unknown as KubernetesManifest);
  return {
    resources,
    outputs,
    kubernetesObjects,
    ofType: (type) => resources.filter((r) => r.type === type),
    object(kind, name, namespace) {
      const all = kubernetesObjects().filter((o) => o.kind === kind);
      const found = all.find(
        (o) => o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace),
      );
      if (!found) {
        const have = all.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`).join(', ');
        throw new Error(
          `no ${kind} ${namespace ?? ''}/${name} declared; ${kind}s declared: ${have || 'none'}`,
        );
      }
      return found;
    },
  };
}
