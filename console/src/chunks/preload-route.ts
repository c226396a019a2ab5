/**
 * Starts loading the chunks the page being opened needs while the console is still starting
 * (runtime config, sign-in, react-admin's first render), instead of when that page first
 * renders: a deep link to the site list or a reload of the dashboard does not wait for its own
 * code after everything else. Routes are react-admin's: `#/` the dashboard, `#/name` a list,
 * `#/name/create`, `#/name/:id/show`.
 */
export interface Preloadable {
  preload(): void;
}

export interface RouteChunks {
  dashboard: readonly Preloadable[];
  resources: Readonly<Record<string, Partial<Record<'list' | 'show' | 'create', unknown>>>>;
}

const preloadable = (view: unknown): view is Preloadable =>
  typeof (view as Partial<Preloadable> | undefined)?.preload === 'function';

/** The view a hash opens: the dashboard, or a resource's list, show or create page (none for others). */
export function routeView(
  hash: string,
): { resource?: string; view: 'dashboard' | 'list' | 'show' | 'create' } | undefined {
  const path = (hash.replace(/^#/, '').split('?')[0] ?? '').slice(0, 500);
  const parts = path.split('/').filter((part) => part !== '');
  const [resource, second, third] = parts;
  if (resource === undefined) {
    return { view: 'dashboard' };
  }
  if (parts.length === 1) {
    return { resource, view: 'list' };
  }
  if (parts.length === 2 && second === 'create') {
    return { resource, view: 'create' };
  }
  if (parts.length === 3 && third === 'show') {
    return { resource, view: 'show' };
  }
  return undefined;
}

export function preloadRoute(hash: string, chunks: RouteChunks): void {
  const route = routeView(hash);
  if (!route) {
    return;
  }
  const views =
    route.view === 'dashboard'
      ? chunks.dashboard
      : [chunks.resources[route.resource ?? '']?.[route.view]].filter(preloadable);
  for (const view of views) {
    view.preload();
  }
}
