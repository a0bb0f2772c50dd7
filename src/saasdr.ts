/** `qualys-ts/saasdr`: the saasdr client alone, for builds that want only this module. */
export * from "./generated/saasdr/index.js";
export type { Runtime } from "./runtime/runtime.js";
