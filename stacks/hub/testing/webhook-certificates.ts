/**
 * Real certificates for tests of the webhook's TLS config: a CA and a serving certificate for a
 * host, made with openssl as an operator would (docs/stacks.md), in a temporary folder removed
 * at once.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  caCertificate: string;
  certificate: string;
  privateKey: string;
}

const made = new Map<string, TestCertificates>();

/** One set per host and CA name for the process: openssl runs once per distinct request. */
export function makeWebhookCertificates(host: string, caName = 'smart-fleet-webhook-ca'): TestCertificates {
  const key = `${host} ${caName}`;
  let certs = made.get(key);
  if (!certs) {
    certs = issue(host, caName);
    made.set(key, certs);
  }
  return certs;
}

function issue(host: string, caName: string): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'stacks-webhook-cert-'));
  const at = (f: string) => join(dir, f);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    openssl(
      'req',
      '-x509',
      ...ec,
      '-days',
      '30',
      '-subj',
      `/CN=${caName}`,
      '-keyout',
      at('ca.key'),
      '-out',
      at('ca.crt'),
    );
    openssl('req', ...ec, '-subj', `/CN=${host}`, '-keyout', at('tls.key'), '-out', at('tls.csr'));
    writeFileSync(at('ext'), `subjectAltName=DNS:${host}\nextendedKeyUsage=serverAuth\n`);
    openssl(
      'x509',
      '-req',
      '-in',
      at('tls.csr'),
      '-CA',
      at('ca.crt'),
      '-CAkey',
      at('ca.key'),
      '-CAcreateserial',
      '-days',
      '30',
      '-extfile',
      at('ext'),
      '-out',
      at('tls.crt'),
    );
    const read = (f: string) => readFileSync(at(f), 'utf8');
    return { caCertificate: read('ca.crt'), certificate: read('tls.crt'), privateKey: read('tls.key') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
