/** Runs the toolchain's real kubectl against a test hub, as an operator would. */
import { spawnSync } from 'node:child_process';
import { ensureToolchain } from '@smart-fleet/hub';

export async function kubectl(
  kubeconfig: string,
  args: readonly string[],
): Promise<{ status: number; out: string }> {
  const tc = await ensureToolchain(() => {});
  const result = spawnSync(tc.kubectl, args, {
    env: { ...process.env, KUBECONFIG: kubeconfig },
    encoding: 'utf8',
  });
  return { status: result.status ?? 1, out: `${result.stdout}${result.stderr}` };
}
