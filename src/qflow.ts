/** `qualys-ts/qflow`: the qflow client alone, for builds that want only this module. */
export * from "./generated/qflow/index.js";
export type { Runtime } from "./runtime/runtime.js";
