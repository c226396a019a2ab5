import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeviceDiscoveryError, findDevices, isDeviceNode } from './device-discovery.ts';
import { parseDevicePattern } from './device-pattern.ts';

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'discovery-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

function dirWith(name: string, files: string[]): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const file of files) {
    writeFileSync(join(dir, file), '');
  }
  return dir;
}

describe('device discovery', () => {
  it('finds /dev/nvidia[0-9]*-style devices in a directory, ids being file names in natural order', async () => {
    const dir = dirWith('nv', [
      'nvidia0',
      'nvidia10',
      'nvidia2',
      'nvidiactl',
      'nvidia-uvm',
      'nvidia-modeset',
    ]);
    mkdirSync(join(dir, 'nvidia3'), { recursive: true }); // a directory that matches is not a device
    const found = await findDevices({
      patterns: [parseDevicePattern(`${dir}/nvidia[0-9]*`)],
      allowRegularFiles: true,
    });
    assert.deepEqual(found, [
      { id: 'nvidia0', path: join(dir, 'nvidia0') },
      { id: 'nvidia2', path: join(dir, 'nvidia2') },
      { id: 'nvidia10', path: join(dir, 'nvidia10') },
    ]);
  });

  it('counts only character devices unless regular files are allowed', async () => {
    const dir = dirWith('plain', ['smart-accel0']);
    const patterns = [parseDevicePattern(`${dir}/smart-accel[0-9]*`)];
    assert.deepEqual(await findDevices({ patterns }), []);
    assert.equal((await findDevices({ patterns, allowRegularFiles: true })).length, 1);
    // /dev/null is a real character device on every Linux box.
    assert.deepEqual(await findDevices({ patterns: [parseDevicePattern('/dev/nul?')] }), [
      { id: 'null', path: '/dev/null' },
    ]);
    assert.equal(await isDeviceNode('/dev/null'), true);
    assert.equal(await isDeviceNode(join(dir, 'smart-accel0')), false);
    assert.equal(await isDeviceNode(join(dir, 'missing')), false);
  });

  it('follows a symlink to a device, keeping the link name as the id', async () => {
    const dir = dirWith('links', []);
    symlinkSync('/dev/null', join(dir, 'smart-accel0'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'smart-accel1'));
    assert.deepEqual(await findDevices({ patterns: [parseDevicePattern(`${dir}/smart-accel*`)] }), [
      { id: 'smart-accel0', path: join(dir, 'smart-accel0') },
    ]);
  });

  it('finds nothing in a directory that is not there', async () => {
    assert.deepEqual(await findDevices({ patterns: [parseDevicePattern(`${root}/absent/accel*`)] }), []);
  });

  it('merges several patterns and refuses one name in two directories', async () => {
    const a = dirWith('a', ['accel0', 'accel1']);
    const b = dirWith('b', ['accel1', 'card0']);
    const found = await findDevices({
      patterns: [parseDevicePattern(`${a}/accel0`), parseDevicePattern(`${b}/*`)],
      allowRegularFiles: true,
    });
    assert.deepEqual(
      found.map((d) => d.path),
      [join(a, 'accel0'), join(b, 'accel1'), join(b, 'card0')],
    );
    await assert.rejects(
      findDevices({
        patterns: [parseDevicePattern(`${a}/*`), parseDevicePattern(`${b}/*`)],
        allowRegularFiles: true,
      }),
      (error: unknown) =>
        error instanceof DeviceDiscoveryError && /would both be device "accel1"/.test(error.message),
    );
  });

  it('refuses more devices than the bound, naming the pattern', async () => {
    const dir = dirWith(
      'many',
      Array.from({ length: 9 }, (_, i) => `accel${i}`),
    );
    const pattern = `${dir}/accel*`;
    assert.equal(
      (await findDevices({ patterns: [parseDevicePattern(pattern)], maxDevices: 9, allowRegularFiles: true }))
        .length,
      9,
    );
    await assert.rejects(
      findDevices({ patterns: [parseDevicePattern(pattern)], maxDevices: 8, allowRegularFiles: true }),
      (error: unknown) =>
        error instanceof DeviceDiscoveryError &&
        error.message.includes(JSON.stringify(pattern)) &&
        /more than 8/.test(error.message),
    );
  });
});
