// The data-plane services' public surface; each service's entry point is its own main.ts.
export { AcceleratorPlugin, type AcceleratorPluginOptions } from './accelerator/accelerator-plugin.ts';
export { DeviceDiscoveryError } from './accelerator/device-discovery.ts';
export {
  DEFAULT_DEVICE_PATTERN,
  DevicePatternError,
  parseDevicePatterns,
} from './accelerator/device-pattern.ts';
export { commandProbe, type HealthProbe, type HealthVerdict } from './accelerator/health-probe.ts';
export { deviceIdsEnv, pluginSocketName, ResourceNameError } from './accelerator/resource-names.ts';
export type { PluginStatus } from './accelerator/status-server.ts';
export * from './drm/envelope.ts';
export * from './drm/kek-source.ts';
export * from './drm/key-plan.ts';
export * from './drm/key-secret.ts';
export * from './edge/edge-environment.ts';
export { type EdgePlanFile, originUrlProblem } from './edge/edge-plan-file.ts';
export {
  EDGE_TELEMETRY_PATH,
  type EdgeReading,
  type EdgeStatusServer,
  startEdgeStatus,
} from './edge/edge-status-server.ts';
export type { FillProgress, PlacedTitle } from './edge/prefill.ts';
export {
  type EdgePlan,
  type EdgeTelemetry,
  IDLE_EDGE,
  SiteEdge,
  type SiteEdgeOptions,
} from './edge/site-edge.ts';
export * from './license/entitlement.ts';
export * from './license/entitlement-keys.ts';
export { CLEARKEY_PATH, HLS_KEY_PREFIX, SITE_HEADER } from './license/license-protocol.ts';
export { LICENSE_DENIALS_METRIC, LicenseProxy, type LicenseProxyOptions } from './license/license-proxy.ts';
export { LicenseServer, type LicenseServerOptions } from './license/license-server.ts';
export { TitleKeys } from './license/title-keys.ts';
export { mediaTool, mediaTools } from './media-tools.ts';
export { Mpeg7Error } from './mpeg7/mpeg7-error.ts';
export { readMpeg7 } from './mpeg7/mpeg7-reader.ts';
export { MPEG7_FILE, type Mpeg7Title } from './mpeg7/mpeg7-vocabulary.ts';
export { writeMpeg7, writeMpeg7File } from './mpeg7/mpeg7-writer.ts';
export { NginxError } from './nginx/nginx-server.ts';
export { Origin, type OriginOptions } from './origin/origin.ts';
export { parseCli as parsePackagerCli } from './packager/cli-args.ts';
export {
  FfmpegError,
  MANIFEST_FILE as PACKAGED_MANIFEST_FILE,
  type PackagedTitle,
  type PackageOptions,
  PackagerInputError,
  packageTitle,
} from './packager/index.ts';
export {
  INGEST_DIR,
  type LibraryRun,
  packageIsCurrent,
  packageLibrary,
} from './packager/library-run.ts';
export {
  PublishError,
  type Published,
  type PublishOptions,
  packagingStatus,
  publishTitle,
  TITLE_PACKAGING_STATUS,
} from './packager/publish-title.ts';
export { generateTestClip, type TestClip } from './packager/test-clip.ts';
