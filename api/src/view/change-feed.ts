/**
 * In-process publish/subscribe for subscriptions. Each subscriber gets its own bounded buffer
 * that drops the oldest events when a client reads too slowly, so a stalled SSE stream costs a
 * fixed amount of memory and never blocks the view. (graphql-yoga's createPubSub shares one
 * buffer object among all subscribers when given one, which is not safe.)
 */
import { Repeater, SlidingBuffer } from '@repeaterjs/repeater';

export const SUBSCRIBER_BUFFER = 256;

export class ChangeFeed<Events extends Record<string, unknown>> {
  readonly #listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  publish<K extends keyof Events>(topic: K, payload: Events[K]): void {
    for (const listener of this.#listeners.get(topic) ?? []) {
      (listener as (p: Events[K]) => void)(payload);
    }
  }

  /** Events on `topic` that pass `keep`, until the consumer returns. */
  subscribe<K extends keyof Events>(
    topic: K,
    keep: (payload: Events[K]) => boolean = () => true,
  ): AsyncIterableIterator<Events[K]> {
    const listeners = this.#listeners.get(topic) ?? new Set();
    this.#listeners.set(topic, listeners);
    return new Repeater<Events[K]>(async (push, stop) => {
      const listener = (payload: Events[K]) => {
        if (keep(payload)) {
          void push(payload);
        }
      };
      listeners.add(listener as (payload: never) => void);
      await stop;
      listeners.delete(listener as (payload: never) => void);
    }, new SlidingBuffer(SUBSCRIBER_BUFFER));
  }

  subscriberCount(topic: keyof Events): number {
    return this.#listeners.get(topic)?.size ?? 0;
  }
}
