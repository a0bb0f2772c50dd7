/** `qualys-ts/etm`: the etm client alone, for builds that want only this module. */
export * from "./generated/etm/index.js";
export type { Runtime } from "./runtime/runtime.js";
