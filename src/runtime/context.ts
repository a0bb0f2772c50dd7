import type { Middleware } from "openapi-fetch";
import type { CallContext } from "./types.js";

/**
 * openapi-fetch hands our `fetch` a bare Request. The generated fetchers attach the call's context
 * through a per-call middleware that runs last, so the Request it records is the one `fetch` gets.
 */
const contexts = new WeakMap<Request, CallContext>();

export function contextMiddleware(ctx: CallContext): Middleware {
  return {
    onRequest({ request }) {
      contexts.set(request, ctx);
      return undefined;
    },
  };
}

export function contextOf(request: Request, fallback: Omit<CallContext, "idempotent">): CallContext {
  const known = contexts.get(request);
  if (known) return known;
  const method = request.method.toUpperCase();
  return { ...fallback, idempotent: method === "GET" || method === "HEAD" };
}
