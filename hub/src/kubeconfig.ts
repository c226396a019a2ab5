/** Writes kubeconfig files with the credentials embedded, so they work from any directory. */
import { readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  server: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  user: string;
  contextName: string;
}

const b64 = (file: string) => readFileSync(file).toString('base64');

export function writeKubeconfig(path: string, o: KubeconfigOptions): void {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: o.contextName, cluster: { server: o.server, 'certificate-authority-data': b64(o.caFile) } },
    ],
    users: [
      {
        name: o.user,
        user: { 'client-certificate-data': b64(o.certFile), 'client-key-data': b64(o.keyFile) },
      },
    ],
    contexts: [{ name: o.contextName, context: { cluster: o.contextName, user: o.user } }],
    'current-context': o.contextName,
  };
  writeFileSync(path, stringify(config), { mode: 0o600 });
}
