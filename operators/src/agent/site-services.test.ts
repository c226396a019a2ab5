/**
 * The heartbeat's figures from the edge and the license proxy: running counts (sessions refused,
 * DRM denials) become what they added since the previous heartbeat, and the gauges pass as read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type EdgeTelemetry, IDLE_EDGE } from '@smart-fleet/services';
import { siteTelemetry } from './site-services.ts';

describe('siteTelemetry', () => {
  it('turns running counts into counts since the last heartbeat, and passes gauges through', async () => {
    const edge: EdgeTelemetry = {
      activeStreams: 3,
      egressMbps: 41.5,
      cacheHitRatio: 0.97,
      storageUsedGB: 12.4,
      errors: 0,
      admissionRefusals: 5,
    };
    const proxy = { denied: 2 };
    const read = siteTelemetry({ edge: () => ({ ...edge }), licenseDenied: () => proxy.denied });
    assert.deepEqual(await read(), {
      activeStreams: 3,
      egressMbps: 41.5,
      cacheHitRatio: 0.97,
      storageUsedGB: 12.4,
      drmDenials: 0,
      admissionRefusals: 0,
      errors: 0,
    });
    edge.admissionRefusals = 9;
    proxy.denied = 3;
    assert.deepEqual([(await read()).admissionRefusals, (await read()).admissionRefusals], [4, 0]);
    proxy.denied = 7;
    assert.equal((await read()).drmDenials, 4);
    // A restarted edge counts from zero again: what it counted since is what it added.
    edge.admissionRefusals = 1;
    assert.equal((await read()).admissionRefusals, 1);
  });

  it('reports accelerators only where something counts them, never a zero for unknown', async () => {
    let healthy: number | undefined;
    const read = siteTelemetry({ edge: () => ({ ...IDLE_EDGE }), acceleratorsHealthy: () => healthy });
    assert.equal('acceleratorsHealthy' in (await read()), false);
    assert.equal((await read()).drmDenials, 0, 'no proxy: no denials');
    healthy = 3;
    assert.equal((await read()).acceleratorsHealthy, 3);
  });
});
