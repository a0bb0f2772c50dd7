import type { Handler, Layer } from "./types.js";

/**
 * Stacks layers outermost first: `compose([auth, rateLimit, retry], transport)` sends a call
 * through auth, then the scheduler, then retries, then the wire.
 */
export function compose(layers: readonly Layer[], transport: Handler): Handler {
  return layers.reduceRight<Handler>((next, layer) => layer(next), transport);
}

/** The default transport: Node's global fetch. */
export const fetchTransport: Handler = (request) => fetch(request);
