/**
 * Bearer JWT on gateway calls (and on VM calls in OIDC mode). A 401 means the token went stale
 * (expired early, revoked): re-authenticate once and replay the request once; a second 401 is
 * final — then the credentials work but this user may lack the module (ETM answers 401 when it
 * is not licensed).
 */
import { AuthenticationError } from "../errors/authentication-error.js";
import { resendable } from "../pipeline.js";
import { assertSecureUrl } from "../platforms.js";
import type { CallContext, Handler } from "../types.js";
import { scrubSecrets, type Credentials } from "./credentials.js";
import type { JwtSource } from "./jwt-source.js";
import { readSimpleReturn, readSmallBody } from "./simple-return.js";

export async function sendWithBearer(
  jwt: JwtSource,
  credentials: Credentials,
  next: Handler,
  request: Request,
  ctx: CallContext,
): Promise<Response> {
  assertSecureUrl(request.url, "request");
  const replay = resendable(request);
  const token = jwt.currentToken() ?? (await jwt.getToken(ctx.signal));
  request.headers.set("Authorization", `Bearer ${token}`);
  const first = await next(request, ctx);
  if (first.status !== 401) return first;
  if (!jwt.renewable) throw await unauthorized(first, ctx, credentials, [token], "the static token was refused and cannot be renewed");
  await first.body?.cancel();
  jwt.invalidate(token);
  const fresh = await jwt.getToken(ctx.signal);
  replay.headers.set("Authorization", `Bearer ${fresh}`);
  const second = await next(replay, ctx);
  if (second.status !== 401) return second;
  throw await unauthorized(second, ctx, credentials, [token, fresh], "refused again with a fresh token (does this user have access to this module?)");
}

async function unauthorized(response: Response, ctx: CallContext, credentials: Credentials, tokens: string[], why: string): Promise<AuthenticationError> {
  const body = await readSmallBody(response, 4096).catch(() => "");
  const said = describe(scrubSecrets(body, credentials, tokens));
  return new AuthenticationError(`${ctx.operationId ?? ctx.module} got HTTP 401: ${why}${said.text ? ` — ${said.text}` : ""}`, {
    status: 401,
    code: said.code,
    text: said.text,
  });
}

/** Qualys's own words from a 401 body: SIMPLE_RETURN (VM), `{errorCode, message}` (gateway) or text. */
function describe(body: string): { code?: string; text?: string } {
  const simple = readSimpleReturn(body);
  if (simple) return simple;
  try {
    const json = JSON.parse(body) as Record<string, unknown> | null;
    if (!json || typeof json !== "object") return {};
    const text = [json.message, json.error, json.detail].find((v) => typeof v === "string") as string | undefined;
    const code = typeof json.errorCode === "string" || typeof json.errorCode === "number" ? String(json.errorCode) : undefined;
    return { code, text };
  } catch {
    const text = body.replace(/\s+/g, " ").trim();
    return /^<(!doctype|html)/i.test(text) || !text ? {} : { text: text.slice(0, 200) };
  }
}
