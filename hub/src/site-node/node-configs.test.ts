/**
 * The node's files, pure: two nodes on one machine never share a socket, a bridge, a subnet or a
 * port, and the sandbox's quirks are fixed where containerd reads them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cniConfig, containerdConfig, kubeletConfig, nodeLayout, nodeNetwork } from './node-configs.ts';

describe('site node configuration', () => {
  const a = nodeLayout('/nodes/a');
  const b = nodeLayout('/nodes/b');

  it('gives every node its own containerd socket, root, state and CNI folder', () => {
    const [ca, cb] = [containerdConfig(a, 'localhost/pause:1'), containerdConfig(b, 'localhost/pause:1')];
    for (const key of ['address', 'root', 'state', 'conf_dir']) {
      const value = (config: string) => config.match(new RegExp(`^\\s*${key} = (.*)$`, 'm'))?.[1];
      assert.ok(value(ca), `${key} is set`);
      assert.notEqual(value(ca), value(cb), `${key} differs between nodes`);
    }
    assert.match(ca, /^\s*address = "\/nodes\/a\/containerd\/containerd.sock"$/m);
    assert.match(ca, /restrict_oom_score_adj = true/);
    assert.match(ca, /sandbox_image = "localhost\/pause:1"/);
    assert.match(ca, /stream_server_port = "0"/, 'no fixed streaming port two nodes would fight over');
  });

  it('numbers node networks 0-255 with a bridge name Linux accepts, and refuses others', () => {
    const net = nodeNetwork(255);
    assert.deepEqual(net, {
      bridge: 'sf-node-255',
      subnet: '10.88.255.0/24',
      gateway: '10.88.255.1',
      serviceSubnet: '10.89.255.0/24',
      apiServiceIp: '10.89.255.1',
    });
    assert.notEqual(
      nodeNetwork(3).serviceSubnet,
      nodeNetwork(4).serviceSubnet,
      'each node its own Service IPs',
    );
    assert.ok(net.bridge.length <= 15);
    assert.throws(() => nodeNetwork(256), /0-255/);
    assert.throws(() => nodeNetwork(-1), /0-255/);
  });

  it('writes a bridge network on the node subnet with its IPAM state in the node folder', () => {
    const config = JSON.parse(cniConfig('apt-1', a, nodeNetwork(3)));
    const bridge = config.plugins[0];
    assert.equal(bridge.bridge, 'sf-node-3');
    assert.equal(bridge.ipMasq, false);
    assert.deepEqual(bridge.ipam.ranges, [[{ subnet: '10.88.3.0/24', gateway: '10.88.3.1' }]]);
    assert.deepEqual(bridge.ipam.routes, [{ dst: '10.89.3.0/24' }], "the node's Services, and nothing else");
    assert.equal(bridge.ipam.dataDir, '/nodes/a/cni/ipam');
  });

  it('keeps the kubelet on the node address with client certificates and the reserve held back', () => {
    const config = JSON.parse(
      kubeletConfig({
        address: '10.88.3.1',
        serving: { cert: '/k.crt', key: '/k.key' },
        caFile: '/ca.crt',
        port: 20250,
        healthzPort: 20248,
        reserved: { cpuMillis: 500, memoryMi: 1024 },
      }),
    );
    assert.equal(config.address, '10.88.3.1');
    assert.equal(config.healthzBindAddress, '127.0.0.1');
    assert.equal(config.readOnlyPort, 0);
    assert.equal(config.authentication.anonymous.enabled, false);
    assert.equal(config.authentication.x509.clientCAFile, '/ca.crt');
    assert.equal(config.authorization.mode, 'Webhook');
    assert.deepEqual(config.systemReserved, { cpu: '500m', memory: '1024Mi' });
  });
});
