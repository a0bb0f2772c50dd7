/** Helpers for the CLI tests: run `main()` with captured stdio, a raw 127.0.0.1 server, env scopes. */
import { mkdtempSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { main } from "../../src/cli/main.js";

export interface Captured {
  readonly stream: Writable & { isTTY?: boolean };
  text(): string;
}

/** A Writable that keeps what is written; `onData` sees the text so far after each write. */
export function capture(options: { tty?: boolean; onData?: (text: string) => void; highWaterMark?: number } = {}): Captured {
  let text = "";
  const stream = new Writable({
    highWaterMark: options.highWaterMark,
    write(chunk: Buffer | string, _enc, done) {
      text += chunk.toString();
      options.onData?.(text);
      done();
    },
  }) as Writable & { isTTY?: boolean };
  if (options.tty) stream.isTTY = true;
  return { stream, text: () => text };
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function cli(args: string[], options: { onData?: (text: string) => void; tty?: boolean; signal?: AbortSignal } = {}): Promise<CliResult> {
  const out = capture({ onData: options.onData });
  const err = capture({ tty: options.tty });
  const code = await main(args, { stdout: out.stream, stderr: err.stream, signal: options.signal });
  return { code, stdout: out.text(), stderr: err.text() };
}

export interface ServerRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface LocalServer {
  readonly url: string;
  readonly requests: ServerRequest[];
  close(): Promise<void>;
}

/** A 127.0.0.1 server on a free port; `handle` answers each request (after its body is read). */
export async function startServer(handle: (req: ServerRequest, res: ServerResponse, url: string) => void | Promise<void>): Promise<LocalServer> {
  const requests: ServerRequest[] = [];
  let url = "";
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const parsed = new URL(req.url ?? "/", "http://127.0.0.1");
    const request = { method: req.method ?? "GET", path: parsed.pathname, query: parsed.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
    requests.push(request);
    try {
      await handle(request, res, url);
    } catch {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A JWT-shaped token the gateway /auth of a test server hands out. */
export function fakeJwt(lifetimeSec = 4 * 3600): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: "HS512" })}.${part({ sub: "acme2ab12", iat: now, exp: now + lifetimeSec })}.c2ln`;
}

/** Answers gateway `POST /auth` with a token; true when it did. */
export function answerAuth(req: ServerRequest, res: ServerResponse): boolean {
  if (req.path !== "/auth" || req.method !== "POST") return false;
  res.writeHead(201, { "Content-Type": "text/plain" });
  res.end(fakeJwt());
  return true;
}

const QUALYS_VARS = ["QUALYS_USERNAME", "QUALYS_PASSWORD", "QUALYS_CLIENT_ID", "QUALYS_CLIENT_SECRET", "QUALYS_CLIENT_LEVEL", "QUALYS_TOKEN", "QUALYS_API_VERSIONS", "QUALYS_PLATFORM", "QUALYS_API_URL", "QUALYS_GATEWAY_URL", "QUALYS_MOCK_URLS", "QUALYS_REDIS_URL", "XDG_CONFIG_HOME"];

/**
 * Runs with exactly these Qualys variables set (the others removed) and an empty config home, so
 * no developer's real ~/.config/qualys-ts/config.json or QUALYS_* is ever read.
 */
export async function withEnv<T>(vars: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(QUALYS_VARS.map((name) => [name, process.env[name]]));
  for (const name of QUALYS_VARS) delete process.env[name];
  Object.assign(process.env, { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), "qualys-ts-home-")) }, vars);
  try {
    return await body();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** Environment of a password user whose platform is this local server. */
export const localUser = (url: string, password = "Sup3r-Secret!") => ({ QUALYS_USERNAME: "acme2ab12", QUALYS_PASSWORD: password, QUALYS_API_URL: url, QUALYS_GATEWAY_URL: url });
