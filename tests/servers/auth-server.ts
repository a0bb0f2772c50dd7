/**
 * A 127.0.0.1 server that authenticates like Qualys: gateway `/auth` and `/auth/oauth` issuing
 * JWTs, a bearer-protected gateway endpoint, and the VM API with Basic auth, session login /
 * logout (QualysSession cookie) and SIMPLE_RETURN errors.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export const GOOD_USER = "acme3ab12";
export const GOOD_PASSWORD = "s3cr3t-Pa55word!";
export const GOOD_CLIENT = "client-1";
export const GOOD_SECRET = "client-s3cret-value";

const simpleReturn = (code: string, text: string) =>
  `<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE SIMPLE_RETURN SYSTEM "https://qualysapi.qualys.com/api/2.0/simple_return.dtd">\n<SIMPLE_RETURN>\n  <RESPONSE>\n    <DATETIME>2026-11-24T10:00:00Z</DATETIME>\n    <CODE>${code}</CODE>\n    <TEXT>${text}</TEXT>\n  </RESPONSE>\n</SIMPLE_RETURN>\n`;

const simpleText = (text: string) =>
  `<?xml version="1.0" encoding="UTF-8" ?>\n<SIMPLE_RETURN>\n  <RESPONSE>\n    <DATETIME>2026-11-24T10:00:00Z</DATETIME>\n    <TEXT>${text}</TEXT>\n  </RESPONSE>\n</SIMPLE_RETURN>\n`;

function jwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${enc({ alg: "HS512" })}.${enc({ sub: GOOD_USER, ...claims })}.c2lnbmF0dXJl`;
}

export interface AuthServerOptions {
  /** Seconds since epoch put in each JWT's `exp`; undefined leaves `exp` out. */
  expSeconds?: () => number | undefined;
  /** Login answers 200 + CODE 2001, like an expired Qualys account. */
  accountExpired?: boolean;
}

export async function startAuthServer(options: AuthServerOptions = {}) {
  const counts = { auth: 0, oauth: 0, gatewayCalls: 0, logins: 0, logouts: 0, vmCalls: 0 };
  const validTokens = new Set<string>();
  const sessions = new Set<string>();
  const seen: { authorization?: string; requestedWith?: string; cookie?: string; oauthHeaders?: [string?, string?] }[] = [];
  let issued = 0;

  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
    const url = new URL(req.url ?? "/", "http://x");
    const send = (status: number, body: string, headers: Record<string, string | string[]> = {}) => {
      res.writeHead(status, headers);
      res.end(body);
    };
    const auth = req.headers.authorization;
    seen.push({ authorization: auth, requestedWith: req.headers["x-requested-with"] as string | undefined, cookie: req.headers.cookie });

    if (url.pathname === "/auth" && req.method === "POST") {
      counts.auth += 1;
      if (form.get("username") !== GOOD_USER || form.get("password") !== GOOD_PASSWORD || form.get("token") !== "true") {
        return send(401, "Unauthorized user", { "Content-Type": "text/plain" });
      }
      const token = jwt({ n: ++issued, exp: options.expSeconds?.() });
      validTokens.add(token);
      return send(201, token, { "Content-Type": "text/plain" });
    }
    if (url.pathname === "/auth/oauth" && req.method === "POST") {
      counts.oauth += 1;
      const id = req.headers.clientid as string | undefined;
      const secret = req.headers.clientsecret as string | undefined;
      seen[seen.length - 1]!.oauthHeaders = [id, secret];
      if (id !== GOOD_CLIENT || secret !== GOOD_SECRET) return send(401, "invalid client", { "Content-Type": "text/plain" });
      const token = jwt({ n: ++issued, exp: options.expSeconds?.() });
      validTokens.add(token);
      return send(201, token, { "Content-Type": "text/plain" });
    }
    if (url.pathname.startsWith("/sm/")) {
      counts.gatewayCalls += 1;
      const token = auth?.replace(/^Bearer /, "");
      if (!token || !validTokens.has(token)) return send(401, JSON.stringify({ errorCode: "401", message: "Unauthorized", body: null }), { "Content-Type": "application/json" });
      return send(200, JSON.stringify({ errorCode: null, message: null, body: { totalCount: 1, list: [{ id: 1, name: "Custom" }] } }), { "Content-Type": "application/json" });
    }
    if (url.pathname === "/api/2.0/fo/session/") {
      if (form.get("action") === "login") {
        counts.logins += 1;
        if (form.get("username") !== GOOD_USER || form.get("password") !== GOOD_PASSWORD) return send(401, simpleReturn("2000", "Bad Login/Password"));
        if (options.accountExpired) return send(200, simpleReturn("2001", "This account has expired."));
        const id = `sess-${counts.logins}-${Math.random().toString(36).slice(2)}`;
        sessions.add(id);
        return send(200, simpleText("Logged in"), { "Set-Cookie": [`QualysSession=${id}; path=/api; secure`, "DWRSESSIONID=x; path=/"] });
      }
      if (form.get("action") === "logout") {
        counts.logouts += 1;
        const id = /QualysSession=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
        if (id) sessions.delete(id);
        return send(200, simpleText("Logged out"));
      }
    }
    if (url.pathname.startsWith("/api/2.0/fo/")) {
      counts.vmCalls += 1;
      if (!req.headers["x-requested-with"]) return send(400, simpleReturn("1900", "X-Requested-With header missing"));
      const basicOk = auth === `Basic ${Buffer.from(`${GOOD_USER}:${GOOD_PASSWORD}`).toString("base64")}`;
      const cookieId = /QualysSession=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
      const bearer = auth?.replace(/^Bearer /, "");
      if (basicOk || (cookieId && sessions.has(cookieId)) || (bearer && validTokens.has(bearer))) {
        if (url.pathname === "/api/2.0/fo/fail/") return send(500, simpleReturn("999", "Internal error"));
        return send(200, simpleText("ok"), { "Content-Type": "text/xml" });
      }
      return send(401, simpleReturn("2000", "Bad Login/Password"));
    }
    send(404, "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    seen,
    /** Forget every issued token, as when Qualys revokes or expires them early. */
    revokeTokens: () => validTokens.clear(),
    /** Drop every session, as when Qualys times them out. */
    expireSessions: () => sessions.clear(),
    openSessions: () => sessions.size,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
