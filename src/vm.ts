/** `qualys-ts/vm`: the vm client alone, for builds that want only this module. */
export * from "./generated/vm/index.js";
export type { Runtime } from "./runtime/runtime.js";
