import type { Handler, Layer } from "./types.js";

/**
 * Stacks layers outermost first: `compose([auth, rateLimit, retry], transport)` sends a call
 * through auth, then the scheduler, then retries, then the wire.
 */
export function compose(layers: readonly Layer[], transport: Handler): Handler {
  return layers.reduceRight<Handler>((next, layer) => layer(next), transport);
}

/** Node's global fetch, aborted by the call's signal or its timeout; its body faults typed (transport/fetch.ts). */
export { fetchTransport } from "./transport/fetch.js";

/** A request that can be sent again: body-less ones as they are, others as a fresh clone. */
export const resendable = (request: Request): Request => (request.body === null ? request : request.clone());
