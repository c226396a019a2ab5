import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HARDWARE_PROFILES, type SiteSpec } from '@smart-fleet/model';
import { makeBundle } from './bundle.ts';
import { MANAGED_LABEL, renderBundle } from './render.ts';

const spec = {
  kind: 'school',
  location: { region: 'busan', address: 'x', latitude: 35, longitude: 129 },
  subscriberCap: 200,
  hardware: { ...HARDWARE_PROFILES.entry },
  streaming: { egressBudgetMbps: 1000 },
} as SiteSpec;

describe('renderBundle', () => {
  it('renders site values, the placement and a Deployment with settings per service, all labelled for pruning', () => {
    const bundle = makeBundle({
      site: { name: 'sch-busan-00001', namespace: 'smart-fleet', spec },
      release: {
        name: 'r1',
        spec: {
          version: '1.0.0',
          channel: 'stable',
          services: [{ name: 'streaming-edge', image: 'smart/edge:1', settings: { MAX_STREAMS: '500' } }],
        },
      },
      placement: { site: 'sch-busan-00001', titles: [], fillWindow: { start: '02:00', durationMinutes: 60 } },
    });
    const objects = renderBundle(bundle);
    assert.deepEqual(
      objects.map((o) => `${o.kind}/${o.metadata.name}`),
      [
        'Namespace/smart-site',
        'ConfigMap/site-values',
        'ConfigMap/content-placement',
        'ConfigMap/streaming-edge-settings',
        'Deployment/streaming-edge',
      ],
    );
    assert.ok(objects.every((o) => o.metadata.labels[MANAGED_LABEL] === 'smart-site-agent'));
    const edge = objects.at(-1) as unknown as {
      spec: {
        template: { spec: { containers: { image: string; resources: { requests: { cpu: string } } }[] } };
      };
    };
    assert.equal(edge.spec.template.spec.containers[0]?.image, 'smart/edge:1');
    assert.equal(
      edge.spec.template.spec.containers[0]?.resources.requests.cpu,
      '700m',
      'one CPU on entry hardware',
    );
  });

  it('has a revision that changes with the content and only with it', () => {
    const a = makeBundle({ site: { name: 's', namespace: 'n', spec } });
    const b = makeBundle({ site: { name: 's', namespace: 'n', spec } });
    const c = makeBundle({ site: { name: 's', namespace: 'n', spec: { ...spec, subscriberCap: 201 } } });
    assert.equal(a.revision, b.revision);
    assert.notEqual(a.revision, c.revision);
  });
});
