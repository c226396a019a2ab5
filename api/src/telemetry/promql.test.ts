import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphQLError } from 'graphql';
import { ANY_TELEMETRY_METRIC, checkedRegion, promqlString, sitesMatcher } from './promql.ts';
import { seriesWindow } from './series.ts';

test('label values are checked against the model before they reach PromQL, naming the label', () => {
  assert.equal(sitesMatcher('fleet', ['apt-1', 'sch-2']), 'namespace="fleet",site=~"apt-1|sch-2"');
  for (const [ns, site] of [
    ['fleet', 'a"} or vector(1)'],
    ['fleet', 'a|b'],
    ['fleet', '.*'],
    ['Fleet', 'apt-1'],
    ['x'.repeat(64), 'apt-1'],
  ]) {
    assert.throws(
      () => sitesMatcher(ns as string, [site as string]),
      (e: unknown) =>
        e instanceof GraphQLError &&
        e.extensions.code === 'BAD_USER_INPUT' &&
        /must be a Kubernetes name/.test(e.message),
    );
  }
  assert.equal(checkedRegion('seoul'), 'seoul');
  assert.throws(() => checkedRegion('seoul"}'), /region must be one of the region codes/);
});

test('strings are escaped as PromQL literals', () => {
  assert.equal(promqlString('a"b\\c\nd'), '"a\\"b\\\\c\\nd"');
  assert.match(
    ANY_TELEMETRY_METRIC,
    /^__name__=~"smart_fleet_site_active_streams\|.*smart_fleet_site_errors"$/,
  );
});

test('a series window has at most 720 points, never finer than the scrape interval, at most 31 days', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const day = seriesWindow(undefined, now, 5000);
  assert.equal(day.end.getTime() - day.start.getTime(), 24 * 3_600_000);
  assert.ok((day.end.getTime() - day.start.getTime()) / day.stepMs + 1 <= 720);
  const minute = seriesWindow(new Date(now.getTime() - 60_000), now, 5000);
  assert.equal(minute.stepMs, 5000);
  const year = seriesWindow(new Date('2020-01-01T00:00:00Z'), now, 5000);
  assert.equal(year.end.getTime() - year.start.getTime(), 31 * 24 * 3_600_000);
  const future = seriesWindow(new Date('2030-01-01T00:00:00Z'), now, 5000);
  assert.equal(future.start.getTime(), now.getTime());
});
