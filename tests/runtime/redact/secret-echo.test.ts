/**
 * Secrets never come back out of an answer. A 127.0.0.1 server plays a careless proxy or error
 * page: once auth has succeeded, every API answer echoes the request it got — Authorization and
 * Cookie headers, the form body — raw, URL-encoded, JSON-escaped, HTML-escaped and as base64, in
 * every kind of failure (HTTP error text, JSON error, HTML page, SIMPLE_RETURN under 200, broken
 * XML). No error the client throws, nor the CLI's stderr, may carry any credential it holds.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createQualysClient, type QualysClient } from "../../../src/client.js";
import { main } from "../../../src/cli/main.js";
import { redactUserInfo } from "../../../src/runtime/redact/index.js";

// Characters that change under every encoding: a space, quotes, &, <, /, @, :, % and non-ASCII.
const USER = "acme2ab12";
const PASSWORD = `p@ss w:rd/"q"&<x>%41é+`;
const JWT = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: USER, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 3600 })).toString("base64url")}.c2lnbmF0dXJl`;
const SESSION = "a1b2c3d4e5f6session";

type Kind = "text" | "json" | "html" | "simple-return" | "broken-xml";
const KINDS: Kind[] = ["text", "json", "html", "simple-return", "broken-xml"];

function echoOf(req: IncomingMessage, body: string): string {
  const sent = [`Authorization: ${req.headers.authorization ?? ""}`, `Cookie: ${req.headers.cookie ?? ""}`, `Body: ${body}`].join("\n");
  return [
    sent,
    encodeURIComponent(sent),
    JSON.stringify(sent),
    sent.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;"),
    Buffer.from(sent).toString("base64"),
  ].join("\n");
}

function answer(kind: Kind, res: ServerResponse, echo: string): void {
  const cdata = echo.replace(/]]>/g, "]]]]><![CDATA[>");
  switch (kind) {
    case "text":
      res.writeHead(502, { "Content-Type": "text/plain" }).end(`Bad gateway. You sent:\n${echo}`);
      return;
    case "json":
      res.writeHead(400, { "Content-Type": "application/json" }).end(JSON.stringify({ errorCode: "BAD", message: `you sent ${echo}`, detail: echo }));
      return;
    case "html":
      res.writeHead(500, { "Content-Type": "text/html" }).end(`<html><body><h1>Error</h1><pre>${echo}</pre></body></html>`);
      return;
    case "simple-return":
      res.writeHead(200, { "Content-Type": "text/xml" }).end(`<?xml version="1.0"?><SIMPLE_RETURN><RESPONSE><DATETIME>2026-11-30T00:00:00Z</DATETIME><CODE>1905</CODE><TEXT><![CDATA[parameter invalid: ${cdata}]]></TEXT></RESPONSE></SIMPLE_RETURN>`);
      return;
    case "broken-xml":
      res.writeHead(200, { "Content-Type": "text/xml" }).end(`<?xml version="1.0"?><HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><HOST_LIST><HOST><ID>1</ID><DNS><![CDATA[${cdata}]]></DNS><OS>${echo.replace(/[<&]/g, " ")}`);
      return;
  }
}

let server: { url: string; close(): Promise<void>; kind: Kind } | undefined;
let client: QualysClient | undefined;
afterEach(async () => {
  await client?.close().catch(() => {});
  await server?.close();
  client = server = undefined;
});

async function startEchoServer(kind: Kind) {
  const http = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/auth") return void res.writeHead(201, { "Content-Type": "text/plain" }).end(JWT);
    if (path === "/api/2.0/fo/session/") {
      if (body.includes("action=logout")) return void res.writeHead(200, { "Content-Type": "text/xml" }).end("<SIMPLE_RETURN><RESPONSE><TEXT>Logged out</TEXT></RESPONSE></SIMPLE_RETURN>");
      return void res
        .writeHead(200, { "Content-Type": "text/xml", "Set-Cookie": `QualysSession=${SESSION}; path=/api; secure` })
        .end("<SIMPLE_RETURN><RESPONSE><TEXT>Logged in</TEXT></RESPONSE></SIMPLE_RETURN>");
    }
    answer(state.kind, res, echoOf(req, body));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const state = {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    kind,
    close: () => new Promise<void>((resolve) => http.close(() => resolve())),
  };
  return state;
}

const FORBIDDEN = () => {
  const basic = Buffer.from(`${USER}:${PASSWORD}`).toString("base64");
  const plain = [PASSWORD, JWT, SESSION, basic];
  return [...new Set(plain.flatMap((s) => [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1), Buffer.from(s).toString("base64")]))];
};

function printouts(err: unknown): string[] {
  const out = [JSON.stringify(err) ?? "", inspect(err, { depth: 20, showHidden: true }), String(err)];
  for (let e: unknown = err; e instanceof Error; e = e.cause) out.push(e.message, e.stack ?? "", JSON.stringify(e) ?? "");
  return out;
}

function expectClean(texts: string[]): void {
  for (const text of texts) {
    for (const secret of FORBIDDEN()) {
      if (text.includes(secret)) expect.fail(`leaked ${JSON.stringify(secret.slice(0, 8))}… in: ${text.slice(0, 400)}`);
    }
  }
}

async function failureOf(p: Promise<unknown> | AsyncIterable<unknown>): Promise<unknown> {
  try {
    if (Symbol.asyncIterator in p) for await (const _ of p as AsyncIterable<unknown>);
    else await p;
  } catch (err) {
    return err;
  }
  return expect.fail("the call should have failed");
}

describe("an answer that echoes the request leaks no credential", () => {
  for (const kind of KINDS) {
    for (const mode of ["gateway", "vm basic", "vm session", "vm oidc"] as const) {
      if (mode === "gateway" && (kind === "simple-return" || kind === "broken-xml")) continue; // XML answers are VM-only
      it(`${mode}, ${kind}`, async () => {
        server = await startEchoServer(kind);
        client = createQualysClient({
          credentials: { username: USER, password: PASSWORD },
          baseUrls: { gateway: server.url, vm: server.url },
          vmAuth: mode === "gateway" ? undefined : (mode.slice(3) as "basic" | "session" | "oidc"),
          rateLimit: { retry: { attempts: 1 } },
        });
        const err =
          mode === "gateway"
            ? await failureOf(client.car.listScriptTypes())
            : await failureOf(client.vm.listHostDetections({ ids: "1" }) as AsyncIterable<unknown>);
        expect(err).toBeInstanceOf(Error);
        // The echo did reach the error: it names the failure, only without the secrets.
        expect(printouts(err).join("\n")).toMatch(/\[redacted\]|HTML page/);
        expectClean(printouts(err));
      });
    }
  }

  it("the CLI's stderr stays clean too", async () => {
    server = await startEchoServer("text");
    const stderr: string[] = [];
    const sink = (into: string[]) => new Writable({ write: (chunk, _e, done) => (into.push(String(chunk)), done()) });
    const saved = { ...process.env };
    Object.assign(process.env, { QUALYS_USERNAME: USER, QUALYS_PASSWORD: PASSWORD, QUALYS_API_URL: server.url, QUALYS_GATEWAY_URL: server.url });
    try {
      for (const args of [["vm", "hosts"], ["car", "scripts"], ["--vm-auth", "session", "vm", "detections"]]) {
        const code = await main(args, { stdout: sink([]), stderr: sink(stderr) });
        expect(code).toBe(1);
      }
    } finally {
      process.env = saved;
    }
    expect(stderr.join("")).toContain("[redacted]");
    expectClean(stderr);
  });
});

describe("URL user info", () => {
  it.each(["p/ss", "p@ss", "p:ss", "p%2Fss", "a/b@c:d%e"])("is redacted whole when the password is %s", (password) => {
    const text = `could not reach https://acme2ab12:${password}@qualysapi.qualys.com/api/2.0/fo/ (ECONNREFUSED)`;
    const out = redactUserInfo(text);
    expect(out).toBe("could not reach https://[redacted]@qualysapi.qualys.com/api/2.0/fo/ (ECONNREFUSED)");
  });

  it("leaves URLs without user info alone", () => {
    const text = "GET https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list failed";
    expect(redactUserInfo(text)).toBe(text);
  });
});
