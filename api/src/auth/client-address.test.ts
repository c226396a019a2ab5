import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressKey, clientAddress, trustedProxies } from './client-address.ts';

const proxies = trustedProxies(['10.0.0.0/8', '127.0.0.1', 'fd00::/8']);

test('the peer is the client unless it is a trusted proxy', () => {
  assert.equal(clientAddress('203.0.113.9', '198.51.100.1', proxies), '203.0.113.9');
  assert.equal(
    clientAddress('203.0.113.9', '198.51.100.1', undefined),
    '203.0.113.9',
    'nothing trusted: header ignored',
  );
  assert.equal(clientAddress('10.1.2.3', '198.51.100.1', proxies), '198.51.100.1');
  assert.equal(clientAddress('10.1.2.3', null, proxies), '10.1.2.3', 'a proxy that forwards for nobody');
});

test('the client is the right-most hop that is not a trusted proxy: what a client prepends is ignored', () => {
  assert.equal(clientAddress('10.0.0.5', '1.1.1.1, 198.51.100.7, 10.0.0.9', proxies), '198.51.100.7');
  assert.equal(
    clientAddress('10.0.0.5', '10.0.0.8,10.0.0.9', proxies),
    '10.0.0.8',
    'all proxies: the farthest',
  );
});

test('a trusted proxy passing on garbage is taken as the client itself', () => {
  assert.equal(clientAddress('10.0.0.5', 'not-an-address', proxies), '10.0.0.5');
  assert.equal(clientAddress('10.0.0.5', '198.51.100.7, junk', proxies), '10.0.0.5');
});

test('IPv4-mapped IPv6 counts as IPv4, for peers and hops alike', () => {
  assert.equal(clientAddress('::ffff:127.0.0.1', '::ffff:198.51.100.3', proxies), '198.51.100.3');
  assert.equal(clientAddress('::ffff:203.0.113.4', null, undefined), '203.0.113.4');
});

test('no connection at all is one "unknown" client', () => {
  assert.equal(clientAddress(undefined, '198.51.100.1', proxies), 'unknown');
});

test('IPv6 clients are keyed by their /64; IPv4 by the address', () => {
  assert.equal(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:db8:1:2::1'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:DB8:0001:0002:0::9'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(addressKey('::1'), '0:0:0:0::/64');
  assert.equal(addressKey('198.51.100.7'), '198.51.100.7');
});

test('a trusted-proxy entry that is no address or range is refused, naming it', () => {
  for (const bad of ['10.0.0.0/33', 'ten', '10.0.0.0/8/8', 'fd00::/129', '']) {
    assert.throws(
      () => trustedProxies([bad]),
      new RegExp(`trusted proxy "${bad.replace(/[./]/g, '\\$&')}" is not`),
    );
  }
});
