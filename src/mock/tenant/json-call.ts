/**
 * One JSON call of the gateway (CSAM, PCRS) or of WAS, past auth: the module's limits (a 429 with
 * the limit headers when over), the shared stats and fault plan (503 pages, resets and stalls
 * after N records), then the route, which streams its records through a RecordWriter, gzipped
 * when it asks. A route refuses a request by throwing ApiError before it writes anything.
 */
import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { answerEarlyFault } from "./faults.js";
import { GzipSink } from "./gzip-sink.js";
import type { PathLimiter } from "./limits.js";
import type { TenantModel } from "./model.js";
import { pathStats, type ServerState } from "./server.js";
import { RecordWriter } from "./stream.js";

/** A refusal with its status and JSON body (and headers), sent when nothing was written yet. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export interface JsonCall {
  readonly model: TenantModel;
  readonly path: string;
  readonly match: RegExpExecArray;
  readonly query: URLSearchParams;
  readonly body: Buffer;
  /** Starts the answer (200 JSON unless told) and hands back the writer of its records. */
  open(options?: { gzip?: boolean; contentEncoding?: boolean; status?: number; contentType?: string }): RecordWriter;
  /** Answers without a body (204). */
  empty(status: number): void;
}

export type JsonHandler = (call: JsonCall) => Promise<void>;

export interface JsonRoute {
  readonly method: "GET" | "POST";
  readonly pattern: RegExp;
  readonly run: JsonHandler;
}

export interface JsonCallContext {
  readonly state: ServerState;
  /** The module's limiter; none: never blocked, no limit headers (WAS by default). */
  readonly limiter: PathLimiter | undefined;
}

export const JSON_TYPE = "application/json;charset=UTF-8";

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { ...(text ? { "Content-Type": JSON_TYPE } : {}), "Content-Length": String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** Writes `head`, the records (comma-separated, one write each), then `tail`. False when the call was cut (fault, client gone). */
export async function writeJsonList(writer: RecordWriter, head: string, records: Iterable<unknown>, tail: string, stringify: (record: unknown) => string = JSON.stringify): Promise<boolean> {
  if (!(await writer.write(head))) return false;
  let first = true;
  for (const record of records) {
    if (!(await writer.beforeRecord())) return false;
    if (!(await writer.record(`${first ? "" : ","}${stringify(record)}`))) return false;
    first = false;
  }
  if (!(await writer.beforeEnd())) return false;
  return writer.write(tail);
}

export async function runJsonCall(context: JsonCallContext, route: JsonRoute, match: RegExpExecArray, res: ServerResponse, path: string, query: URLSearchParams, body: Buffer): Promise<void> {
  const { state, limiter } = context;
  const ps = pathStats(state.stats, path);
  const admission = limiter?.admit(path);
  if (admission && !admission.admitted) {
    state.stats.blocked += 1;
    ps.blocked += 1;
    if (admission.code === "1960") ps.blockedConcurrency += 1;
    else ps.blockedRate += 1;
    // The gateway throttles with 429 and an empty body (elastic's CSAM traffic); the headers say how long.
    sendJson(res, 429, undefined, admission.headers);
    return;
  }
  const limitHeaders = admission?.headers ?? {};
  state.stats.running += 1;
  res.once("close", () => {
    if (admission?.admitted) admission.release();
    state.stats.running -= 1;
  });
  state.stats.calls += 1;
  ps.calls += 1;
  if (limiter) ps.maxRunning = Math.max(ps.maxRunning, limiter.usageOf(path).maxRunning);
  state.stats.maxRunning = Math.max(state.stats.maxRunning, state.stats.running);
  const nth = (state.nth.get(path) ?? 0) + 1;
  state.nth.set(path, nth);

  if (state.latencyMs > 0) await sleep(state.latencyMs);
  let fault = state.faults?.({ path, params: query, body: body.toString("utf8"), nth, nthOverall: state.stats.calls }) || undefined;
  if (fault?.kind === "hold") {
    await fault.until.catch(() => {});
    fault = undefined;
  }
  if (fault) {
    state.stats.faulted += 1;
    ps.faulted += 1;
  }
  if (answerEarlyFault(fault, res, limitHeaders)) return;

  const counted = { bytes: 0, records: 0 };
  let sink: GzipSink | undefined;
  const call: JsonCall = {
    model: state.model,
    path,
    match,
    query,
    body,
    open(options = {}) {
      res.writeHead(options.status ?? 200, {
        "Content-Type": options.contentType ?? JSON_TYPE,
        ...(options.gzip && options.contentEncoding ? { "Content-Encoding": "gzip" } : {}),
        ...limitHeaders,
      });
      if (options.gzip) sink = new GzipSink(res);
      return new RecordWriter(sink ?? res, counted, state.costPerHostMs, fault);
    },
    empty(status) {
      res.writeHead(status, limitHeaders);
      res.end();
    },
  };
  try {
    await route.run(call);
    if (sink) await sink.end();
    else if (!res.destroyed && !res.writableEnded) res.end();
  } catch (err) {
    if (err instanceof ApiError && !res.headersSent) sendJson(res, err.status, err.body, { ...limitHeaders, ...err.headers });
    else if (!res.headersSent) sendJson(res, 500, { status: 500, error: "Internal Server Error", message: (err as Error).message });
    else res.destroy(err as Error);
  } finally {
    state.stats.bytes += counted.bytes;
    state.stats.records += counted.records;
    ps.bytes += counted.bytes;
    ps.records += counted.records;
  }
}
