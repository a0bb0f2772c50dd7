/** `qualys-ts/auth`: the auth client alone, for builds that want only this module. */
export * from "./generated/auth/index.js";
export type { Runtime } from "./runtime/runtime.js";
