/**
 * What the node's service proxy relays, from the Services listed: every TCP port of a Service
 * with a cluster IP, named as its endpoints name it; nothing for headless or unallocated ones.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Service } from '@kubernetes/client-node';
import { servicePorts } from './service-proxy.ts';

const service = (name: string, spec: V1Service['spec']): V1Service => ({
  metadata: { name, namespace: 'smart-site' },
  spec,
});

describe("the node's service proxy", () => {
  it('relays each TCP port of each Service with a cluster IP, by the port name its endpoints use', () => {
    const ports = servicePorts([
      service('license-proxy', {
        clusterIP: '10.89.3.20',
        ports: [
          { name: 'http', port: 80, targetPort: 8080 },
          { name: 'metrics', port: 9102, protocol: 'TCP' },
        ],
      }),
      service('kubernetes', { clusterIP: '10.89.3.1', ports: [{ port: 443 }] }),
    ]);
    assert.deepEqual(ports, [
      { namespace: 'smart-site', name: 'license-proxy', ip: '10.89.3.20', port: 80, portName: 'http' },
      { namespace: 'smart-site', name: 'license-proxy', ip: '10.89.3.20', port: 9102, portName: 'metrics' },
      { namespace: 'smart-site', name: 'kubernetes', ip: '10.89.3.1', port: 443, portName: '' },
    ]);
  });

  it('leaves out headless Services, ones with no IP yet, and UDP ports', () => {
    assert.deepEqual(
      servicePorts([
        service('headless', { clusterIP: 'None', ports: [{ port: 80 }] }),
        service('pending', { ports: [{ port: 80 }] }),
        service('dns', { clusterIP: '10.89.3.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }),
        service('v6', { clusterIP: 'fd00::10', ports: [{ port: 80 }] }),
      ]),
      [],
    );
  });
});
