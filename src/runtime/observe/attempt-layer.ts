/**
 * The inner observation layer, right above the transport: sees every attempt that goes on the
 * wire (retries, rate-limit re-sends, auth's own calls) and writes one log line each:
 *
 *   POST /api/5.0/fo/asset/host/vm/detection/ 200 412ms 18734B attempt 1 wait 0ms remaining 299 (vm.listHostDetections)
 *
 * The path never has its query (filters, ids) and nothing comes from headers or bodies.
 */
import { readLimits } from "../rate-limit/headers.js";
import { pathOf } from "../rate-limit/url-path.js";
import type { Layer } from "../types.js";
import { recordOf } from "./call-record.js";
import type { Logger } from "./logger.js";

export type AttemptLogFields = {
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly ms: number;
  /** Bytes on the wire when the server says (Content-Length), else counted as the body is read. */
  readonly bytes?: number;
  readonly attempt: number;
  /** Waited before this attempt went out: scheduler queue, rate-limit hold, retry backoff. */
  readonly waitMs: number;
  /** X-RateLimit-Remaining, when the answer had it. */
  readonly remaining?: number;
  readonly module: string;
  readonly operationId?: string;
  readonly error?: string;
};

export function attemptLayer(logger: Logger | undefined): Layer {
  return (next) => async (request, ctx) => {
    const record = recordOf(ctx);
    const attempt = record ? ++record.attempts : 1;
    const sentAt = performance.now();
    const waitMs = record ? Math.max(0, sentAt - record.readyAt) : 0;
    if (record) record.waitMs += waitMs;
    const base = { method: request.method, path: pathOf(request.url), attempt, waitMs: Math.round(waitMs), module: ctx.module, operationId: ctx.operationId };
    let response: Response;
    try {
      response = await next(request, ctx);
    } catch (err) {
      const ms = performance.now() - sentAt;
      if (record) record.readyAt = performance.now();
      if (logger) {
        const error = err instanceof Error ? `${err.name}: ${describe(err)}` : String(err);
        const fields: AttemptLogFields = { ...base, ms: Math.round(ms), error };
        logger.warn(`${line(fields)} failed: ${error}`, fields);
      }
      throw err;
    }
    const remaining = readLimits(response.headers).remaining;
    if (record) {
      record.readyAt = performance.now();
      record.status = response.status;
      record.remaining = remaining;
    }
    if (!logger) return response;
    const ms = Math.round(performance.now() - sentAt);
    const log = (bytes: number | undefined) => {
      const fields: AttemptLogFields = { ...base, status: response.status, ms, bytes, remaining };
      (response.status >= 400 ? logger.warn : logger.info).call(logger, line(fields), fields);
    };
    const length = response.headers.get("content-length");
    if (length !== null || response.body === null) {
      log(response.body === null ? 0 : Number(length));
      return response;
    }
    return countBody(response, log);
  };
}

function line(f: AttemptLogFields): string {
  const status = f.status === undefined ? "" : ` ${f.status}`;
  const bytes = f.bytes === undefined ? "" : ` ${f.bytes}B`;
  const remaining = f.remaining === undefined ? "" : ` remaining ${f.remaining}`;
  return `${f.method} ${f.path}${status} ${f.ms}ms${bytes} attempt ${f.attempt} wait ${f.waitMs}ms${remaining} (${f.module}.${f.operationId ?? "-"})`;
}

/** The innermost cause's code or message: "ECONNREFUSED", not "fetch failed". */
function describe(err: Error): string {
  let inner: unknown = err;
  while (inner instanceof Error && inner.cause instanceof Error) inner = inner.cause;
  const code = (inner as { code?: unknown }).code;
  return inner === err ? err.message : `${err.message} (${typeof code === "string" ? code : (inner as Error).message})`;
}

/** The same response, its body counted as it is read; `done` gets the count at the end (or failure). */
function countBody(response: Response, done: (bytes: number) => void): Response {
  let bytes = 0;
  let reported = false;
  const report = () => {
    if (!reported) {
      reported = true;
      done(bytes);
    }
  };
  const reader = response.body!.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: end, value } = await reader.read();
        if (end) {
          report();
          controller.close();
        } else {
          bytes += value.byteLength;
          controller.enqueue(value);
        }
      } catch (err) {
        report();
        controller.error(err);
      }
    },
    async cancel(reason) {
      report();
      await reader.cancel(reason);
    },
  });
  const counted = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  return Object.defineProperty(counted, "url", { value: response.url });
}

