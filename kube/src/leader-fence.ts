/**
 * The write path of a replica that acts only while it leads. Stopping the controllers when the
 * Lease is lost is not enough on its own: a reconcile in flight can go on writing (content
 * placement writes hundreds of objects in one), and not every write comes from a worker (the
 * fill tick writes status from a timer). So leadership is checked on the write itself: every
 * write through a fenced client is refused with a NotLeaderError unless this replica leads at
 * that moment. And every call begun during a term, reads included, is aborted the moment the
 * term ends, so the workers stop at once rather than after a hung read's timeout. Nothing this
 * replica sends is written after it stopped leading, short of a request the API server had
 * already received (which it finishes within milliseconds, well inside the leaseDuration -
 * renewDeadline margin before any standby may take over). Reads outside a term are let
 * through: they change nothing.
 */
import { guardedClient, type KubeClient } from './client.ts';
import { type LeaderElector, NotLeaderError } from './leader-election.ts';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * `client`, with its writes allowed only while `elector` leads, and its calls cut when a term
 * ends. The elector may be given as a function, for a client made before its elector (the
 * manager's controllers): until there is one, every write is refused.
 */
export function fencedClient(
  client: KubeClient,
  elector: LeaderElector | (() => LeaderElector | undefined),
): KubeClient {
  const current = typeof elector === 'function' ? elector : () => elector;
  return guardedClient(client, ({ method, path }) => {
    const leader = current();
    const term = leader?.termSignal();
    const leading = term !== undefined && !term.aborted;
    if (!leading && WRITES.has(method)) {
      const what = `${method} ${path} was not sent`;
      throw leader?.notLeader(what) ?? new NotLeaderError(`no leader election runs yet: ${what}`, false);
    }
    return leading ? term : undefined;
  });
}
