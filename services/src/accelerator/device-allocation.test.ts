import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { status } from '@grpc/grpc-js';
import {
  AllocationError,
  allocate,
  MAX_CONTAINER_REQUESTS,
  preferredAllocation,
} from './device-allocation.ts';
import { HEALTHY, UNHEALTHY } from './device-plugin-proto.ts';
import type { PluginDevice } from './device-registry.ts';

const devices = new Map<string, PluginDevice>(
  (
    [
      ['a0', HEALTHY],
      ['a1', HEALTHY],
      ['a2', UNHEALTHY],
      ['a10', HEALTHY],
    ] as const
  ).map(([id, health]) => [id, { id, path: `/dev/${id}`, health }]),
);
const lookup = (id: string) => devices.get(id);
const ENV = 'X_IDS';

const refusedWith = (pattern: RegExp) => (error: unknown) =>
  error instanceof AllocationError && error.code === status.INVALID_ARGUMENT && pattern.test(error.message);

describe('Allocate', () => {
  it('gives each container its device nodes at the same path and its ids, each once', () => {
    const response = allocate(
      { container_requests: [{ devicesIDs: ['a1', 'a0', 'a1'] }, { devicesIDs: [] }] },
      lookup,
      ENV,
    );
    assert.deepEqual(response.container_responses, [
      {
        envs: { X_IDS: 'a1,a0' },
        mounts: [],
        devices: [
          { container_path: '/dev/a1', host_path: '/dev/a1', permissions: 'rw' },
          { container_path: '/dev/a0', host_path: '/dev/a0', permissions: 'rw' },
        ],
        annotations: {},
      },
      { envs: {}, mounts: [], devices: [], annotations: {} },
    ]);
  });

  it('refuses an unknown or unhealthy id, naming it, and too many containers', () => {
    assert.throws(
      () => allocate({ container_requests: [{ devicesIDs: ['a0', 'b7'] }] }, lookup, ENV),
      refusedWith(/unknown device id "b7"/),
    );
    assert.throws(
      () => allocate({ container_requests: [{ devicesIDs: ['a2'] }] }, lookup, ENV),
      refusedWith(/"a2" is Unhealthy/),
    );
    const many = Array.from({ length: MAX_CONTAINER_REQUESTS + 1 }, () => ({ devicesIDs: ['a0'] }));
    assert.throws(
      () => allocate({ container_requests: many }, lookup, ENV),
      refusedWith(/container_requests lists 65/),
    );
  });
});

describe('GetPreferredAllocation', () => {
  const prefer = (available: string[], mustInclude: string[], size: number) =>
    preferredAllocation(
      {
        container_requests: [
          { available_deviceIDs: available, must_include_deviceIDs: mustInclude, allocation_size: size },
        ],
      },
      lookup,
    ).container_responses[0]?.deviceIDs;

  const cases: [string, string[], string[], number, string[]][] = [
    ['healthy ones in id order', ['a10', 'a1', 'a0'], [], 2, ['a0', 'a1']],
    ['must-include first', ['a0', 'a1', 'a10'], ['a10'], 2, ['a10', 'a0']],
    ['never an unhealthy or unknown one', ['a2', 'zz', 'a1'], [], 2, ['a1']],
    ['no more than the size', ['a0', 'a1', 'a10'], [], 1, ['a0']],
    ['size zero', ['a0'], [], 0, []],
  ];
  for (const [what, available, mustInclude, size, expected] of cases) {
    it(`picks ${what}`, () => assert.deepEqual(prefer(available, mustInclude, size), expected));
  }

  it('refuses a size out of range', () => {
    assert.throws(() => prefer(['a0'], [], -1), refusedWith(/allocation_size -1 is not 0 to 256/));
  });
});
