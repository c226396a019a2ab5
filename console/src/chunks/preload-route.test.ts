import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { preloadRoute, routeView } from './preload-route.ts';

describe('preloading the page being opened', () => {
  it("reads react-admin's routes from the hash, query and all", () => {
    assert.deepEqual(routeView(''), { view: 'dashboard' });
    assert.deepEqual(routeView('#/'), { view: 'dashboard' });
    assert.deepEqual(routeView('#/sites'), { resource: 'sites', view: 'list' });
    assert.deepEqual(routeView('#/sites?filter=%7B%22phases%22%3A%5B%22OFFLINE%22%5D%7D'), {
      resource: 'sites',
      view: 'list',
    });
    assert.deepEqual(routeView('#/rollouts/create'), { resource: 'rollouts', view: 'create' });
    assert.deepEqual(routeView('#/sites/U2l0ZTpuL2E%3D/show'), { resource: 'sites', view: 'show' });
    assert.equal(routeView('#/sites/U2l0ZTpuL2E%3D'), undefined, 'an edit page: none here');
    assert.equal(routeView('#/login/x/y/z'), undefined);
  });

  it("starts exactly the chunks of the route's view, and nothing for a view that is not deferred", () => {
    const started: string[] = [];
    const chunk = (name: string) => ({ preload: () => started.push(name) });
    const chunks = {
      dashboard: [chunk('map')],
      resources: {
        sites: { list: chunk('site-list'), show: chunk('site-show') },
        alerts: { list: () => null },
      },
    };
    preloadRoute('#/sites', chunks);
    preloadRoute('#/', chunks);
    preloadRoute('#/sites/abc/show', chunks);
    preloadRoute('#/alerts', chunks);
    preloadRoute('#/tenants', chunks);
    preloadRoute('#/sites/abc', chunks);
    assert.deepEqual(started, ['site-list', 'map', 'site-show']);
  });
});
