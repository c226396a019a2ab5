/**
 * Runs the toolchain's real kubectl against a test hub, as an operator would. Asynchronously:
 * a test may serve the API server's callbacks (an admission webhook) from its own process.
 */
import { spawn } from 'node:child_process';
import { ensureToolchain } from '@smart-fleet/hub';

export async function kubectl(
  kubeconfig: string,
  args: readonly string[],
): Promise<{ status: number; out: string }> {
  const tc = await ensureToolchain(() => {});
  return new Promise((resolve, reject) => {
    const child = spawn(tc.kubectl, args, { env: { ...process.env, KUBECONFIG: kubeconfig } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? 1, out }));
  });
}
