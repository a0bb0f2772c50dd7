/**
 * The tenant's CSAM, PCRS and WAS fronts. The gateway (its own port, as Qualys's gateway is its
 * own host) issues JWTs at `/auth` (201, the token as text) and wants `Authorization: Bearer` on
 * CSAM and PCRS; WAS lives on the API server beside VM (Basic auth or the VM session, no
 * X-Requested-With needed). A module the subscription lacks answers its first call as Qualys
 * would: CSAM 403 (licence / API access, v1 appendix), PCRS 401 (as the gateway answers ETM
 * without a licence: the client's token refresh then gives up), WAS HTTP 200 UNAUTHORIZED.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { CSAM_ROUTES } from "./csam-routes.js";
import { basicUser, sameSecret } from "./credentials.js";
import { runJsonCall, sendJson, type JsonRoute } from "./json-call.js";
import type { TokenIssuer } from "./jwt.js";
import type { PathLimiter } from "./limits.js";
import { pcrsRoutes } from "./pcrs-routes.js";
import type { ServerState } from "./server.js";
import { serviceError, WAS_PREFIX, WAS_ROUTES } from "./was-routes.js";

export type TenantModule = "csam" | "was" | "pc";

export interface FrontContext {
  readonly state: ServerState;
  readonly issuer: TokenIssuer;
  readonly modules: Readonly<Record<TenantModule, boolean>>;
  readonly gatewayLimiter: PathLimiter;
  readonly wasLimiter: PathLimiter | undefined;
  readonly postureContentEncoding: boolean;
}


async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function find(routes: readonly { route: JsonRoute; module: TenantModule }[], method: string, path: string) {
  for (const entry of routes) {
    const match = entry.route.pattern.exec(path);
    if (match) return { ...entry, match, methodOk: entry.route.method === method };
  }
  return undefined;
}

/** The gateway: `/auth`, then CSAM and PCRS behind a bearer JWT. */
export function gatewayListener(ctx: FrontContext): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const routes = [...CSAM_ROUTES.map((route) => ({ route, module: "csam" as const })), ...pcrsRoutes({ postureContentEncoding: ctx.postureContentEncoding }).map((route) => ({ route, module: "pc" as const }))];
  const { state } = ctx;
  const reject = (res: ServerResponse, status: number, body: unknown) => {
    state.stats.rejected += 1;
    sendJson(res, status, body);
  };
  return async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://gateway");
    const path = url.pathname;
    if (path === "/auth") {
      if (req.method !== "POST") return reject(res, 405, { status: 405, error: "Method Not Allowed", message: "POST /auth" });
      const form = new URLSearchParams(body.toString("utf8"));
      if (!sameSecret(form.get("username") ?? "", state.username) || !sameSecret(form.get("password") ?? "", state.password)) {
        return reject(res, 401, { status: 401, error: "Unauthorized", message: "Bad credentials" });
      }
      const allowed = ["VM", ...(ctx.modules.csam ? ["CSAM"] : []), ...(ctx.modules.pc ? ["PC"] : []), ...(ctx.modules.was ? ["WAS"] : [])];
      const token = ctx.issuer.issue(state.username, allowed);
      res.writeHead(201, { "Content-Type": "text/plain;charset=UTF-8", "Content-Length": String(Buffer.byteLength(token)) });
      res.end(token);
      return;
    }
    const found = find(routes, req.method ?? "GET", path);
    if (!found) return reject(res, 404, { status: 404, error: "Not Found", message: "No message available", path });
    if (!found.methodOk) return reject(res, 405, { status: 405, error: "Method Not Allowed", message: `Request method '${req.method}' is not supported` });
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const check = token ? ctx.issuer.check(token) : "invalid";
    if (check !== "ok") return reject(res, 401, { status: 401, error: "Unauthorized", message: check === "expired" ? "JWT expired" : "Not authenticated" });
    if (!ctx.modules[found.module]) {
      return found.module === "csam"
        ? reject(res, 403, { responseCode: "FAILED", responseMessage: "Access denied: the subscription has no CSAM licence or API access" })
        : reject(res, 401, { status: 401, error: "Unauthorized", message: "Policy Compliance is not enabled for this subscription" });
    }
    await runJsonCall({ state, limiter: ctx.gatewayLimiter }, found.route, found.match, res, path, url.searchParams, body);
  };
}

/** WAS on the API server: true when the path was WAS's (and has been answered). */
export function wasFront(ctx: FrontContext): (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer) => Promise<boolean> {
  const routes = WAS_ROUTES.map((route) => ({ route, module: "was" as const }));
  const { state } = ctx;
  return async (req, res, url, body) => {
    const path = url.pathname;
    if (!path.startsWith(WAS_PREFIX)) return false;
    const user = basicUser(req.headers.authorization);
    const session = /(?:^|;\s*)QualysSession=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
    const authorised = user ? sameSecret(user.username, state.username) && sameSecret(user.password, state.password) : session !== undefined && state.sessions.has(session);
    if (!authorised) {
      state.stats.rejected += 1;
      sendJson(res, 401, serviceError("INVALID_CREDENTIALS", "Authentication failed"));
      return true;
    }
    const found = find(routes, req.method ?? "GET", path);
    if (!found || !found.methodOk) {
      state.stats.rejected += 1;
      sendJson(res, 404, serviceError("NOT_FOUND", `No API at ${req.method} ${path}`));
      return true;
    }
    if (!ctx.modules.was) {
      state.stats.rejected += 1;
      sendJson(res, 200, serviceError("UNAUTHORIZED", "You are not authorized to access the application through the API."));
      return true;
    }
    await runJsonCall({ state, limiter: ctx.wasLimiter }, found.route, found.match, res, path, url.searchParams, body);
    return true;
  };
}
