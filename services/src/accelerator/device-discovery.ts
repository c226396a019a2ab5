/**
 * Which accelerator device nodes the box has right now: every file in a pattern's directory whose
 * name matches and that is a character device (or, where a test allows it, a regular file). A
 * device's ID is its file name, so it stays the same across rescans and plugin restarts, which
 * is what the kubelet's checkpoint of allocations relies on. Bounded: a directory is read only
 * up to MAX_DIR_ENTRIES, and more matches than `maxDevices` is refused naming the pattern.
 */
import { opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { quote } from '@smart-fleet/model/echo';
import type { DevicePattern } from './device-pattern.ts';

/** The most devices one plugin advertises (a SMART box has 1 to 4 cards). */
export const MAX_DEVICES = 256;
/** The most directory entries read per pattern; /dev on a busy host has a few thousand. */
export const MAX_DIR_ENTRIES = 65_536;

export interface FoundDevice {
  /** The file name: stable, and unique across the plugin's patterns. */
  id: string;
  /** The device node's absolute path, given to containers as the same path. */
  path: string;
}

export interface DiscoveryOptions {
  patterns: readonly DevicePattern[];
  maxDevices?: number;
  /** Count regular files as devices too: for tests, which cannot make character devices. */
  allowRegularFiles?: boolean;
}

export class DeviceDiscoveryError extends Error {
  override readonly name = 'DeviceDiscoveryError';
}

/** Whether `path` is, right now, a device node this plugin would advertise. */
export async function isDeviceNode(path: string, allowRegularFiles = false): Promise<boolean> {
  try {
    const info = await stat(path);
    return info.isCharacterDevice() || (allowRegularFiles && info.isFile());
  } catch {
    return false;
  }
}

/** The devices matching any pattern, sorted by id (natural order: accel2 before accel10). */
export async function findDevices(options: DiscoveryOptions): Promise<FoundDevice[]> {
  const max = options.maxDevices ?? MAX_DEVICES;
  const byId = new Map<string, FoundDevice>();
  for (const pattern of options.patterns) {
    for (const id of await matchingNames(pattern, max)) {
      const path = join(pattern.dir, id);
      if (await isDeviceNode(path, options.allowRegularFiles)) {
        addDevice(byId, { id, path }, pattern);
      }
      if (byId.size > max) {
        throw new DeviceDiscoveryError(
          `device pattern ${quote(pattern.text)} brings the devices found past ${max}; narrow the patterns`,
        );
      }
    }
  }
  return [...byId.values()].sort((a, b) => compareIds(a.id, b.id));
}

function addDevice(byId: Map<string, FoundDevice>, device: FoundDevice, pattern: DevicePattern): void {
  const seen = byId.get(device.id);
  if (seen && seen.path !== device.path) {
    throw new DeviceDiscoveryError(
      `${quote(seen.path)} and ${quote(device.path)} (pattern ${quote(pattern.text)}) would both be device ` +
        `${quote(device.id)}: a device id is its file name, so patterns must not match one name in two directories`,
    );
  }
  byId.set(device.id, device);
}

const collator = new Intl.Collator('en', { numeric: true });
export const compareIds = (a: string, b: string): number => collator.compare(a, b);

async function matchingNames(pattern: DevicePattern, max: number): Promise<string[]> {
  let dir: Awaited<ReturnType<typeof opendir>>;
  try {
    dir = await opendir(pattern.dir);
  } catch (error) {
    // No directory, no devices: a card's driver that is not loaded is a box with no cards.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return [];
    }
    throw new DeviceDiscoveryError(
      `cannot read ${quote(pattern.dir)} for device pattern ${quote(pattern.text)}: ${(error as Error).message}`,
    );
  }
  const names: string[] = [];
  let entries = 0;
  // The for-await closes the directory handle when the loop ends, early or not.
  for await (const entry of dir) {
    if (++entries > MAX_DIR_ENTRIES) {
      throw new DeviceDiscoveryError(
        `${quote(pattern.dir)} holds more than ${MAX_DIR_ENTRIES} entries; device pattern ${quote(pattern.text)} ` +
          'should name a smaller directory',
      );
    }
    if (pattern.matches(entry.name)) {
      names.push(entry.name);
      if (names.length > max) {
        throw new DeviceDiscoveryError(
          `device pattern ${quote(pattern.text)} matches more than ${max} files`,
        );
      }
    }
  }
  return names;
}
