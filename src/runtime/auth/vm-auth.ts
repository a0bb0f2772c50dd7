/**
 * Auth for the VM/PA/PC API (`qualysapi.*`): every request carries `X-Requested-With`
 * (Qualys rejects calls without it) plus Basic auth, the session cookie, or an OIDC bearer JWT.
 */
import { AuthenticationError } from "../errors/authentication-error.js";
import { resendable } from "../pipeline.js";
import { assertSecureUrl } from "../platforms.js";
import type { CallContext, Handler } from "../types.js";
import { PasswordCredentials, type Credentials } from "./credentials.js";
import { sendWithBearer } from "./gateway-auth.js";
import type { JwtSource } from "./jwt-source.js";
import { readSimpleReturn, readSmallBody } from "./simple-return.js";
import type { VmSession } from "./vm-session.js";

export type VmAuthMode = "basic" | "session" | "oidc";

export interface VmAuthParts {
  readonly mode: VmAuthMode;
  readonly credentials: Credentials;
  readonly session?: VmSession;
  readonly jwt: JwtSource;
  readonly requestedWith: string;
}

export async function sendVm(parts: VmAuthParts, next: Handler, request: Request, ctx: CallContext): Promise<Response> {
  assertSecureUrl(request.url, "request");
  request.headers.set("X-Requested-With", parts.requestedWith);
  if (ctx.skipAuth) return next(request, ctx);
  if (parts.mode === "oidc") return sendWithBearer(parts.jwt, next, request, ctx);
  if (parts.mode === "session") return sendWithSession(parts.session!, next, request, ctx);
  const { credentials } = parts;
  if (!(credentials instanceof PasswordCredentials)) {
    throw new AuthenticationError("Basic auth on the VM API needs a username and password; use vmAuth: \"oidc\" with a token.");
  }
  const basic = Buffer.from(`${credentials.username}:${credentials.revealPassword()}`).toString("base64");
  request.headers.set("Authorization", `Basic ${basic}`);
  const response = await next(request, ctx);
  if (response.status === 401) throw await refused(response, ctx);
  return response;
}

async function sendWithSession(session: VmSession, next: Handler, request: Request, ctx: CallContext): Promise<Response> {
  const replay = resendable(request);
  const cookie = await session.cookie();
  request.headers.set("Cookie", cookie);
  const first = await next(request, ctx);
  if (first.status !== 401) return first;
  // The session expired or was closed elsewhere: log in again once and replay.
  await first.body?.cancel();
  session.expire(cookie);
  replay.headers.set("Cookie", await session.cookie());
  const second = await next(replay, ctx);
  if (second.status === 401) throw await refused(second, ctx);
  return second;
}

async function refused(response: Response, ctx: CallContext): Promise<AuthenticationError> {
  const answer = readSimpleReturn(await readSmallBody(response));
  return new AuthenticationError(
    `${ctx.operationId ?? "VM API call"} got HTTP 401${answer?.code ? `, code ${answer.code}` : ""}${answer?.text ? ` — ${answer.text}` : ""}`,
    { status: 401, code: answer?.code, text: answer?.text },
  );
}
