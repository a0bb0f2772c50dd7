/** `qualys-ts/car`: the car client alone, for builds that want only this module. */
export * from "./generated/car/index.js";
export type { Runtime } from "./runtime/runtime.js";
