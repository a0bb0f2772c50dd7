/**
 * A 127.0.0.1 server that answers requests from a script, one answer per request in order
 * (the last one repeats): any status, headers and raw body — an empty 429 or 204 included,
 * which the JSON server cannot send. Records every request with its parsed query and body.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { recordRequest, type RecordedRequest } from "./json-server.js";

export interface ScriptedAnswer {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** An object is sent as JSON; a string as it is ("" for an empty body). */
  readonly body?: unknown;
}

export type Script = readonly ScriptedAnswer[] | ((req: RecordedRequest, index: number) => ScriptedAnswer);

export interface ScriptedServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startScriptedServer(script: Script): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    const recorded = await recordRequest(req);
    requests.push(recorded);
    const index = requests.length - 1;
    const answer = typeof script === "function" ? script(recorded, index) : script[Math.min(index, script.length - 1)]!;
    const body = typeof answer.body === "string" ? answer.body : answer.body === undefined ? "" : JSON.stringify(answer.body);
    res.writeHead(answer.status ?? 200, { ...(body && { "Content-Type": "application/json" }), ...answer.headers });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
