/**
 * The local hub's certificates, made with openssl: one CA; serving certificates for etcd and
 * kube-apiserver on loopback; client certificates for the apiserver (to etcd), the admin, and
 * the controller-manager; and the service-account signing key. Everything authenticates with
 * TLS client certificates, as a production control plane does.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './run.ts';

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  saKey: string;
  saPub: string;
  cert(name: CertName): { cert: string; key: string };
}

export type CertName = 'etcd-server' | 'apiserver-etcd-client' | 'apiserver' | 'admin' | 'controller-manager';

interface CertRequest<N extends string = CertName> {
  name: N;
  subject: string;
  usage: 'serverAuth' | 'clientAuth' | 'serverAuth,clientAuth';
  /** Serving certificates' names; loopback unless given. */
  sans?: string;
}

const CERTS: readonly CertRequest[] = [
  { name: 'etcd-server', subject: '/CN=etcd', usage: 'serverAuth,clientAuth' },
  { name: 'apiserver-etcd-client', subject: '/CN=kube-apiserver-etcd-client', usage: 'clientAuth' },
  { name: 'apiserver', subject: '/CN=kube-apiserver', usage: 'serverAuth' },
  // system:masters is the bootstrap superuser group; the admin kubeconfig is for the hub's owner.
  { name: 'admin', subject: '/O=system:masters/CN=smart-fleet-admin', usage: 'clientAuth' },
  { name: 'controller-manager', subject: '/CN=system:kube-controller-manager', usage: 'clientAuth' },
];

const SANS = 'DNS:localhost,IP:127.0.0.1';
const DAYS = '825';

/** Issues `<name>.crt`/`<name>.key` in `dir`, signed by `ca` (by default the one in `dir`). */
async function issue(
  dir: string,
  req: CertRequest<string>,
  ca = { cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key') },
): Promise<void> {
  const key = join(dir, `${req.name}.key`);
  const csr = join(dir, `${req.name}.csr`);
  const crt = join(dir, `${req.name}.crt`);
  const ext = join(dir, `${req.name}.ext`);
  const sans = req.usage.includes('serverAuth') ? `subjectAltName=${req.sans ?? SANS}\n` : '';
  writeFileSync(
    ext,
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=${req.usage}\n${sans}`,
  );
  await run('openssl', [
    'req',
    '-new',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    csr,
    '-subj',
    req.subject,
  ]);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-CAserial',
    join(dir, 'ca.srl'),
    '-out',
    crt,
    '-days',
    DAYS,
    '-sha256',
    '-extfile',
    ext,
  ]);
}

/** Where the PKI under `dir` keeps its files (made by ensurePki). */
export function pkiAt(dir: string): Pki {
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    saKey: join(dir, 'sa.key'),
    saPub: join(dir, 'sa.pub'),
    cert: (name) => ({ cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) }),
  };
}

function complete(pki: Pki): boolean {
  const files = [
    pki.caCert,
    pki.caKey,
    pki.saKey,
    pki.saPub,
    ...CERTS.flatMap((c) => Object.values(pki.cert(c.name))),
  ];
  return files.every((f) => existsSync(f));
}

/** A private CA in `dir` (ca.crt, ca.key). */
async function makeCa(dir: string, commonName: string): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  await run('openssl', [
    'req',
    '-x509',
    '-new',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    join(dir, 'ca.key'),
    '-out',
    join(dir, 'ca.crt'),
    '-days',
    DAYS,
    '-subj',
    `/CN=${commonName}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

export interface ServingCert {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/**
 * A serving certificate for 127.0.0.1/localhost under a private CA made for it, returned in
 * memory: for servers the API server calls (admission webhooks), which it trusts through the
 * CA passed as caBundle. The temporary directory is removed at once.
 */
export async function makeServingCert(commonName: string): Promise<ServingCert> {
  const dir = mkdtempSync(join(tmpdir(), 'smart-fleet-cert-'));
  try {
    await makeCa(dir, `${commonName}-ca`);
    await issue(dir, { name: 'tls', subject: `/CN=${commonName}`, usage: 'serverAuth' });
    const read = (f: string) => readFileSync(join(dir, f));
    return { ca: read('ca.crt'), cert: read('tls.crt'), key: read('tls.key') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Makes the PKI under `dir` unless a complete one is already there. */
export async function ensurePki(dir: string): Promise<Pki> {
  const pki = pkiAt(dir);
  if (complete(pki)) {
    return pki;
  }
  await makeCa(dir, 'smart-fleet-hub-ca');
  for (const req of CERTS) {
    await issue(dir, req);
  }
  await run('openssl', ['genrsa', '-out', pki.saKey, '2048']);
  await run('openssl', ['rsa', '-in', pki.saKey, '-pubout', '-out', pki.saPub]);
  return pki;
}

/**
 * A client certificate under the hub's CA for a component that joins later (a site's scheduler,
 * its kubelet as `system:node:<name>`): issued once into `dir`, beside the PKI's own, so adding
 * one never remakes the CA that everything else trusts.
 */
export async function ensureClientCert(
  pki: Pki,
  dir: string,
  name: string,
  subject: string,
): Promise<{ cert: string; key: string }> {
  const files = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  if (existsSync(files.cert) && existsSync(files.key)) {
    return files;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  await issue(dir, { name, subject, usage: 'clientAuth' }, { cert: pki.caCert, key: pki.caKey });
  return files;
}

/** A serving certificate under the hub's CA for `ip` (a kubelet on its node IP), issued once into `dir`. */
export async function ensureServingCert(
  pki: Pki,
  dir: string,
  name: string,
  commonName: string,
  ip: string,
): Promise<{ cert: string; key: string }> {
  const files = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  const issuedFor = `${files.cert}.ip`; // the node IP can change between starts: issue again then
  if (existsSync(files.key) && existsSync(issuedFor) && readFileSync(issuedFor, 'utf8') === ip) {
    return files;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  await issue(
    dir,
    { name, subject: `/CN=${commonName}`, usage: 'serverAuth', sans: `IP:${ip},${SANS}` },
    { cert: pki.caCert, key: pki.caKey },
  );
  writeFileSync(issuedFor, ip);
  return files;
}
