/**
 * A serving certificate for the admission webhook: a private CA and a certificate for
 * 127.0.0.1/localhost (and any extra names), made with openssl at start-up. The API server
 * trusts it through the caBundle in the webhook registration; nothing is written to disk
 * beyond a private temporary directory that is removed at once.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ServingCert {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

export function makeServingCert(names: readonly string[] = []): ServingCert {
  const dir = mkdtempSync(join(tmpdir(), 'smart-fleet-webhook-'));
  const file = (n: string) => join(dir, n);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  try {
    openssl(
      'req',
      '-x509',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.crt'),
      '-days',
      '365',
      '-subj',
      '/CN=smart-fleet-webhook-ca',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
    );
    const sans = ['DNS:localhost', 'IP:127.0.0.1', ...names.map((n) => `DNS:${n}`)].join(',');
    writeFileSync(
      file('ext'),
      `basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=${sans}\n`,
    );
    openssl(
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      file('tls.key'),
      '-out',
      file('tls.csr'),
      '-subj',
      '/CN=smart-fleet-webhook',
    );
    openssl(
      'x509',
      '-req',
      '-in',
      file('tls.csr'),
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file('tls.crt'),
      '-days',
      '365',
      '-sha256',
      '-extfile',
      file('ext'),
    );
    return {
      ca: readFileSync(file('ca.crt')),
      cert: readFileSync(file('tls.crt')),
      key: readFileSync(file('tls.key')),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
