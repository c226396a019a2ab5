import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { licenseProxyFromEnv } from './edge-environment.ts';

describe("the edge pod's license proxy address", () => {
  it("prefers the stack's LICENSE_PROXY_URL, as HOST:PORT with the scheme's port when none is given", () => {
    assert.equal(
      licenseProxyFromEnv({ LICENSE_PROXY_URL: 'http://license-proxy.smart-site.svc' }),
      'license-proxy.smart-site.svc:80',
    );
    assert.equal(licenseProxyFromEnv({ LICENSE_PROXY_URL: 'http://10.0.0.7:8080/' }), '10.0.0.7:8080');
  });

  it("falls back to the address Kubernetes gives pods for the namespace's license-proxy Service", () => {
    const links = { LICENSE_PROXY_SERVICE_HOST: '10.96.0.12', LICENSE_PROXY_SERVICE_PORT: '80' };
    assert.equal(licenseProxyFromEnv(links), '10.96.0.12:80');
    assert.equal(licenseProxyFromEnv({ LICENSE_PROXY_SERVICE_HOST: '10.96.0.12' }), undefined);
    assert.equal(licenseProxyFromEnv({}), undefined);
  });

  it('passes a URL that does not parse on as it is, for the edge to refuse by name', () => {
    assert.equal(licenseProxyFromEnv({ LICENSE_PROXY_URL: 'not a url' }), 'not a url');
  });
});
