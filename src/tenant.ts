/**
 * `qualys-ts/tenant`: a synthetic Qualys VM subscription on 127.0.0.1 for load tests, demos and
 * export tests — real endpoints, limits, truncation, faults, deterministic data that moves on.
 */
export * from "./mock/tenant/index.js";
