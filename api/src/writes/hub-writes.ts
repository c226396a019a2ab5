/**
 * Every API write goes to the Kubernetes API (the hub's CRDs are the source of truth), after
 * the same validation the inventory loader and the admission webhook use, so a bad request is
 * refused before anything is written and a write is one object, all or nothing. Updates carry
 * the resourceVersion they were computed from, so two operators editing one site cannot
 * overwrite each other silently. A write returns once the view has seen it: the client reads
 * its own writes.
 */
import { type KubernetesObject, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { apiErrorMessage, apiStatusCode, type KubeClient } from '@smart-fleet/kube';
import {
  API_GROUP,
  API_VERSION,
  GROUP_VERSION,
  type KindDefinition,
  kindNamed,
  validateObject,
  withDefaults,
} from '@smart-fleet/model';
import type { FleetView, ViewKind } from '../view/fleet-view.ts';
import { Conflict, InvalidInput, NotFound } from './write-errors.ts';

export const API_FIELD_MANAGER = 'smart-fleet-api';
const CATCH_UP_MS = 10_000;

type Obj = KubernetesObject & {
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown>;
  status?: unknown;
};

export interface LabelOptions {
  /** Labels derived from the (defaulted) spec, e.g. a site's region and tenant for selectors. */
  labels?: (spec: never) => Record<string, string>;
}

function kindOf(kind: ViewKind): KindDefinition {
  const found = kindNamed(kind);
  if (!found) {
    throw new Error(`${kind} is not a fleet kind`);
  }
  return found;
}

/** Newer-or-equal for resourceVersions, which etcd makes integers (opaque to clients otherwise). */
function caughtUp(seen: string | undefined, written: string): boolean {
  if (seen === undefined) {
    return false;
  }
  return /^\d+$/.test(seen) && /^\d+$/.test(written) ? BigInt(seen) >= BigInt(written) : seen === written;
}

export class HubWrites {
  readonly #client: KubeClient;
  readonly #view: FleetView;

  constructor(client: KubeClient, view: FleetView) {
    this.#client = client;
    this.#view = view;
  }

  /** Creates an object after validating it against the shared rules and what the hub holds. */
  async create<T>(
    kind: ViewKind,
    namespace: string,
    name: string,
    spec: unknown,
    options: LabelOptions = {},
  ): Promise<T> {
    const definition = kindOf(kind);
    const full = withDefaults(definition, spec as Record<string, unknown>);
    this.#refuseProblems(definition, namespace, name, full);
    const labels = options.labels?.(full as never);
    if (this.#view.get(kind, namespace, name)) {
      throw new Conflict(`${kind} ${namespace}/${name} already exists`);
    }
    const body = {
      apiVersion: GROUP_VERSION,
      kind,
      metadata: { name, namespace, labels },
      spec: full,
    };
    const created = await this.#call(kind, `${namespace}/${name}`, () =>
      this.#client.custom.createNamespacedCustomObject({
        group: API_GROUP,
        version: API_VERSION,
        namespace,
        plural: definition.plural,
        body,
        fieldManager: API_FIELD_MANAGER,
      }),
    );
    return this.#seen<T>(kind, created as Obj);
  }

  /**
   * Changes an object's spec: `change` gets the current spec and returns the new one (or throws
   * Conflict when the object's state refuses the request). Validated whole, then written with
   * the resourceVersion it was read at.
   */
  async updateSpec<T>(
    kind: ViewKind,
    namespace: string,
    name: string,
    change: (spec: Record<string, unknown>, current: Obj) => Record<string, unknown>,
    options: LabelOptions = {},
  ): Promise<T> {
    const definition = kindOf(kind);
    const current = this.#require(kind, namespace, name);
    const spec = withDefaults(definition, change(structuredClone(current.spec), current));
    this.#refuseProblems(definition, namespace, name, spec);
    const labels = options.labels?.(spec as never);
    return this.#patch<T>(kind, current, { spec, ...(labels ? { metadata: { labels } } : {}) });
  }

  /** Sets (or, with undefined, removes) annotations, guarded by the resourceVersion read. */
  async annotate<T>(
    kind: ViewKind,
    namespace: string,
    name: string,
    change: (annotations: Record<string, string>, current: Obj) => Record<string, string | null>,
  ): Promise<T> {
    const current = this.#require(kind, namespace, name);
    return this.#patch<T>(kind, current, {
      metadata: { annotations: change({ ...(current.metadata.annotations ?? {}) }, current) },
    });
  }

  #require(kind: ViewKind, namespace: string, name: string): Obj {
    const current = this.#view.get<Obj>(kind, namespace, name);
    if (!current) {
      throw new NotFound(kind, `${namespace}/${name}`);
    }
    return current;
  }

  #refuseProblems(definition: KindDefinition, namespace: string, name: string, spec: unknown): void {
    const problems = validateObject(
      definition,
      { metadata: { name }, spec },
      this.#view.references(namespace),
    );
    if (problems.length > 0) {
      throw new InvalidInput(problems.map((p) => ({ field: p.path, message: p.message })));
    }
  }

  async #patch<T>(kind: ViewKind, current: Obj, patch: { spec?: unknown; metadata?: unknown }): Promise<T> {
    const { name, namespace = '', resourceVersion } = current.metadata;
    const body = {
      ...patch,
      metadata: { ...((patch.metadata as object) ?? {}), resourceVersion },
    };
    const written = await this.#call(kind, `${namespace}/${name}`, () =>
      this.#client.custom.patchNamespacedCustomObject(
        {
          group: API_GROUP,
          version: API_VERSION,
          namespace,
          plural: kindOf(kind).plural,
          name,
          body,
          fieldManager: API_FIELD_MANAGER,
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    return this.#seen<T>(kind, written as Obj);
  }

  /** Runs a write, turning the API server's refusals into the errors clients branch on. */
  async #call<R>(kind: ViewKind, target: string, write: () => Promise<R>): Promise<R> {
    try {
      return await write();
    } catch (error) {
      const code = apiStatusCode(error);
      if (code === 404) {
        throw new NotFound(kind, target);
      }
      if (code === 409) {
        throw new Conflict(`${kind} ${target} changed meanwhile or already exists; read it again and retry`);
      }
      if (code === 400 || code === 422 || code === 403) {
        // The admission webhook or the CRD schema refused it: its words name the field.
        throw new InvalidInput([{ field: 'spec', message: apiErrorMessage(error) }]);
      }
      throw error;
    }
  }

  /** Waits (bounded) until the view holds the written version, then returns the view's copy. */
  async #seen<T>(kind: ViewKind, written: Obj): Promise<T> {
    const { name, namespace = '', resourceVersion = '' } = written.metadata;
    const seen = () => this.#view.get<Obj>(kind, namespace, name);
    if (!caughtUp(seen()?.metadata.resourceVersion, resourceVersion)) {
      const changes = this.#view.events.subscribe(
        'changed',
        (c) => c.kind === kind && c.key === `${namespace}/${name}`,
      );
      const deadline = setTimeout(() => void changes.return?.(), CATCH_UP_MS);
      try {
        for await (const _ of changes) {
          if (caughtUp(seen()?.metadata.resourceVersion, resourceVersion)) {
            break;
          }
        }
      } finally {
        clearTimeout(deadline);
        await changes.return?.();
      }
    }
    // If the watch lags past the deadline, answer with what the API server returned.
    return (caughtUp(seen()?.metadata.resourceVersion, resourceVersion) ? seen() : written) as T;
  }
}
