import { inspect } from "node:util";
import { afterEach, expect } from "vitest";
import { createCarClient } from "../../../src/generated/car/index.js";
import { createAuth, type AuthOptions } from "../../../src/runtime/auth/index.js";
import { compose, fetchTransport } from "../../../src/runtime/pipeline.js";
import type { CallContext, Handler } from "../../../src/runtime/types.js";
import { GOOD_PASSWORD, GOOD_SECRET, GOOD_USER, startAuthServer, type AuthServer, type AuthServerOptions } from "../../servers/auth-server.js";

export const WRONG_PASSWORD = "wrong-Pa55word-xyz";
export const STATIC_TOKEN = "eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJzdGF0aWMifQ.c3RhdGljLXNpZw";

const servers: AuthServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A Qualys-like server and a client pipeline (auth layer over fetch) pointed at it. */
export async function setup(options: Partial<AuthOptions> = {}, serverOptions: AuthServerOptions = {}) {
  const server = await startAuthServer(serverOptions);
  servers.push(server);
  const url = server.url;
  const auth = createAuth({ credentials: { username: GOOD_USER, password: GOOD_PASSWORD }, gatewayUrl: url, apiUrl: url, ...options });
  const handler = compose([auth.layer], fetchTransport);
  const car = createCarClient({ handler, baseUrl: () => url });
  const vmCall = (path = "/api/2.0/fo/scan/", signal?: AbortSignal) =>
    handler(new Request(`${url}${path}`, { method: "POST", body: new URLSearchParams({ action: "list" }) }), {
      module: "vm",
      family: "vm",
      operationId: "listScans",
      idempotent: true,
      signal,
    } satisfies CallContext);
  return { server, auth, handler, car, vmCall, url };
}

/** The rejection of `p`; fails the test when it resolves. */
export async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail("expected a rejection"),
    (e: unknown) => e,
  );
}

/** Every way a value can end up in a log: message, stack, JSON, util.inspect (hidden too). */
export function printouts(value: unknown): string[] {
  const out = [JSON.stringify(value) ?? "", inspect(value, { depth: 10, showHidden: true }), String(value)];
  if (value instanceof Error) out.push(value.message, value.stack ?? "");
  return out;
}

/** Asserts that no printout of `value` contains any of the secrets. */
export function expectNoSecret(value: unknown, secrets: readonly string[]): void {
  const plain = [GOOD_PASSWORD, GOOD_SECRET, WRONG_PASSWORD, STATIC_TOKEN, ...secrets].filter(Boolean);
  // As sent in a form body too: an echoed request shows them encoded.
  const known = [...new Set(plain.flatMap((s) => [s, encodeURIComponent(s), new URLSearchParams({ s }).toString().slice(2)]))];
  for (const text of printouts(value)) {
    for (const secret of known) {
      if (text.includes(secret)) expect.fail(`a printout contains the secret ${JSON.stringify(secret.slice(0, 6))}…: ${text.slice(0, 300)}`);
    }
  }
}

/** Every secret a server handed out or received, including Basic values. */
export function serverSecrets(server: AuthServer): string[] {
  const basic = [GOOD_PASSWORD, WRONG_PASSWORD].map((p) => Buffer.from(`${GOOD_USER}:${p}`).toString("base64"));
  return [...server.issuedTokens, ...server.sessionIds, ...basic];
}

/** A handler below auth that counts what reaches it, to check what auth sends down. */
export function recording(into: { request: Request; ctx: CallContext }[]): (next: Handler) => Handler {
  return (next) => (request, ctx) => {
    into.push({ request, ctx });
    return next(request, ctx);
  };
}
