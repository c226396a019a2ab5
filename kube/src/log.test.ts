import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiException } from '@kubernetes/client-node';
import { describeError } from './api-errors.ts';
import { jsonLogger, logFormatFor, textLogger } from './log.ts';

const conflict = new ApiException(
  409,
  'Unknown API Status Code!',
  JSON.stringify({
    kind: 'Status',
    status: 'Failure',
    reason: 'Conflict',
    message:
      'Operation cannot be fulfilled on sites.smartfleet.io "apt-busan-00002": the object has been modified; please apply your changes to the latest version and try again',
    details: { name: 'apt-busan-00002', group: 'smartfleet.io', kind: 'sites' },
    code: 409,
  }),
  { 'content-type': 'application/json', 'audit-id': 'abc' },
);

describe('describeError', () => {
  it('says a refused call in one line: code, reason, the server message; no headers or body', () => {
    const text = describeError(conflict);
    assert.match(
      text,
      /^409 Conflict: Operation cannot be fulfilled on sites\.smartfleet\.io "apt-busan-00002"/,
    );
    assert.doesNotMatch(text, /audit-id|\{|\n/);
  });
  it('names the cause of a network failure', () => {
    const error = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:16443') });
    assert.equal(describeError(error), 'fetch failed (connect ECONNREFUSED 127.0.0.1:16443)');
  });
  it('keeps a long or multi-line message to one bounded line', () => {
    const text = describeError(new Error(`first\nsecond ${'x'.repeat(2000)}`));
    assert.ok(!text.includes('\n') && text.length <= 503, `${text.length} characters`);
  });
  it('reads a status whose body is not JSON', () => {
    assert.equal(
      describeError(new ApiException(503, 'x', '<html>busy</html>', {})),
      '503 Service Unavailable',
    );
  });
});

describe('loggers', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, write: (line: string) => lines.push(line) };
  };

  it('JSON: one object per line, with base and child fields, errors described', () => {
    const out = capture();
    jsonLogger({ component: 'ops' }, out.write)
      .child({ controller: 'site-admission' })
      .error('reconcile failed', { object: 'Site ns/a', error: conflict });
    assert.equal(out.lines.length, 1);
    const entry = JSON.parse(out.lines[0] as string) as Record<string, string>;
    assert.equal(entry.level, 'error');
    assert.equal(entry.controller, 'site-admission');
    assert.match(entry.error ?? '', /^409 Conflict: /);
  });

  it('text: time, level, who speaks, the message, then key=value, on one line', () => {
    const out = capture();
    textLogger({ component: 'ops' }, out.write)
      .child({ controller: 'site-admission' })
      .error('reconcile failed', { object: 'Site ns/a', retryInMs: 200, error: conflict });
    const line = out.lines[0] as string;
    assert.match(
      line,
      /^\d\d:\d\d:\d\d\.\d{3} ERROR ops\/site-admission: reconcile failed {2}object="Site ns\/a"/,
    );
    assert.match(line, / retryInMs=200 /);
    assert.match(line, /error="409 Conflict: Operation cannot be fulfilled/);
    assert.equal(line.indexOf('\n'), line.length - 1);
  });

  it('picks text on a terminal, JSON otherwise, and what SMART_FLEET_LOG_FORMAT asks', () => {
    assert.equal(logFormatFor({}, true), 'text');
    assert.equal(logFormatFor({}, false), 'json');
    assert.equal(logFormatFor({ SMART_FLEET_LOG_FORMAT: 'json' }, true), 'json');
    assert.equal(logFormatFor({ SMART_FLEET_LOG_FORMAT: 'text' }, false), 'text');
    assert.equal(logFormatFor({ SMART_FLEET_LOG_FORMAT: 'yaml' }, false), 'json');
  });
});
