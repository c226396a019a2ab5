/**
 * What Node code takes from the console package: its build (where it is, and building it when
 * stale) and the partner documents the API's persisted-operation allow-list is made from.
 */
export { buildInputs, CONSOLE_DIST, ensureConsoleBuilt } from './build.ts';
export { partnerOperationsManifest } from './scripts/partner-operations-manifest.ts';
