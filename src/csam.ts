/** `qualys-ts/csam`: the CSAM (asset inventory) client alone, with its filter helpers. */
export * from "./generated/csam/index.js";
export { CSAM_OPERATORS, CSAM_SINCE_FIELDS, csamSinceFilter, parseCsamFilter, type CsamFilter, type CsamSinceField } from "./runtime/csam/filters.js";
export { sinceTimestamp } from "./runtime/since.js";
export type { Runtime } from "./runtime/runtime.js";
