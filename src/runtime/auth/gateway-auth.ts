/**
 * Bearer JWT on gateway calls. A 401 means the token went stale (expired early, revoked):
 * re-authenticate once and replay the request once; a second 401 is final.
 */
import { AuthenticationError } from "../errors/authentication-error.js";
import { resendable } from "../pipeline.js";
import { assertSecureUrl } from "../platforms.js";
import type { CallContext, Handler } from "../types.js";
import type { JwtSource } from "./jwt-source.js";

export async function sendWithBearer(jwt: JwtSource, next: Handler, request: Request, ctx: CallContext): Promise<Response> {
  assertSecureUrl(request.url, "request");
  const replay = resendable(request);
  const token = jwt.currentToken() ?? (await jwt.getToken());
  request.headers.set("Authorization", `Bearer ${token}`);
  const first = await next(request, ctx);
  if (first.status !== 401) return first;
  await first.body?.cancel();
  if (!jwt.renewable) throw unauthorized(ctx, "the static token was refused");
  jwt.invalidate(token);
  const fresh = await jwt.getToken();
  replay.headers.set("Authorization", `Bearer ${fresh}`);
  const second = await next(replay, ctx);
  if (second.status !== 401) return second;
  await second.body?.cancel();
  throw unauthorized(ctx, "it was refused again after a fresh token");
}

function unauthorized(ctx: CallContext, why: string): AuthenticationError {
  return new AuthenticationError(`${ctx.operationId ?? ctx.module} got HTTP 401: ${why}.`, { status: 401 });
}
