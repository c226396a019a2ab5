/**
 * A Prometheus remote-write client: samples with their own timestamps into Prometheus's TSDB
 * (`--web.enable-remote-write-receiver`), which is how an agent's replay after an outage lands
 * with the times it was taken. The wire format is remote write 1.0: a protobuf
 * `prometheus.WriteRequest` (encoded with protobufjs from the message shapes below, no
 * generated code), snappy block-compressed.
 *
 * Prometheus appends one request all-or-nothing: a sample it refuses (older than its
 * out-of-order window, or a different value at a time it has) rolls the whole request back
 * and answers 400. That is a RemoteWriteRefused, never retried (the protocol's rule for 4xx);
 * a 5xx or no answer is a RemoteWriteUnavailable, worth retrying later.
 */
import protobuf from 'protobufjs';
import { compressSync } from 'snappy';

/** prometheus/prompb/types.proto and remote.proto, the fields remote write 1.0 sends. */
const PROMPB = protobuf.Root.fromJSON({
  nested: {
    prometheus: {
      nested: {
        WriteRequest: { fields: { timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 } } },
        TimeSeries: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            samples: { rule: 'repeated', type: 'Sample', id: 2 },
          },
        },
        Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
      },
    },
  },
});
const WriteRequest = PROMPB.lookupType('prometheus.WriteRequest');

export interface RemoteSeries {
  /** Labels, `__name__` included. */
  labels: Readonly<Record<string, string>>;
  /** Oldest first; timestamps in milliseconds. */
  samples: readonly { value: number; timestamp: number }[];
}

export class RemoteWriteRefused extends Error {
  override readonly name = 'RemoteWriteRefused';
}
export class RemoteWriteUnavailable extends Error {
  override readonly name = 'RemoteWriteUnavailable';
}

/** The request body: a snappy-compressed WriteRequest, labels sorted by name as Prometheus wants. */
export function encodeWriteRequest(series: readonly RemoteSeries[]): Buffer {
  const timeseries = series.map((s) => ({
    labels: Object.keys(s.labels)
      .sort()
      .map((name) => ({ name, value: s.labels[name] })),
    samples: s.samples,
  }));
  return compressSync(Buffer.from(WriteRequest.encode(WriteRequest.fromObject({ timeseries })).finish()));
}

export interface RemoteWriter {
  write(series: readonly RemoteSeries[]): Promise<void>;
}

/** Writes to `{prometheusUrl}/api/v1/write`, giving up after `timeoutMs`. */
export function remoteWriter(prometheusUrl: string, timeoutMs = 10_000): RemoteWriter {
  const url = new URL('/api/v1/write', prometheusUrl);
  return {
    async write(series) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-protobuf',
            'content-encoding': 'snappy',
            'x-prometheus-remote-write-version': '0.1.0',
          },
          body: new Uint8Array(encodeWriteRequest(series)),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new RemoteWriteUnavailable(
          `Prometheus at ${url.origin} did not answer: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      const text = (await response.text()).trim().slice(0, 500);
      if (response.status >= 400 && response.status < 500) {
        throw new RemoteWriteRefused(`Prometheus refused the samples (HTTP ${response.status}): ${text}`);
      }
      if (!response.ok) {
        throw new RemoteWriteUnavailable(`Prometheus answered HTTP ${response.status}: ${text}`);
      }
    },
  };
}
