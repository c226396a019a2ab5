/**
 * A component whose code is a chunk of its own, fetched the first time it is rendered (or
 * preloaded): a placeholder shows until the chunk is in, then the component, and the
 * placeholder again (told it failed) if the chunk cannot be loaded.
 *
 * Not React.lazy with Suspense: React 19 holds back revealing a Suspense boundary's content
 * until 300 ms after its fallback appeared (FALLBACK_THROTTLE_MS), so a chunk that arrived from
 * the cache in 20 ms still showed the page 300 ms late, which measured as the site list's whole
 * budget. Here the component renders as soon as its module has loaded, and a chunk loaded
 * before the first render (preload) shows no placeholder at all.
 */
import { type ComponentType, useEffect, useState } from 'react';

export interface PlaceholderProps {
  /** The chunk could not be loaded (offline, or a build replaced under an open page). */
  failed: boolean;
}

export type DeferredComponent<P extends object> = ComponentType<P> & {
  /** Starts loading the chunk now, if it has not started yet. */
  preload(): void;
};

export function deferred<P extends object>(
  load: () => Promise<ComponentType<P>>,
  Placeholder: ComponentType<P & PlaceholderProps>,
): DeferredComponent<P> {
  let loaded: ComponentType<P> | undefined;
  let failed = false;
  let loading: Promise<void> | undefined;
  const start = () => {
    loading ??= load().then(
      (component) => {
        loaded = component;
      },
      () => {
        failed = true;
      },
    );
    return loading;
  };

  function Deferred(props: P) {
    const [, setSettled] = useState(false);
    useEffect(() => {
      if (loaded || failed) {
        return;
      }
      let mounted = true;
      void start().then(() => mounted && setSettled(true));
      return () => {
        mounted = false;
      };
    }, []);
    const Loaded = loaded;
    return Loaded ? <Loaded {...props} /> : <Placeholder {...props} failed={failed} />;
  }
  return Object.assign(Deferred, {
    preload: () => {
      void start();
    },
  });
}
