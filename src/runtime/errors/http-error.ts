import { QualysError } from "./qualys-error.js";

/** Longest slice of a response body kept on an error: enough to read, never a whole page. */
const BODY_EXCERPT = 2000;

/** A non-2xx answer that no more specific error explains. */
export class HttpError extends QualysError {
  override name = "HttpError";
  readonly status: number;
  readonly statusText: string;
  readonly method: string;
  /** URL without query string: Qualys puts filters (and sometimes ids) in the query. */
  readonly url: string;
  readonly operationId: string | undefined;
  /** Parsed JSON body when there was one (CAR `{errorCode, message}`), else undefined. */
  readonly body: unknown;
  /** First characters of the raw body. */
  readonly bodyText: string;

  constructor(init: {
    status: number;
    statusText: string;
    method: string;
    url: string;
    operationId?: string;
    body?: unknown;
    bodyText?: string;
    /** The client's redactor: the body's secrets go before the message and bodyText cut it. */
    redact?: (text: string) => string;
  }) {
    const redact = init.redact ?? ((text: string) => text);
    const bodyText = redact(init.bodyText ?? "");
    const detail = describeBody(init.body, bodyText, redact);
    super(
      `${init.operationId ?? init.method} failed: HTTP ${init.status} ${init.statusText}`.trimEnd() +
        (detail ? ` — ${detail}` : ""),
    );
    this.status = init.status;
    this.statusText = init.statusText;
    this.method = init.method;
    this.url = stripQuery(init.url);
    this.operationId = init.operationId;
    this.body = init.body;
    this.bodyText = bodyText.slice(0, BODY_EXCERPT);
  }
}

function describeBody(body: unknown, text: string, redact: (text: string) => string): string {
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    const parts = [b.errorCode, b.message ?? b.error ?? b.detail ?? b.title].filter(
      (v) => typeof v === "string" || typeof v === "number",
    );
    if (parts.length) return redact(parts.join(": "));
  }
  const oneLine = text.replace(/\s+/g, " ").trim();
  if (/^<!doctype html|^<html/i.test(oneLine)) return "the server answered with an HTML page, not the API format";
  return oneLine.slice(0, 200);
}

export function stripQuery(url: string): string {
  const i = url.indexOf("?");
  return i === -1 ? url : url.slice(0, i);
}
