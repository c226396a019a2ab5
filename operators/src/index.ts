export { SiteAgent } from './agent/site-agent.ts';
export { syntheticTelemetry } from './agent/synthetic-telemetry.ts';
export { localKek } from './drm/kek-source.ts';
export * from './manager.ts';
export { SharedInformers } from './runtime/informers.ts';
export * from './runtime/log.ts';
export { deregisterWebhook } from './webhook/webhook-server.ts';
