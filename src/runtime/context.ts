import type { CallContext } from "./types.js";

/**
 * openapi-fetch hands our `fetch` a bare Request. The generated fetchers pass the call's context
 * as an extra init field, which openapi-fetch copies onto the Request it builds (it forwards any
 * init key the Request lacks). A per-call middleware would do the same at the cost of a
 * middleware pass per call (bench/overhead).
 */
export const CONTEXT_KEY = "qualysContext";

export function contextOf(request: Request, fallback: Omit<CallContext, "idempotent">): CallContext {
  const known = (request as unknown as Record<string, CallContext | undefined>)[CONTEXT_KEY];
  if (known) return known;
  const method = request.method.toUpperCase();
  return { ...fallback, idempotent: method === "GET" || method === "HEAD" };
}
