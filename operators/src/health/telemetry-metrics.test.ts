import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from '@smart-fleet/kube';
import { TELEMETRY_FIELDS, TELEMETRY_METRICS } from '@smart-fleet/model';
import { calmTelemetry } from '../../../test/support/telemetry.ts';
import { HeartbeatStore } from './heartbeat-store.ts';
import { registerTelemetryMetrics } from './telemetry-metrics.ts';

function exporter(options: { leading?: boolean; now?: number } = {}) {
  const store = new HeartbeatStore();
  const registry = new Registry();
  const labels: Record<string, { region: string; tenant: string }> = {
    'fleet/apt-1': { region: 'KR-11', tenant: 'acme' },
    'fleet/apt-2': { region: 'KR-26', tenant: 'a"b\\c' },
    'fleet/silent': { region: 'KR-11', tenant: 'acme' },
  };
  let now = options.now ?? 100_000;
  registerTelemetryMetrics({
    registry,
    store,
    labelsOf: (key) => {
      const l = labels[key];
      return l && { namespace: 'fleet', site: key.slice('fleet/'.length), ...l };
    },
    silentAfterMs: 10_000,
    leading: () => options.leading ?? true,
    now: () => now,
  });
  return {
    store,
    metrics: () => registry.metrics(),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('telemetry metrics', () => {
  it('exports one gauge per field with the site labels, the latest sample only', async () => {
    const e = exporter();
    e.store.record('fleet/apt-1', { at: 95_000, telemetry: { ...calmTelemetry, activeStreams: 7 } });
    e.store.record('fleet/apt-1', { at: 99_000, telemetry: { ...calmTelemetry, activeStreams: 9 } });
    const text = await e.metrics();
    for (const field of TELEMETRY_FIELDS) {
      assert.match(text, new RegExp(`# TYPE ${TELEMETRY_METRICS[field]} gauge`));
    }
    assert.match(
      text,
      /^smart_fleet_site_active_streams\{namespace="fleet",site="apt-1",region="KR-11",tenant="acme"\} 9$/m,
    );
    assert.equal(text.match(/^smart_fleet_site_active_streams\{/gm)?.length, 1);
  });

  it('escapes label values as the exposition format asks', async () => {
    const e = exporter();
    e.store.record('fleet/apt-2', { at: 99_000, telemetry: calmTelemetry });
    assert.match(await e.metrics(), /tenant="a\\"b\\\\c"/);
  });

  it('stops exporting a site once it is silent past the grace, and sites the hub does not know', async () => {
    const e = exporter();
    e.store.record('fleet/silent', { at: 99_000, telemetry: calmTelemetry });
    e.store.record('fleet/unknown', { at: 99_000, telemetry: calmTelemetry });
    assert.match(await e.metrics(), /site="silent"/);
    e.advance(10_001);
    const later = await e.metrics();
    assert.doesNotMatch(later, /site="silent"/);
    assert.doesNotMatch(later, /site="unknown"/);
  });

  it('exports nothing for a heartbeat assumed at takeover, nor on a standby', async () => {
    const e = exporter();
    e.store.assumeHeard('fleet/apt-1', { at: 99_000 });
    assert.doesNotMatch(await e.metrics(), /site="apt-1"/);
    const standby = exporter({ leading: false });
    standby.store.record('fleet/apt-1', { at: 99_000, telemetry: calmTelemetry });
    assert.doesNotMatch(await standby.metrics(), /site="apt-1"/);
  });
});
