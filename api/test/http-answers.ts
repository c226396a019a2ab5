/**
 * Raw HTTP against the API for the tests of what it refuses: the answer kept as it came
 * (status, headers, text) and parsed, and the checks every refusal must pass (one error, no
 * data, nothing internal leaked).
 */
import assert from 'node:assert/strict';
import { type Caller, type GraphqlAnswer, headersFor } from '../../test/support/api-server.ts';

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  body?: Omit<GraphqlAnswer, 'status'>;
}

/** One HTTP request to the API, the answer kept raw (status, headers, text) and parsed. */
export async function send(
  url: string,
  caller: Caller,
  init: { method?: string; body?: string; headers?: Record<string, string>; search?: string } = {},
): Promise<RawAnswer> {
  const response = await fetch(`${url}${init.search ?? ''}`, {
    method: init.method ?? 'POST',
    headers: {
      ...(init.method === 'GET' ? {} : { 'content-type': 'application/json' }),
      accept: 'application/json',
      ...headersFor(caller),
      ...init.headers,
    },
    body: init.body,
  });
  const text = await response.text();
  let body: RawAnswer['body'];
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** A JSON POST of a GraphQL request (query, variables, extensions as given). */
export const post = (url: string, caller: Caller, request: Record<string, unknown>, headers = {}) =>
  send(url, caller, { body: JSON.stringify(request), headers });

/**
 * Nothing internal in an error answer: no stack, no wrapped original error, no path on the
 * server's disk, no stack-trace line. ("at " alone would match our own "at most 10 allowed".)
 */
export function assertNoLeak(answer: RawAnswer): void {
  const { text } = answer;
  for (const needle of ['"stack"', 'originalError', '/work/', 'node_modules', 'file://']) {
    assert.ok(!text.includes(needle), `answer carries ${needle}: ${text.slice(0, 2000)}`);
  }
  assert.doesNotMatch(
    text,
    /\bat \S+ \(|\bat (node|file):|\.ts:\d+:\d+/,
    `answer carries a stack line: ${text.slice(0, 2000)}`,
  );
}

/** The one error of a refused request, which must have no data and leak nothing. */
export function onlyError(answer: RawAnswer) {
  assertNoLeak(answer);
  assert.ok(answer.body, `a JSON answer: ${answer.text.slice(0, 2000)}`);
  assert.equal(answer.body.errors?.length, 1, answer.text.slice(0, 2000));
  assert.ok(
    answer.body.data === undefined || answer.body.data === null,
    `no data: ${answer.text.slice(0, 2000)}`,
  );
  const [error] = answer.body.errors ?? [];
  assert.ok(error);
  return error;
}

export function assertAnswered(answer: RawAnswer): void {
  assert.equal(answer.status, 200, answer.text);
  assert.equal(answer.body?.errors, undefined, answer.text);
  assert.ok(answer.body?.data, answer.text);
}
