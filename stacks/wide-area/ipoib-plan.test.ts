import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { childInterface, planIpoibNetworks } from './ipoib-plan.ts';
import { formatCidr, parseIpv4Cidr, splitCidr, usableAddresses } from './ipv4-cidr.ts';

const partitions = [
  { name: 'content', pkey: '0x0001' },
  { name: 'storage', pkey: '0x0002' },
];

describe('IPv4 CIDR arithmetic', () => {
  it('parses, splits evenly and counts usable addresses', () => {
    const cidr = parseIpv4Cidr('10.200.0.0/16');
    assert.deepEqual(splitCidr(cidr, 3).map(formatCidr), [
      '10.200.0.0/18',
      '10.200.64.0/18',
      '10.200.128.0/18',
    ]);
    assert.equal(usableAddresses(parseIpv4Cidr('192.168.1.0/24')), 254);
    assert.equal(formatCidr(parseIpv4Cidr('255.255.255.255/32')), '255.255.255.255/32');
  });

  for (const [text, problem] of [
    ['10.200.0.0', /not an IPv4 CIDR/],
    ['10.200.0.0/33', /not an IPv4 CIDR/],
    ['10.256.0.0/16', /not an IPv4 CIDR/],
    ['10.200.0.0/16/2', /not an IPv4 CIDR/],
    ['010.1.0.0/16', /not an IPv4 CIDR/],
    ['10.200.1.0/16', /host bits set; the network is 10\.200\.0\.0\/16/],
  ] as const) {
    it(`refuses ${text}`, () => {
      assert.throws(() => parseIpv4Cidr(text), problem);
    });
  }
});

describe('IPoIB plan', () => {
  it('names partition children after the pkey with the full-membership bit', () => {
    assert.equal(childInterface('ib0', '0x0001'), 'ib0.8001');
    assert.equal(childInterface('ib1', '0x7ffe'), 'ib1.fffe');
    assert.equal(childInterface('ib0', '0x7fff'), 'ib0', 'the default partition is the parent');
  });

  it('gives every partition its own network, child interface and range, as an ipoib CNI config', () => {
    const networks = planIpoibNetworks({
      partitions,
      parentInterface: 'ib0',
      cidr: '10.200.0.0/16',
      minAddresses: 192,
    });
    assert.deepEqual(
      networks.map(({ name, master, range }) => ({ name, master, range })),
      [
        { name: 'ipoib-content', master: 'ib0.8001', range: '10.200.0.0/17' },
        { name: 'ipoib-storage', master: 'ib0.8002', range: '10.200.128.0/17' },
      ],
    );
    assert.deepEqual(JSON.parse(networks[0]?.cniConfig ?? ''), {
      cniVersion: '0.3.1',
      name: 'ipoib-content',
      type: 'ipoib',
      master: 'ib0.8001',
      ipam: { type: 'whereabouts', range: '10.200.0.0/17' },
    });
  });

  it('refuses a range too small for the cluster, saying how many addresses each partition gets', () => {
    assert.throws(
      () =>
        planIpoibNetworks({ partitions, parentInterface: 'ib0', cidr: '10.200.0.0/24', minAddresses: 192 }),
      /10\.200\.0\.0\/24 split over 2 partition\(s\) gives 126 addresses each, fewer than the 192/,
    );
  });

  it('refuses an interface name whose children would not fit in 15 characters', () => {
    assert.throws(
      () =>
        planIpoibNetworks({
          partitions,
          parentInterface: 'infiniband-port0',
          cidr: '10.0.0.0/8',
          minAddresses: 1,
        }),
      /not an interface name/,
    );
  });
});
