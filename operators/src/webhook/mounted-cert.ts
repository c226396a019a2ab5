/**
 * The webhook's serving certificate from a directory holding tls.crt and tls.key, as a
 * kubernetes.io/tls Secret is mounted in a pod. When the Secret is renewed (cert-manager, or a
 * new `pulumi up`), the kubelet swaps the files in place; the watcher notices and hands the new
 * pair to the server, so rotation needs no restart.
 *
 * It polls rather than using fs.watch: the kubelet replaces a Secret volume's files by swapping
 * a `..data` symlink, which inotify watches on the files themselves miss, while reading two
 * small files every few seconds costs nothing and sees every kind of writer. A pair that does
 * not match (read between two writes of a non-atomic writer) is skipped: the old certificate
 * stays until the next poll reads a matching pair.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@smart-fleet/kube';

export interface CertPair {
  cert: Buffer;
  key: Buffer;
}

/** Reads and checks the pair in `dir`; throws naming the file and what is wrong. */
export function readCertDir(dir: string): CertPair {
  const read = (file: string) => {
    try {
      return readFileSync(join(dir, file));
    } catch (error) {
      throw new Error(`webhook certificate: cannot read ${join(dir, file)}: ${(error as Error).message}`);
    }
  };
  const cert = read('tls.crt');
  const key = read('tls.key');
  let matches: boolean;
  try {
    matches = new X509Certificate(cert).checkPrivateKey(createPrivateKey(key));
  } catch (error) {
    throw new Error(
      `webhook certificate: ${dir}: not a PEM certificate and key: ${(error as Error).message}`,
    );
  }
  if (!matches) {
    throw new Error(`webhook certificate: ${dir}: tls.key is not the key of tls.crt`);
  }
  return { cert, key };
}

export const CERT_POLL_MS = 10_000;

/**
 * Calls `onChange` with each new valid pair in `dir`, checking every `intervalMs`; returns a
 * function that stops watching. `current` is the pair already served.
 */
export function watchCertDir(
  dir: string,
  current: CertPair,
  onChange: (pair: CertPair) => void,
  log: Logger,
  intervalMs = CERT_POLL_MS,
): () => void {
  let served = current;
  let lastProblem = '';
  const timer = setInterval(() => {
    let next: CertPair;
    try {
      next = readCertDir(dir);
    } catch (error) {
      const problem = (error as Error).message;
      if (problem !== lastProblem) {
        log.error('webhook certificate not reloaded; serving the previous one', { error: problem });
      }
      lastProblem = problem;
      return;
    }
    lastProblem = '';
    if (!(next.cert.equals(served.cert) && next.key.equals(served.key))) {
      served = next;
      onChange(next);
      log.info('webhook certificate reloaded', { dir, validTo: new X509Certificate(next.cert).validTo });
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
