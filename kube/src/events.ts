/** Kubernetes Events for what an operator should see (`kubectl describe site X` shows them). */

import { GROUP_VERSION } from '@smart-fleet/model';
import type { KubeClient } from './client.ts';

export interface EventTarget {
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string };
}

export async function recordEvent(
  client: KubeClient,
  component: string,
  target: EventTarget,
  event: { type: 'Normal' | 'Warning'; reason: string; message: string },
): Promise<void> {
  const namespace = target.metadata.namespace ?? 'default';
  const now = new Date();
  await client.core.createNamespacedEvent({
    namespace,
    body: {
      metadata: { generateName: `${target.metadata.name}.`, namespace },
      involvedObject: {
        apiVersion: GROUP_VERSION,
        kind: target.kind,
        name: target.metadata.name,
        namespace,
        uid: target.metadata.uid,
      },
      type: event.type,
      reason: event.reason,
      message: event.message.slice(0, 1024),
      source: { component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    },
  });
}
