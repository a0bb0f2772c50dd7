/**
 * A 127.0.0.1 server that authenticates like Qualys: gateway `/auth` and `/auth/oauth` issuing
 * JWTs (201, text/plain), a bearer-protected gateway API under `/sm/`, and the VM API under
 * `/api/2.0/fo/` with Basic auth, session login / logout (QualysSession cookie) and OIDC bearer.
 * Its SIMPLE_RETURN answers are the recorded Qualys bodies from tests/fixtures/qualys-xml/
 * (2000 bad login with HTTP 401, 2001 account expired with HTTP 200, Logged in, Logged out).
 *
 * Options make it misbehave the ways Qualys (or a proxy in front of it) can, and `echoSecrets`
 * makes every failure body repeat what the client sent, so tests can prove nothing leaks.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export const GOOD_USER = "acme3ab12";
export const GOOD_PASSWORD = "s3cr3t-Pa55word!";
export const GOOD_CLIENT = "client-1";
export const GOOD_SECRET = "client-s3cret-value";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/qualys-xml/${name}`, import.meta.url), "utf8");
export const BAD_LOGIN_XML = fixture("rq_simple_return_2000_bad_login_http401.xml");
export const ACCOUNT_EXPIRED_XML = fixture("j1_simple_return_2001_account_expired.xml");
const LOGGED_IN_XML = fixture("rq_simple_return_session_login.xml");
const LOGGED_OUT_XML = fixture("rq_simple_return_session_logout.xml");

const simpleReturn = (code: string, text: string) =>
  `<?xml version="1.0" encoding="UTF-8" ?>\n<SIMPLE_RETURN>\n  <RESPONSE>\n    <DATETIME>2026-11-24T10:00:00Z</DATETIME>\n    <CODE>${code}</CODE>\n    <TEXT>${text}</TEXT>\n  </RESPONSE>\n</SIMPLE_RETURN>\n`;

/** What a VM call answers on success: a small document, or `vmBody` when a test sets one. */
const OK_XML = `<?xml version="1.0" encoding="UTF-8" ?>\n<SIMPLE_RETURN>\n  <RESPONSE>\n    <DATETIME>2026-11-24T10:00:00Z</DATETIME>\n    <TEXT>ok</TEXT>\n  </RESPONSE>\n</SIMPLE_RETURN>\n`;

function jwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${enc({ alg: "HS512" })}.${enc({ sub: GOOD_USER, iss: "qas", ...claims })}.c2lnbmF0dXJl`;
}

export interface AuthServerOptions {
  /** Server clock in ms (tests move it); default Date.now. Tokens with `exp` at or before it are refused. */
  clock?: () => number;
  /** Lifetime written into each JWT as `exp` (and `iat`), in seconds; omitted: no exp/iat claims. */
  tokenLifetimeSec?: number;
  /** Leave `iat` out even when `exp` is written. */
  omitIat?: boolean;
  /** Wraps the issued token in the /auth body, e.g. `(t) => ` "${t}"\n` ` to test trimming. */
  tokenBody?: (token: string) => string;
  /** Answer /auth and /auth/oauth with this instead of a token. */
  authAnswer?: { status: number; body: string; contentType?: string };
  /** /auth and /auth/oauth wait for this before answering (to hold a fetch in flight). */
  holdAuth?: Promise<void>;
  /** Every bearer call (gateway API or VM OIDC) gets 401, as when the user lacks the module (ETM unlicensed). */
  refuseTokens?: boolean;
  /** An expired account: session login and Basic VM calls answer 200 + CODE 2001 (the j1 recording). */
  accountExpired?: boolean;
  /** Session login answers this instead of logging in. */
  loginAnswer?: { status: number; body: string; headers?: Record<string, string | string[]> };
  /** VM API calls (not the session resource) wait for this before checking credentials. */
  holdVm?: Promise<void>;
  /** Session login waits for this before answering. */
  holdLogin?: Promise<void>;
  /** A stale session gets 200 + CODE 2000 rather than 401. */
  staleSessionAs200?: boolean;
  /** Sessions die as soon as they are created: every session call is stale. */
  sessionsNeverLast?: boolean;
  /** The body of a successful VM call, and whether to send it a few bytes per write. */
  vmBody?: string;
  vmBodyDribble?: boolean;
  /** Failure bodies repeat the request's credentials, like a careless proxy. */
  echoSecrets?: boolean;
}

export interface SeenRequest {
  method: string;
  path: string;
  authorization?: string;
  requestedWith?: string;
  cookie?: string;
  contentType?: string;
  oauthHeaders?: [string?, string?];
  form?: Record<string, string>;
  body: string;
}

export async function startAuthServer(options: AuthServerOptions = {}) {
  const clock = options.clock ?? Date.now;
  const counts = { auth: 0, oauth: 0, oidc: 0, gatewayCalls: 0, gateway401: 0, logins: 0, logouts: 0, vmCalls: 0, vm401: 0 };
  const validTokens = new Set<string>();
  const issuedTokens: string[] = [];
  const sessions = new Set<string>();
  const sessionIds: string[] = [];
  const seen: SeenRequest[] = [];
  let issued = 0;

  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const form = new URLSearchParams(body);
    const url = new URL(req.url ?? "/", "http://x");
    const auth = req.headers.authorization;
    const record: SeenRequest = {
      method: req.method ?? "",
      path: url.pathname,
      authorization: auth,
      requestedWith: req.headers["x-requested-with"] as string | undefined,
      cookie: req.headers.cookie,
      contentType: req.headers["content-type"],
      form: Object.fromEntries(form),
      body,
    };
    seen.push(record);
    const echo = options.echoSecrets ? ` [you sent: ${body} ${auth ?? ""} ${req.headers.cookie ?? ""} ${req.headers.clientsecret ?? ""}]` : "";
    const send = (status: number, text: string, headers: Record<string, string | string[]> = {}) => {
      res.writeHead(status, headers);
      res.end(text);
    };
    const xml = { "Content-Type": "text/xml;charset=UTF-8" };

    const issue = async () => {
      await options.holdAuth;
      if (options.authAnswer) {
        const a = options.authAnswer;
        return send(a.status, a.body + echo, { "Content-Type": a.contentType ?? "text/plain" });
      }
      const nowSec = Math.floor(clock() / 1000);
      const life = options.tokenLifetimeSec;
      const claims = life === undefined ? { n: ++issued } : { n: ++issued, exp: nowSec + life, ...(options.omitIat ? {} : { iat: nowSec }) };
      const token = jwt(claims);
      validTokens.add(token);
      issuedTokens.push(token);
      send(201, options.tokenBody ? options.tokenBody(token) : token, { "Content-Type": "text/plain" });
    };
    const tokenOk = (token: string | undefined) => {
      if (!token || !validTokens.has(token)) return false;
      const exp = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).exp as number | undefined;
      return exp === undefined || exp * 1000 > clock();
    };

    if (url.pathname === "/auth" && req.method === "POST") {
      counts.auth += 1;
      if (form.get("username") !== GOOD_USER || form.get("password") !== GOOD_PASSWORD || form.get("token") !== "true") {
        await options.holdAuth;
        return send(401, `Unauthorized user${echo}`, { "Content-Type": "text/plain" });
      }
      return issue();
    }
    if ((url.pathname === "/auth/oauth" || url.pathname === "/auth/oidc") && req.method === "POST") {
      if (url.pathname === "/auth/oidc") counts.oidc += 1;
      else counts.oauth += 1;
      const id = req.headers.clientid as string | undefined;
      const secret = req.headers.clientsecret as string | undefined;
      record.oauthHeaders = [id, secret];
      if (id !== GOOD_CLIENT || secret !== GOOD_SECRET) return send(401, `invalid client${echo}`, { "Content-Type": "text/plain" });
      return issue();
    }
    if (url.pathname.startsWith("/sm/")) {
      counts.gatewayCalls += 1;
      const token = auth?.replace(/^Bearer /, "");
      if (options.refuseTokens || !tokenOk(token)) {
        counts.gateway401 += 1;
        return send(401, JSON.stringify({ errorCode: "401", message: `Unauthorized${echo}`, body: null }), { "Content-Type": "application/json" });
      }
      return send(200, JSON.stringify({ errorCode: null, message: null, body: { totalCount: 1, list: [{ id: 1, name: "Custom" }], echo: body } }), {
        "Content-Type": "application/json",
      });
    }
    if (url.pathname === "/api/2.0/fo/session/") {
      if (form.get("action") === "login") {
        counts.logins += 1;
        await options.holdLogin;
        if (form.get("username") !== GOOD_USER || form.get("password") !== GOOD_PASSWORD) {
          return send(401, options.echoSecrets ? simpleReturn("2000", `Bad Login/Password${echo}`) : BAD_LOGIN_XML, xml);
        }
        if (options.accountExpired) return send(200, ACCOUNT_EXPIRED_XML, xml);
        if (options.loginAnswer) return send(options.loginAnswer.status, options.loginAnswer.body + (options.echoSecrets ? `<!--${echo}-->` : ""), options.loginAnswer.headers ?? xml);
        const id = `sess${counts.logins}x${Math.random().toString(36).slice(2)}`;
        sessionIds.push(id);
        if (!options.sessionsNeverLast) sessions.add(id);
        return send(200, LOGGED_IN_XML, { ...xml, "Set-Cookie": [`QualysSession=${id}; path=/api; secure`, "DWRSESSIONID=x; path=/"] });
      }
      if (form.get("action") === "logout") {
        counts.logouts += 1;
        const id = /QualysSession=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
        if (id) sessions.delete(id);
        return send(200, LOGGED_OUT_XML, xml);
      }
    }
    if (url.pathname.startsWith("/api/2.0/fo/")) {
      counts.vmCalls += 1;
      await options.holdVm;
      if (!req.headers["x-requested-with"]) return send(400, simpleReturn("1900", "X-Requested-With header missing"), xml);
      const basicOk = auth === `Basic ${Buffer.from(`${GOOD_USER}:${GOOD_PASSWORD}`).toString("base64")}`;
      const cookieId = /QualysSession=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
      const bearer = auth?.startsWith("Bearer ") ? auth.slice(7) : undefined;
      if (basicOk && options.accountExpired) return send(200, ACCOUNT_EXPIRED_XML, xml);
      if (basicOk || (cookieId && sessions.has(cookieId)) || (!options.refuseTokens && tokenOk(bearer))) {
        if (url.pathname === "/api/2.0/fo/fail/") return send(500, simpleReturn("999", "Internal error"), xml);
        const out = options.vmBody ?? OK_XML;
        if (!options.vmBodyDribble) return send(200, out, xml);
        res.writeHead(200, xml);
        for (let i = 0; i < out.length; i += 7) {
          res.write(out.slice(i, i + 7));
          await new Promise((r) => setImmediate(r));
        }
        return res.end();
      }
      counts.vm401 += 1;
      if (cookieId && options.staleSessionAs200) return send(200, simpleReturn("2000", `Bad Login/Password${echo}`), xml);
      return send(401, options.echoSecrets ? simpleReturn("2000", `Bad Login/Password${echo}`) : BAD_LOGIN_XML, xml);
    }
    send(404, "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    seen,
    /** Every token this server issued, to scan printouts for. */
    issuedTokens,
    /** Every session id this server handed out. */
    sessionIds,
    /** Forget every issued token, as when Qualys revokes them early. */
    revokeTokens: () => validTokens.clear(),
    /** Drop every session, as when Qualys times them out. */
    expireSessions: () => sessions.clear(),
    openSessions: () => sessions.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type AuthServer = Awaited<ReturnType<typeof startAuthServer>>;
