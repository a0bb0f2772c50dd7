/** qualys-ts: typed clients for the Qualys gateway APIs and the VM/PA/PC XML API. */
export {
  createQualysClient,
  type BaseUrls,
  type EtmModule,
  type GatewayCheck,
  type ModuleName,
  type QualysClient,
  type QualysClientHooks,
  type QualysClientOptions,
} from "./client.js";
export { createAuth, credentialsFromEnv, OAuthCredentials, PasswordCredentials, TokenCredentials, type Credentials, type CredentialsInput, type OAuthClientLevel, type VmAuthMode } from "./runtime/auth/index.js";
export { PLATFORMS, platformFromUsername, resolvePlatform, type PlatformInput, type PlatformName } from "./runtime/platforms.js";
export { createRateLimitLayers, MemoryRateLimitStore, Scheduler, type RateLimitStore, type RateLimitInfo } from "./runtime/rate-limit/index.js";
export type { RetryInfo, RetryOptions } from "./runtime/retry.js";
export type { RateLimitOptions } from "./runtime/rate-limit/index.js";
export type { DeprecationWarningInfo } from "./runtime/runtime.js";
export type { PcrsModule } from "./runtime/pcrs/module.js";
export type { PostureRecord } from "./runtime/pcrs/posture-stream.js";
export type { PcrsPolicy, PostureInfoInit, PosturePlan, PosturePlanOptions, PostureRecordsOptions, PostureSlice } from "./runtime/pcrs/sequence.js";
export { apiVersionTable } from "./generated/versions.js";
export { monthStart, versionStatus, type ApiVersionInfo, type ApiVersionRow, type VersionState, type VersionStatus } from "./runtime/api-versions.js";
export { runFindingsReport, type FindingsReport, type FindingsReportOptions, type FindingsReportRequest } from "./runtime/etm/findings-report.js";
export { decodeXml, decodeXmlDocument } from "./runtime/xml/index.js";
export { compose, fetchTransport } from "./runtime/pipeline.js";
export { undiciTransport } from "./runtime/transport/index.js";
export type { CallContext, Handler, Layer } from "./runtime/types.js";
export type { Runtime } from "./runtime/runtime.js";
export * from "./errors.js";
export type { NetworkOptions } from "./runtime/network/dispatcher.js";
export type { CaInput } from "./runtime/network/ca.js";
export { atLevel, streamLogger, type Logger, type LogLevel } from "./runtime/observe/logger.js";
export type { AttemptLogFields } from "./runtime/observe/attempt-layer.js";
export { withSpan, tracedWalk, type SpanAttributes, type SpanHandle } from "./runtime/observe/tracing.js";
