/**
 * The names derived from the extended resource the plugin advertises, in one place: the check
 * that it is a name the kubelet accepts, the plugin's socket file name and the environment
 * variable that tells a container which cards it got. For the default resource
 * `smartfleet.io/stream-accelerator` they are `smartfleet-stream-accelerator.sock` and
 * `SMARTFLEET_STREAM_ACCELERATOR_IDS`: the domain's first label keeps them apart from another
 * vendor's plugin with the same short name.
 */
import { quote } from '@smart-fleet/model/echo';

// An extended resource is a qualified name: a DNS subdomain, "/", a name of at most 63 characters.
const RESOURCE =
  /^(?<domain>[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)\/(?<name>[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;

export class ResourceNameError extends Error {
  override readonly name = 'ResourceNameError';
}

function parts(resource: string): { domain: string; name: string } {
  const groups = RESOURCE.exec(resource)?.groups;
  if (!groups?.domain || !groups.name) {
    throw new ResourceNameError(
      `resource ${quote(resource)} is not an extended resource name (domain/name, e.g. smartfleet.io/stream-accelerator)`,
    );
  }
  if (groups.domain === 'kubernetes.io' || groups.domain.endsWith('.kubernetes.io')) {
    throw new ResourceNameError(`resource ${quote(resource)}: the kubernetes.io domain is reserved`);
  }
  return { domain: groups.domain, name: groups.name };
}

/** `resource` if the kubelet would accept it; a ResourceNameError naming it otherwise. */
export function checkResourceName(resource: string): string {
  parts(resource);
  return resource;
}

function stem(resource: string): string {
  const { domain, name } = parts(resource);
  return `${domain.split('.')[0]}-${name}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
}

/** The plugin's socket, a file name relative to the device-plugins directory. */
export function pluginSocketName(resource: string): string {
  return `${stem(resource)}.sock`;
}

/** The variable Allocate sets to the comma-separated ids of the container's devices. */
export function deviceIdsEnv(resource: string): string {
  return `${stem(resource).toUpperCase().replace(/-/g, '_')}_IDS`;
}
