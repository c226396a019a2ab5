/**
 * What the plugin answers to the kubelet's Allocate and GetPreferredAllocation, as pure
 * functions of the request and the current devices. Allocate gives each container its device
 * nodes (at the same path inside) and one variable listing the ids; it refuses the whole
 * request, naming the id, when any id is unknown or unhealthy, since a pod started without its
 * card would stream in software and overrun the box. Requests are bounded before use.
 */
import { status } from '@grpc/grpc-js';
import { quote } from '@smart-fleet/model/echo';
import { compareIds, MAX_DEVICES } from './device-discovery.ts';
import type {
  AllocateRequest,
  AllocateResponse,
  ContainerAllocateResponse,
  ContainerPreferredAllocationRequest,
  PreferredAllocationRequest,
  PreferredAllocationResponse,
} from './device-plugin-proto.ts';
import { HEALTHY } from './device-plugin-proto.ts';
import type { PluginDevice } from './device-registry.ts';

/** A pod has at most a few dozen containers; the kubelet sends one entry per container. */
export const MAX_CONTAINER_REQUESTS = 64;
/** The device cgroup permissions a container gets on its card: read and write, no mknod. */
export const DEVICE_PERMISSIONS = 'rw';

/** A refusal the gRPC service returns with its code (INVALID_ARGUMENT for a bad request). */
export class AllocationError extends Error {
  override readonly name = 'AllocationError';
  readonly code: status;
  constructor(message: string, code: status = status.INVALID_ARGUMENT) {
    super(message);
    this.code = code;
  }
}

export type DeviceLookup = (id: string) => PluginDevice | undefined;

function boundedList<T>(list: readonly T[] | undefined, what: string, max: number): readonly T[] {
  const items = list ?? [];
  if (items.length > max) {
    throw new AllocationError(`${what} lists ${items.length} entries; at most ${max}`);
  }
  return items;
}

export function allocate(request: AllocateRequest, lookup: DeviceLookup, envName: string): AllocateResponse {
  const containers = boundedList(request.container_requests, 'container_requests', MAX_CONTAINER_REQUESTS);
  return {
    container_responses: containers.map((container, i) =>
      allocateContainer(
        boundedList(container.devicesIDs, `container_requests[${i}].devicesIDs`, MAX_DEVICES),
        {
          lookup,
          envName,
        },
      ),
    ),
  };
}

function allocateContainer(
  ids: readonly string[],
  context: { lookup: DeviceLookup; envName: string },
): ContainerAllocateResponse {
  const devices = [...new Set(ids)].map((id) => {
    const device = context.lookup(id);
    if (!device) {
      throw new AllocationError(`unknown device id ${quote(id)}`);
    }
    if (device.health !== HEALTHY) {
      throw new AllocationError(
        `device ${quote(id)} is ${device.health}${device.reason ? `: ${device.reason}` : ''}`,
      );
    }
    return device;
  });
  return {
    envs: devices.length > 0 ? { [context.envName]: devices.map((d) => d.id).join(',') } : {},
    mounts: [],
    devices: devices.map((d) => ({
      container_path: d.path,
      host_path: d.path,
      permissions: DEVICE_PERMISSIONS,
    })),
    annotations: {},
  };
}

export function preferredAllocation(
  request: PreferredAllocationRequest,
  lookup: DeviceLookup,
): PreferredAllocationResponse {
  const containers = boundedList(request.container_requests, 'container_requests', MAX_CONTAINER_REQUESTS);
  return { container_responses: containers.map((c, i) => ({ deviceIDs: preferredFor(c, i, lookup) })) };
}

/** The must-include ids first, then healthy available ones in id order, up to the size asked. */
function preferredFor(
  request: ContainerPreferredAllocationRequest,
  index: number,
  lookup: DeviceLookup,
): string[] {
  const where = `container_requests[${index}]`;
  const size = request.allocation_size;
  if (!Number.isInteger(size) || size < 0 || size > MAX_DEVICES) {
    throw new AllocationError(`${where}.allocation_size ${quote(size)} is not 0 to ${MAX_DEVICES}`);
  }
  const available = boundedList(request.available_deviceIDs, `${where}.available_deviceIDs`, MAX_DEVICES);
  const mustInclude = boundedList(
    request.must_include_deviceIDs,
    `${where}.must_include_deviceIDs`,
    MAX_DEVICES,
  );
  const chosen = new Set(mustInclude);
  // `available` arrives in the kubelet's order; the devices' own order keeps picks stable.
  const healthy = available
    .map(lookup)
    .filter((d): d is PluginDevice => d?.health === HEALTHY)
    .map((d) => d.id)
    .sort(compareIds);
  for (const id of healthy) {
    if (chosen.size >= size) {
      break;
    }
    chosen.add(id);
  }
  return [...chosen];
}
