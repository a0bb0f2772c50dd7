/** The bottom of the pipeline: the undici transport (default), the fetch transport, and what the layers above ask of them. */
export { undiciTransport, type Transport, type UndiciTransportOptions } from "./undici.js";
export { fetchTransport } from "./fetch.js";
export { whenBodyDone } from "./body-done.js";
export { readWhole } from "./responses.js";
export { DEFAULT_BODY_IDLE_TIMEOUT_MS } from "./faults.js";
export { readAhead } from "./read-ahead.js";
