import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { judgeRelease, RETRY_GRACE_MS, UNSCHEDULABLE_GRACE_MS } from './release-readiness.ts';

const selector = { 'app.kubernetes.io/name': 'streaming-edge' };

function deployment(status: V1Deployment['status'], generation = 2): V1Deployment {
  return {
    metadata: { name: 'streaming-edge', generation },
    spec: { replicas: 1, selector: { matchLabels: selector }, template: {} },
    status,
  };
}
const rolledOut = {
  observedGeneration: 2,
  replicas: 1,
  updatedReplicas: 1,
  readyReplicas: 1,
  availableReplicas: 1,
};

function pod(status: V1Pod['status'], extra: Partial<V1Pod['metadata']> = {}): V1Pod {
  return { metadata: { name: 'streaming-edge-abc', labels: selector, ...extra }, status };
}
const waitingPod = (reason: string, message?: string, exitCode?: number) =>
  pod({
    containerStatuses: [
      {
        name: 'streaming-edge',
        image: 'x',
        imageID: '',
        ready: false,
        restartCount: 3,
        state: { waiting: { reason, message } },
        ...(exitCode === undefined ? {} : { lastState: { terminated: { exitCode, reason: 'Error' } } }),
      },
    ],
  });

describe('judging whether a release runs', () => {
  it('is ready only once every Deployment rolled out its current template with every replica Ready', () => {
    assert.deepEqual(judgeRelease([deployment(rolledOut)], []), { state: 'ready' });
    const stale = judgeRelease([deployment({ ...rolledOut, observedGeneration: 1 })], []);
    assert.equal(stale.state, 'progressing', 'the controller has not seen the new template yet');
    const unready = judgeRelease([deployment({ ...rolledOut, readyReplicas: 0, availableReplicas: 0 })], []);
    assert.deepEqual(unready, { state: 'progressing', message: 'streaming-edge: 0/1 ready' });
  });

  it('fails a pod whose image cannot be had, with the kubelet reason', () => {
    const judged = judgeRelease(
      [deployment({})],
      [waitingPod('ImagePullBackOff', 'Back-off pulling image "r/x:9"')],
    );
    assert.equal(judged.state, 'failed');
    assert.equal(judged.state === 'failed' && judged.reason, 'ImagePullBackOff');
    assert.match(judged.state === 'failed' ? judged.message : '', /Back-off pulling image "r\/x:9"/);
  });

  it("waits out a container the kubelet could not make yet, and fails it past the grace with the kubelet's words", () => {
    const now = Date.parse('2026-12-04T02:00:00Z');
    const trying = (ms: number) => {
      const p = waitingPod('CreateContainerConfigError', 'failed to sync configmap cache: timed out');
      return { ...p, status: { ...p.status, startTime: new Date(now - ms) } };
    };
    const fresh = judgeRelease([deployment({})], [trying(RETRY_GRACE_MS - 1000)], now);
    assert.equal(
      fresh.state,
      'progressing',
      'the kubelet retries; a ConfigMap reaches its cache a moment later',
    );
    const judged = judgeRelease([deployment({})], [trying(RETRY_GRACE_MS)], now);
    assert.equal(judged.state === 'failed' && judged.reason, 'CreateContainerConfigError');
    assert.match(judged.state === 'failed' ? judged.message : '', /failed to sync configmap cache/);
  });

  it('fails a crash loop with the exit code, but not for a terminating pod of the template replaced', () => {
    const crashing = waitingPod('CrashLoopBackOff', 'back-off 10s', 3);
    const judged = judgeRelease([deployment({})], [crashing]);
    assert.equal(judged.state === 'failed' && judged.reason, 'CrashLoopBackOff');
    assert.match(judged.state === 'failed' ? judged.message : '', /exited with code 3/);
    const leaving = { ...crashing, metadata: { ...crashing.metadata, deletionTimestamp: new Date() } };
    assert.equal(judgeRelease([deployment({})], [leaving]).state, 'progressing');
  });

  it('fails a pod that has fit on no node past the grace, with the scheduler naming the resource', () => {
    const now = Date.parse('2026-12-03T10:00:00Z');
    const unschedulableSince = (ms: number) =>
      pod({
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/1 nodes are available: 1 Insufficient smartfleet.io/stream-accelerator.',
            lastTransitionTime: new Date(now - ms),
          },
        ],
      });
    // The scheduler retries: a card that reaches the node a moment later is not a failed release.
    const fresh = judgeRelease([deployment({})], [unschedulableSince(UNSCHEDULABLE_GRACE_MS - 1000)], now);
    assert.equal(fresh.state, 'progressing');
    const judged = judgeRelease([deployment({})], [unschedulableSince(UNSCHEDULABLE_GRACE_MS)], now);
    assert.equal(judged.state === 'failed' && judged.reason, 'Unschedulable');
    assert.match(
      judged.state === 'failed' ? judged.message : '',
      /Insufficient smartfleet\.io\/stream-accelerator/,
    );
  });

  it('fails what the quota refused and a passed progress deadline, from the Deployment', () => {
    const quota = deployment({
      conditions: [
        { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'exceeded quota' },
      ],
    });
    const refused = judgeRelease([quota], []);
    assert.equal(refused.state === 'failed' && refused.reason, 'FailedCreate');
    assert.match(refused.state === 'failed' ? refused.message : '', /exceeded quota/);
    const late = deployment({
      conditions: [
        { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'too slow' },
      ],
    });
    const judged = judgeRelease([late], []);
    assert.equal(judged.state === 'failed' && judged.reason, 'ProgressDeadlineExceeded');
  });

  it('ignores pods that belong to another service', () => {
    const other = {
      ...waitingPod('CrashLoopBackOff'),
      metadata: { name: 'x', labels: { 'app.kubernetes.io/name': 'cache' } },
    };
    assert.deepEqual(judgeRelease([deployment(rolledOut)], [other]), { state: 'ready' });
  });
});
