import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { commandProbe, probeDevices } from './health-probe.ts';

const dir = mkdtempSync(join(tmpdir(), 'probe-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const device = (id: string) => ({ id, path: join(dir, id) });

describe('health probes', () => {
  it('runs a command with the device path last; exit 0 is healthy, else the reason has its stderr', async () => {
    writeFileSync(join(dir, 'a1.bad'), '');
    // $0 is the device path: the probe fails for a device with a .bad file beside it.
    const probe = commandProbe([
      '/bin/sh',
      '-c',
      'if [ -e "$0.bad" ]; then echo "engine stuck" >&2; exit 3; fi',
    ]);
    const verdicts = await probeDevices([device('a0'), device('a1')], probe);
    assert.deepEqual(verdicts.get('a0'), { healthy: true });
    assert.equal(verdicts.get('a1')?.healthy, false);
    assert.match(verdicts.get('a1')?.reason ?? '', /health command \/bin\/sh failed \(3\): engine stuck/);
  });

  it('makes a probe that hangs, throws or cannot start Unhealthy', async () => {
    const hangs = await probeDevices([device('a0')], commandProbe(['/bin/sh', '-c', 'exec sleep 30']), 200);
    assert.deepEqual(hangs.get('a0'), { healthy: false, reason: 'health probe timed out after 200 ms' });
    const throws = await probeDevices([device('a0')], async () => {
      throw new Error('no sysfs');
    });
    assert.deepEqual(throws.get('a0'), { healthy: false, reason: 'health probe failed: no sysfs' });
    const missing = await probeDevices([device('a0')], commandProbe([join(dir, 'no-such-probe')]));
    assert.match(missing.get('a0')?.reason ?? '', /failed \(ENOENT\)/);
    assert.throws(() => commandProbe([]), /needs at least a program/);
  });

  it('probes many devices a few at a time, each getting its own verdict', async () => {
    const many = Array.from({ length: 20 }, (_, i) => device(`a${i}`));
    let running = 0;
    let most = 0;
    const verdicts = await probeDevices(many, async (d) => {
      most = Math.max(most, ++running);
      await Promise.resolve();
      running--;
      return { healthy: d.id !== 'a7' };
    });
    assert.equal(verdicts.size, 20);
    assert.equal(verdicts.get('a7')?.healthy, false);
    assert.ok(most <= 8, `at most 8 at once, saw ${most}`);
  });
});
