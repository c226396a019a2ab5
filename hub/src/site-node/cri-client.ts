/**
 * The few CRI calls the node's own management needs, spoken to its containerd over the vendored
 * `runtime/v1alpha2` proto (proto/, origin noted there): the runtime's version (is it up?), the
 * pod sandboxes on it (status), and stopping and removing them all, which also tears their
 * network down through CNI (stop), so a stopped node leaves no pod, veth or namespace behind.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const PROTO = fileURLToPath(new URL('./proto/cri-runtime-v1alpha2.proto', import.meta.url));
const CALL_DEADLINE_MS = 10_000;

export interface PodSandbox {
  id: string;
  name: string;
  namespace: string;
  /** SANDBOX_READY or SANDBOX_NOTREADY. */
  state: string;
}

type Unary = (
  request: object,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response: Record<string, unknown>) => void,
) => void;

let runtimeService: grpc.ServiceClientConstructor | undefined;

function serviceClient(): grpc.ServiceClientConstructor {
  if (!runtimeService) {
    const definition = protoLoader.loadSync(PROTO, {
      keepCase: true,
      longs: String,
      enums: String,
      defaults: true,
    });
    const pkg = grpc.loadPackageDefinition(definition) as unknown as {
      runtime: { v1alpha2: { RuntimeService: grpc.ServiceClientConstructor } };
    };
    runtimeService = pkg.runtime.v1alpha2.RuntimeService;
  }
  return runtimeService;
}

export class CriClient {
  readonly #client: grpc.Client;

  constructor(socket: string) {
    const Client = serviceClient();
    this.#client = new Client(`unix://${socket}`, grpc.credentials.createInsecure());
  }

  #call(method: string, request: object): Promise<Record<string, unknown>> {
    const fn = (this.#client as unknown as Record<string, Unary>)[method] as Unary;
    return new Promise((resolve, reject) =>
      fn.call(this.#client, request, { deadline: Date.now() + CALL_DEADLINE_MS }, (error, response) =>
        error ? reject(new Error(`CRI ${method}: ${error.details || error.message}`)) : resolve(response),
      ),
    );
  }

  async version(): Promise<string> {
    const answer = await this.#call('Version', { version: 'v1alpha2' });
    return `${answer.runtime_name} ${answer.runtime_version}`;
  }

  async sandboxes(): Promise<PodSandbox[]> {
    const answer = (await this.#call('ListPodSandbox', {})) as {
      items: { id: string; state: string; metadata: { name: string; namespace: string } }[];
    };
    return answer.items.map((s) => ({
      id: s.id,
      name: s.metadata.name,
      namespace: s.metadata.namespace,
      state: s.state,
    }));
  }

  /** Stops (containers killed, network torn down) and removes every pod sandbox. */
  async removeAllSandboxes(): Promise<number> {
    const all = await this.sandboxes();
    for (const sandbox of all) {
      await this.#call('StopPodSandbox', { pod_sandbox_id: sandbox.id });
      await this.#call('RemovePodSandbox', { pod_sandbox_id: sandbox.id });
    }
    return all.length;
  }

  close(): void {
    this.#client.close();
  }
}
