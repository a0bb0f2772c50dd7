/** `qualys-ts/was`: the WAS (web application scanning) client alone, with its criteria helpers. */
export * from "./generated/was/index.js";
export { WAS_SINCE_FIELDS, wasSinceCriterion, type WasCriterion, type WasListing } from "./runtime/was/criteria.js";
export { sinceTimestamp } from "./runtime/since.js";
export type { Runtime } from "./runtime/runtime.js";
