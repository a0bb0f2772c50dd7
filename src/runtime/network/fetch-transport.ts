/**
 * The "fetch" transport on a dispatcher of ours (proxy, CA): undici's own fetch, as Node's global
 * fetch only takes a dispatcher from the undici copy bundled with Node, which may be another major.
 */
import { fetch as undiciFetch, type Dispatcher } from "undici";
import { withTimeout } from "../timeout.js";
import type { Handler } from "../types.js";

export function fetchTransportVia(dispatcher: Dispatcher): Handler {
  return async (request, ctx) => {
    // A global Request is not undici's Request: hand over its parts (bodies the SDK sends are small).
    const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
    return withTimeout(ctx, async (signal) => {
      const response = await undiciFetch(request.url, {
        method: request.method,
        headers: [...request.headers],
        body,
        redirect: request.redirect,
        signal: signal ?? request.signal,
        dispatcher,
      });
      return response as unknown as Response;
    });
  };
}
