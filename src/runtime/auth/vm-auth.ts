/**
 * Auth for the VM/PA/PC API (`qualysapi.*`): every request carries `X-Requested-With`
 * (Qualys rejects calls without it) plus Basic auth, the session cookie, or an OIDC bearer JWT.
 */
import { AuthenticationError } from "../errors/authentication-error.js";
import { resendable } from "../pipeline.js";
import { assertSecureUrl } from "../platforms.js";
import type { CallContext, Handler } from "../types.js";
import { scrubSecrets, type Credentials } from "./credentials.js";
import { sendWithBearer } from "./gateway-auth.js";
import type { JwtSource } from "./jwt-source.js";
import { checkAccountRefusal, type Checked } from "./account-refusal.js";
import { readSimpleReturn, readSmallBody } from "./simple-return.js";
import type { VmSession } from "./vm-session.js";

/**
 * "basic": `Authorization: Basic` on every call (stateless; the default for a username and
 * password). "session": one `QualysSession` login shared by all calls, logged out on close.
 * "jwt" (also spelt "oidc", its first name here): the gateway JWT as a bearer — from `/auth` with
 * a username and password, or an OAuth client's token — which Qualys documents for `/api/2.0`
 * and later (the default for OAuth clients and static tokens).
 */
export type VmAuthMode = "basic" | "session" | "jwt" | "oidc";

export type VmAuth =
  | { readonly mode: "basic"; readonly header: string }
  | { readonly mode: "session"; readonly session: VmSession }
  | { readonly mode: "oidc"; readonly jwt: JwtSource };

export interface VmAuthParts {
  readonly auth: VmAuth;
  readonly credentials: Credentials;
  readonly requestedWith: string;
}

export async function sendVm(parts: VmAuthParts, next: Handler, request: Request, ctx: CallContext): Promise<Response> {
  assertSecureUrl(request.url, "request");
  request.headers.set("X-Requested-With", parts.requestedWith);
  if (ctx.skipAuth) return next(request, ctx);
  const { auth, credentials } = parts;
  if (auth.mode === "session") return sendWithSession(auth.session, credentials, next, request, ctx);
  let response: Response;
  if (auth.mode === "oidc") response = await sendWithBearer(auth.jwt, credentials, next, request, ctx);
  else {
    request.headers.set("Authorization", auth.header);
    response = await next(request, ctx);
    // Basic credentials cannot get better by asking again: a 401 is final.
    if (response.status === 401) throw await refused(response, ctx, credentials, [auth.header.slice("Basic ".length)]);
  }
  return accepted(response, ctx, credentials);
}

async function sendWithSession(session: VmSession, credentials: Credentials, next: Handler, request: Request, ctx: CallContext): Promise<Response> {
  const replay = resendable(request);
  const cookie = await session.cookie(ctx.signal);
  request.headers.set("Cookie", cookie);
  const first = await next(request, ctx);
  if (first.status !== 401) {
    const checked = first.status === 200 ? await checkAccountRefusal(first) : { response: first };
    // A stale session may also come back as CODE 2000 under HTTP 200; other account codes are final.
    if (checked.refusal?.code !== "2000") return accepted(checked, ctx, credentials);
  } else {
    await first.body?.cancel();
  }
  // The session timed out or was logged out elsewhere: Qualys refused the call before running
  // it, so one fresh login and one replay are safe even for a write.
  session.expire(cookie);
  const fresh = await session.cookie(ctx.signal);
  replay.headers.set("Cookie", fresh);
  const second = await next(replay, ctx);
  if (second.status === 401) throw await refused(second, ctx, credentials, [cookieValue(cookie), cookieValue(fresh)]);
  return accepted(second, ctx, credentials);
}

/** The answer, unless it is an HTTP 200 SIMPLE_RETURN refusing the account (2001 expired…). */
async function accepted(answer: Response | Checked, ctx: CallContext, credentials: Credentials): Promise<Response> {
  const checked = answer instanceof Response ? (answer.status === 200 ? await checkAccountRefusal(answer) : { response: answer }) : answer;
  const refusal = checked.refusal;
  if (!refusal) return checked.response;
  const text = refusal.text === undefined ? undefined : scrubSecrets(refusal.text, credentials);
  throw new AuthenticationError(`${ctx.operationId ?? "VM API call"} was refused for the account: code ${refusal.code}${text ? ` — ${text}` : ""}`, {
    status: checked.response.status,
    code: refusal.code,
    text,
  });
}

/** `secrets`: what else this call carried (the Basic value, session ids), kept out of the message. */
async function refused(response: Response, ctx: CallContext, credentials: Credentials, secrets: string[]): Promise<AuthenticationError> {
  const answer = readSimpleReturn(scrubSecrets(await readSmallBody(response), credentials, secrets));
  return new AuthenticationError(
    `${ctx.operationId ?? "VM API call"} got HTTP 401${answer?.code ? `, code ${answer.code}` : ""}${answer?.text ? ` — ${answer.text}` : ""}`,
    { status: 401, code: answer?.code, text: answer?.text },
  );
}

/** The session id of a `QualysSession=<id>` cookie. */
const cookieValue = (cookie: string) => cookie.slice(cookie.indexOf("=") + 1);

/** The `Authorization` value for Basic auth (RFC 7617, UTF-8). */
export function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}
