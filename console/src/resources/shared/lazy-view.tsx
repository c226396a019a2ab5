/**
 * A resource's page loaded when it is first opened: each resource's views are a chunk of their
 * own, so a page downloads and evaluates its own code and not every other screen's (the rollout
 * form, the API-key panel, the map). react-admin's loading indicator shows meanwhile.
 */
import type { ComponentType } from 'react';
import { Loading, useTranslate } from 'react-admin';
import { type DeferredComponent, deferred, type PlaceholderProps } from '../../chunks/deferred.tsx';

function ViewPlaceholder({ failed }: PlaceholderProps) {
  const translate = useTranslate();
  return failed ? <p role="alert">{translate('app.states.chunk_failed')}</p> : <Loading />;
}

export function lazyView<M, K extends keyof M>(load: () => Promise<M>, name: K): DeferredComponent<object> {
  return deferred(async () => (await load())[name] as ComponentType<object>, ViewPlaceholder);
}
