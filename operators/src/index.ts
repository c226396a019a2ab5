export * from '@smart-fleet/kube';
export { LOOPBACK, localUrlHost, Registry, SharedInformers, serveMetrics } from '@smart-fleet/kube';
// The KEK helpers moved to services (below operators); re-exported so callers keep one import.
export { localKek, parseKek } from '@smart-fleet/services';
export { type Bundle, makeBundle } from './agent/bundle.ts';
export { NodeAccelerators } from './agent/node-accelerators.ts';
export { ReleasePodReadings, releasePodReporting } from './agent/release-pod-readings.ts';
export { releaseSelector, renderBundle, SITE_NAMESPACE, type SiteObject } from './agent/render.ts';
export { SiteAgent } from './agent/site-agent.ts';
export {
  edgeServices,
  inProcessReadings,
  releasePodServices,
  type SiteReadings,
  type SiteServices,
  siteTelemetry,
} from './agent/site-services.ts';
export {
  KEY_READER_ACCOUNTS,
  LICENSE_READER_ROLE,
  LICENSE_SERVICE_ACCOUNT,
  PACKAGER_SERVICE_ACCOUNT,
} from './controllers/license-service-access.ts';
export { DEFAULT_DIAGNOSIS, diagnose, type Finding } from './health/diagnosis.ts';
export { type Heartbeat, HeartbeatStore } from './health/heartbeat-store.ts';
export { encodeWriteRequest, remoteWriter } from './health/prometheus-remote-write.ts';
export { registerTelemetryMetrics } from './health/telemetry-metrics.ts';
export { MAX_REPLAY_BATCH } from './health/telemetry-replay.ts';
export * from './manager.ts';
export { STATUS_OWNERS } from './status-owners.ts';
export { deregisterWebhook, WEBHOOK_NAME } from './webhook/webhook-server.ts';
