/**
 * Several replicas campaigning for one Lease in one process, each with its own connection (some
 * through a proxy a test can stall or cut), each running, while it leads, a controller that
 * writes through its fenced client: one ConfigMap per reconcile, stamped with the replica and
 * its term. What the replicas did is then judged from what the API server committed, not from
 * what they believed: `checkOneActorAtATime` fails if two terms' writes ever overlapped.
 */
import assert from 'node:assert/strict';
import { CoordinationV1Api } from '@kubernetes/client-node';
import {
  apiStatusCode,
  Controller,
  ControllerMetrics,
  connect,
  fencedClient,
  type KubeClient,
  LeaderElector,
  type LeaseTiming,
  NotLeaderError,
  Registry,
  silentLogger,
} from '@smart-fleet/kube';
import { CuttableProxy, kubeconfigThrough } from './cuttable-proxy.ts';

const STAMP_EVERY_MS = 100;
const RACE_LABEL = 'smartfleet.io/lease-race';

export interface ReplicaSpec {
  identity: string;
  /** The elector's calls go through a proxy of this replica's own. */
  leaseViaProxy?: boolean;
  /** Its writes go through that proxy too (otherwise straight to the API server). */
  writesViaProxy?: boolean;
  /** Added to this replica's wall clock (what it writes as renewTime). */
  wallSkewMs?: number;
}

export interface StampWrite {
  identity: string;
  term: number;
  /** performance.now() when the write was asked for, and when it ended (answered, refused or aborted). */
  startedAt: number;
  endedAt: number;
  outcome: 'written' | 'refused' | 'aborted' | 'failed';
}

export interface Replica {
  readonly identity: string;
  readonly elector: LeaderElector;
  readonly proxy?: CuttableProxy;
  /** performance.now() of each start and stop of leading. */
  readonly started: number[];
  readonly stopped: number[];
  leading(): boolean;
  /** A crash: campaigning ends, the Lease is not released. */
  crash(): void;
}

export interface RaceOptions {
  kubeconfig: string;
  namespace: string;
  lease: string;
  timing: Partial<LeaseTiming>;
}

export class LeaseRace {
  readonly #o: RaceOptions;
  readonly #direct: KubeClient;
  readonly #lease: CoordinationV1Api;
  readonly #registry = new Registry();
  readonly #metrics = new ControllerMetrics(this.#registry);
  readonly #acting = new Set<string>();
  readonly #writes: StampWrite[] = [];
  readonly #replicas: Replica[] = [];
  #terms = 0;
  readonly #renewals: { at: number; holder: string }[] = [];
  #observer?: NodeJS.Timeout;
  /** Starts of leading while another replica was still acting: must stay empty. */
  readonly overlaps: string[] = [];

  constructor(options: RaceOptions) {
    this.#o = options;
    this.#direct = connect(options.kubeconfig);
    this.#lease = this.#direct.kc.makeApiClient(CoordinationV1Api);
  }

  get writes(): readonly StampWrite[] {
    return this.#writes;
  }

  async replica(spec: ReplicaSpec): Promise<Replica> {
    const proxy = spec.leaseViaProxy ? new CuttableProxy(this.#direct.server) : undefined;
    await proxy?.restore();
    const viaProxy = proxy ? connect(kubeconfigThrough(this.#o.kubeconfig, proxy)) : this.#direct;
    const leaseClient = proxy ? viaProxy : connect(this.#o.kubeconfig);
    const skew = spec.wallSkewMs ?? 0;
    let controller: Controller | undefined;
    const started: number[] = [];
    const stopped: number[] = [];
    const elector: LeaderElector = new LeaderElector({
      ...this.#o.timing,
      client: leaseClient,
      namespace: this.#o.namespace,
      name: this.#o.lease,
      identity: spec.identity,
      log: silentLogger,
      clock: { monotonicMs: () => performance.now(), wallMs: () => Date.now() + skew },
      onStartedLeading: () => {
        started.push(performance.now());
        const others = [...this.#acting].filter((id) => id !== spec.identity);
        if (others.length > 0) {
          this.overlaps.push(`${spec.identity} started leading while ${others.join(', ')} still acted`);
        }
        this.#acting.add(spec.identity);
        controller = this.#stamper(spec.identity, ++this.#terms, acting);
        controller.start();
        controller.queue.add('stamp');
      },
      onStoppedLeading: () => {
        stopped.push(performance.now());
        const ending = controller;
        controller = undefined;
        void ending?.stop().then(() => this.#acting.delete(spec.identity));
      },
    });
    const acting = fencedClient(spec.writesViaProxy ? viaProxy : this.#direct, elector);
    elector.start();
    const replica: Replica = {
      identity: spec.identity,
      elector,
      proxy,
      started,
      stopped,
      leading: () => elector.leading,
      crash: () => elector.stop(),
    };
    this.#replicas.push(replica);
    return replica;
  }

  /** A controller that writes one stamp per reconcile, every 100 ms, while its term lasts. */
  #stamper(identity: string, term: number, client: KubeClient): Controller {
    let seq = 0;
    return new Controller({
      name: `stamp-${identity}-${term}`,
      log: silentLogger,
      metrics: this.#metrics,
      workers: 1,
      reconcile: async () => {
        const write: StampWrite = {
          identity,
          term,
          startedAt: performance.now(),
          endedAt: 0,
          outcome: 'written',
        };
        this.#writes.push(write);
        try {
          await client.core.createNamespacedConfigMap({
            namespace: this.#o.namespace,
            body: {
              metadata: {
                name: `${this.#o.lease}-${identity}-${term}-${seq++}`,
                labels: { [RACE_LABEL]: this.#o.lease },
              },
              data: { identity, term: String(term) },
            },
          });
        } catch (error) {
          write.outcome = outcomeOf(error);
        } finally {
          write.endedAt = performance.now();
        }
        return { requeueAfterMs: STAMP_EVERY_MS };
      },
    });
  }

  /**
   * Polls the Lease every 50 ms from outside (straight to the API server) and notes each change
   * of its record with a time the change surely came after: the start of the last poll that did
   * not see it (a read begun after a write sees it). A standby observed that change no sooner,
   * so it may take over no sooner than a lease duration after that time. Resolves once a first
   * read has answered: start it before any replica, or the first record it sees (the Lease's
   * creation) has no such time, and with no renewal seen before a fault there is nothing to
   * judge the takeover against.
   */
  async observeLease(): Promise<void> {
    let last = '';
    let busy = false;
    let unseenSince = Number.NEGATIVE_INFINITY;
    const poll = async () => {
      if (busy) {
        return;
      }
      busy = true;
      const started = performance.now();
      try {
        const lease = await this.#readLease();
        const record = JSON.stringify([
          lease.spec?.holderIdentity,
          lease.spec?.renewTime,
          lease.metadata?.resourceVersion,
        ]);
        if (record !== last) {
          last = record;
          this.#renewals.push({ at: unseenSince, holder: lease.spec?.holderIdentity ?? '' });
        }
        unseenSince = started;
      } catch (error) {
        if (apiStatusCode(error) === 404) {
          unseenSince = started; // not written yet: its creation comes after this read began
        } else if (!Number.isFinite(unseenSince)) {
          throw error; // no baseline yet: the caller must know
        } // else slow or refused: the next poll tries again
      } finally {
        busy = false;
      }
    };
    await poll();
    this.#observer = setInterval(() => void poll().catch(() => undefined), 50);
  }

  #readLease() {
    return this.#lease.readNamespacedLease({ name: this.#o.lease, namespace: this.#o.namespace });
  }

  /** A time `holder`'s last renewal before `before` surely came after (see observeLease). */
  lastRenewalSeen(holder: string, before: number): number | undefined {
    const at = this.#renewals.filter((r) => r.holder === holder && r.at < before).at(-1)?.at;
    return at !== undefined && Number.isFinite(at) ? at : undefined; // unknown: a check on it fails
  }

  /** Stamps as the API server committed them, in commit order. */
  async committed(): Promise<{ identity: string; term: number; revision: number }[]> {
    const list = await this.#direct.core.listNamespacedConfigMap({
      namespace: this.#o.namespace,
      labelSelector: `${RACE_LABEL}=${this.#o.lease}`,
    });
    // A resourceVersion is opaque to clients in general; on this API server it is etcd's
    // revision, which orders every write to the store.
    return list.items
      .map((c) => ({
        identity: c.data?.identity ?? '',
        term: Number(c.data?.term),
        revision: Number(c.metadata?.resourceVersion),
      }))
      .sort((a, b) => a.revision - b.revision);
  }

  /**
   * Fails unless the replicas acted one at a time: in commit order, no stamp of an earlier term
   * follows one of a later term, and every term is one replica's; in time, every write of a term
   * (answered or not) ended before the next term's first write was asked for; and no replica
   * started leading while another still acted. Returns the committed stamps per replica.
   */
  async checkOneActorAtATime(): Promise<Record<string, number>> {
    const stamps = await this.committed();
    const termOwner = new Map<number, string>();
    let latest = 0;
    for (const s of stamps) {
      assert.ok(
        s.term >= latest,
        `a stamp of term ${s.term} (${s.identity}) was committed after term ${latest}'s`,
      );
      latest = s.term;
      assert.equal(termOwner.get(s.term) ?? s.identity, s.identity, `term ${s.term} has two writers`);
      termOwner.set(s.term, s.identity);
    }
    const terms = [...new Set(this.#writes.map((w) => w.term))].sort((a, b) => a - b);
    for (const [i, term] of terms.entries()) {
      const next = terms[i + 1];
      if (next === undefined) {
        break;
      }
      const lastEnd = Math.max(
        ...this.#writes.filter((w) => w.term === term).map((w) => w.endedAt || Infinity),
      );
      const firstStart = Math.min(...this.#writes.filter((w) => w.term === next).map((w) => w.startedAt));
      assert.ok(
        lastEnd < firstStart,
        `term ${term}'s writes went on ${lastEnd - firstStart} ms into term ${next}'s`,
      );
    }
    assert.deepEqual(this.overlaps, []);
    const perReplica: Record<string, number> = {};
    for (const s of stamps) {
      perReplica[s.identity] = (perReplica[s.identity] ?? 0) + 1;
    }
    return perReplica;
  }

  /** Ends every replica and proxy (after a test; the Lease and stamps stay for inspection). */
  async close(): Promise<void> {
    clearInterval(this.#observer);
    for (const r of this.#replicas) {
      r.crash();
    }
    await Promise.all(this.#replicas.map((r) => r.proxy?.cut()));
  }
}

function outcomeOf(error: unknown): StampWrite['outcome'] {
  if (error instanceof NotLeaderError) {
    return error.inFlight ? 'aborted' : 'refused';
  }
  return 'failed';
}
