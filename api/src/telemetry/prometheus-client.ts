/**
 * The API's one way to Prometheus, where telemetry history lives: instant and range queries
 * over its HTTP API, each with a timeout. When Prometheus does not answer, or answers with an
 * error, the caller gets a TelemetryUnavailable (a GraphQL error with code UNAVAILABLE): a
 * telemetry field fails alone with a clear message and the rest of the query is answered.
 * PromQL is built by promql.ts from checked label values, never from a caller's text.
 */
import { GraphQLError } from 'graphql';

export class TelemetryUnavailable extends GraphQLError {
  constructor(why: string) {
    super(`telemetry is unavailable: Prometheus ${why}`, { extensions: { code: 'UNAVAILABLE' } });
  }
}

export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}
export interface MatrixSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export interface PrometheusClient {
  readonly url: string;
  /** An instant query at `time` (now by default). */
  query(promql: string, time?: Date): Promise<VectorSample[]>;
  /** A range query from `start` to `end` every `stepMs`. */
  queryRange(promql: string, range: { start: Date; end: Date; stepMs: number }): Promise<MatrixSeries[]>;
}

const seconds = (d: Date) => (d.getTime() / 1000).toFixed(3);

export function prometheusClient(url: string, timeoutMs = 5000): PrometheusClient {
  const base = new URL(url);
  const call = async <T>(path: string, params: Record<string, string>): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(new URL(path, base), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        // Prometheus stops evaluating at its own timeout too, so an abandoned query costs it nothing more.
        body: new URLSearchParams({ ...params, timeout: `${Math.max(1, Math.floor(timeoutMs / 1000))}s` }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      throw new TelemetryUnavailable(`at ${base.origin} did not answer within ${timeoutMs} ms`);
    }
    const body = (await response.json().catch(() => ({}))) as {
      status?: string;
      error?: string;
      data?: { result?: T };
    };
    if (body.status !== 'success') {
      throw new TelemetryUnavailable(
        `answered HTTP ${response.status}: ${(body.error ?? 'no result').slice(0, 300)}`,
      );
    }
    return (body.data?.result ?? []) as T;
  };
  return {
    url: base.origin,
    query: (promql, time) =>
      call<VectorSample[]>('/api/v1/query', { query: promql, ...(time ? { time: seconds(time) } : {}) }),
    queryRange: (promql, range) =>
      call<MatrixSeries[]>('/api/v1/query_range', {
        query: promql,
        start: seconds(range.start),
        end: seconds(range.end),
        step: `${range.stepMs / 1000}`,
      }),
  };
}

/** For an API started without Prometheus: every telemetry read says so. */
export const noPrometheus: PrometheusClient = {
  url: '',
  query: async () => {
    throw new TelemetryUnavailable('is not configured for this API (--prometheus-url)');
  },
  queryRange: async () => {
    throw new TelemetryUnavailable('is not configured for this API (--prometheus-url)');
  },
};
