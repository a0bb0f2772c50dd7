/** `qualys-ts/pcrs`: the PC Posture Streaming client alone, with the streamed posture decoder and the call sequence. */
export * from "./generated/pcrs/index.js";
export { postureRecordsOf, type PostureRecord } from "./runtime/pcrs/posture-stream.js";
export {
  postureInfo,
  posturePlan,
  postureRecords,
  type PcrsFetchers,
  type PcrsPolicy,
  type PostureInfoInit,
  type PosturePlan,
  type PosturePlanOptions,
  type PostureRecordsOptions,
  type PostureSlice,
} from "./runtime/pcrs/sequence.js";
export { JsonStreamError, type JsonStreamProblem } from "./runtime/errors/json-stream-error.js";
export { sinceTimestamp } from "./runtime/since.js";
export type { Runtime } from "./runtime/runtime.js";
