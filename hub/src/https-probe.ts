/** One HTTPS GET with client-certificate authentication: how the hub's readiness is asked. */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';

export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

export function httpsGet(
  url: string,
  tls: TlsFiles,
  timeoutMs = 2000,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ca: readFileSync(tls.ca),
        cert: readFileSync(tls.cert),
        key: readFileSync(tls.key),
        timeout: timeoutMs,
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
