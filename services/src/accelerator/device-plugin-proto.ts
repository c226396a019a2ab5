/**
 * The kubelet's device-plugin API (deviceplugin/v1beta1, vendored in proto/ with its origin in the
 * header), loaded once with proto-loader, and typed views of the messages the plugin and its
 * tests exchange. Field names are kept exactly as the proto spells them (keepCase: true), so
 * `devicesIDs`, `resource_name` and `ID` read the same here as in the kubelet's Go code.
 */
import { fileURLToPath } from 'node:url';
import {
  type CallOptions,
  type Client,
  type ClientReadableStream,
  type ClientUnaryCall,
  credentials,
  loadPackageDefinition,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/** The API version the plugin is built against, as Register names it. */
export const DEVICE_PLUGIN_API_VERSION = 'v1beta1';
/** The kubelet's registration socket, inside the device-plugins directory. */
export const KUBELET_SOCKET = 'kubelet.sock';
export const HEALTHY = 'Healthy';
export const UNHEALTHY = 'Unhealthy';
export type DeviceHealth = typeof HEALTHY | typeof UNHEALTHY;

/** The kubelet's messages are a few device ids each; anything near this is not a kubelet. */
export const MAX_GRPC_MESSAGE_BYTES = 1 << 20;

export type Empty = Record<string, never>;

export interface DevicePluginOptions {
  pre_start_required: boolean;
  get_preferred_allocation_available: boolean;
}

export interface RegisterRequest {
  version: string;
  endpoint: string;
  resource_name: string;
  options: DevicePluginOptions;
}

export interface Device {
  ID: string;
  health: string;
  topology?: { nodes: { ID: number }[] } | null;
}

export interface ListAndWatchResponse {
  devices: Device[];
}

export interface ContainerPreferredAllocationRequest {
  available_deviceIDs: string[];
  must_include_deviceIDs: string[];
  allocation_size: number;
}

export interface PreferredAllocationRequest {
  container_requests: ContainerPreferredAllocationRequest[];
}

export interface PreferredAllocationResponse {
  container_responses: { deviceIDs: string[] }[];
}

export interface AllocateRequest {
  container_requests: { devicesIDs: string[] }[];
}

export interface DeviceSpec {
  container_path: string;
  host_path: string;
  permissions: string;
}

export interface Mount {
  container_path: string;
  host_path: string;
  read_only: boolean;
}

export interface ContainerAllocateResponse {
  envs: Record<string, string>;
  mounts: Mount[];
  devices: DeviceSpec[];
  annotations: Record<string, string>;
}

export interface AllocateResponse {
  container_responses: ContainerAllocateResponse[];
}

export interface PreStartContainerRequest {
  devicesIDs: string[];
}

type Unary<Req, Res> = (
  request: Req,
  options: CallOptions,
  callback: (error: ServiceError | null, response?: Res) => void,
) => ClientUnaryCall;

/** The kubelet's side: what a plugin calls on kubelet.sock. */
export interface RegistrationClient extends Client {
  Register: Unary<RegisterRequest, Empty>;
}

/** The plugin's side, as the kubelet (or a test standing in for it) calls it. */
export interface DevicePluginClient extends Client {
  GetDevicePluginOptions: Unary<Empty, DevicePluginOptions>;
  ListAndWatch(request: Empty, options?: CallOptions): ClientReadableStream<ListAndWatchResponse>;
  GetPreferredAllocation: Unary<PreferredAllocationRequest, PreferredAllocationResponse>;
  Allocate: Unary<AllocateRequest, AllocateResponse>;
  PreStartContainer: Unary<PreStartContainerRequest, Empty>;
}

export interface DevicePluginProto {
  Registration: ServiceClientConstructor;
  DevicePlugin: ServiceClientConstructor;
}

const PROTO_FILE = fileURLToPath(new URL('./proto/deviceplugin-v1beta1.proto', import.meta.url));
let loaded: DevicePluginProto | undefined;

/** The two services, parsed from the vendored proto on first use and kept. */
export function devicePluginProto(): DevicePluginProto {
  if (!loaded) {
    const definition = loadSync(PROTO_FILE, {
      keepCase: true,
      longs: Number,
      enums: String,
      defaults: true,
      arrays: true,
      objects: true,
    });
    const api = loadPackageDefinition(definition).v1beta1 as Record<string, ServiceClientConstructor>;
    const { Registration, DevicePlugin } = api;
    if (!Registration || !DevicePlugin) {
      throw new Error(`${PROTO_FILE} does not define v1beta1.Registration and v1beta1.DevicePlugin`);
    }
    loaded = { Registration, DevicePlugin };
  }
  return loaded;
}

/** grpc-js's address for a unix socket at an absolute path. */
export function unixAddress(socketPath: string): string {
  return `unix:${socketPath}`;
}

const CHANNEL_OPTIONS = {
  'grpc.max_receive_message_length': MAX_GRPC_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_GRPC_MESSAGE_BYTES,
};

// The generated constructors are typed loosely (every method a Function); these casts give each
// service its methods' real request and response types, which the interfaces above spell out.
export function registrationClient(socketPath: string): RegistrationClient {
  const { Registration } = devicePluginProto();
  return new Registration(
    unixAddress(socketPath),
    credentials.createInsecure(),
    CHANNEL_OPTIONS,
  ) as unknown as RegistrationClient;
}

export function devicePluginClient(socketPath: string): DevicePluginClient {
  const { DevicePlugin } = devicePluginProto();
  return new DevicePlugin(
    unixAddress(socketPath),
    credentials.createInsecure(),
    CHANNEL_OPTIONS,
  ) as unknown as DevicePluginClient;
}

/** A unary call as a promise, with a deadline. */
export function callUnary<Req, Res>(
  method: Unary<Req, Res>,
  client: Client,
  request: Req,
  timeoutMs: number,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, request, { deadline: Date.now() + timeoutMs }, (error, response) => {
      if (error) {
        reject(error);
      } else {
        resolve(response as Res);
      }
    });
  });
}
