/**
 * Telling a refused API version from other failures. Qualys has not published what a retired
 * version answers (api-versions.md §3 item 1), so every plausible form is recognised on the paths
 * of versioned actions: HTTP 404 or 410 (the route is gone), a Qualys error document that says so
 * (QPS `INVALID_API_VERSION`, or a SIMPLE_RETURN whose text speaks of the version being
 * unsupported, deprecated or retired), and — on an older version only — an HTML or other non-XML
 * page under a status that is not a server, auth or rate-limit failure (a redirect to a notice, a
 * 400 page). On the current version such a page is far more likely a proxy's or a login page, so
 * it keeps its InvalidResponseError / HttpError. Auth (401/403), limits (409/429) and server
 * faults (5xx) keep their own errors on any version.
 */
import { ApiVersionError } from "../errors/api-version-error.js";
import { QualysApiError } from "../errors/qualys-api-error.js";
import { redactedHead, SECRET_MARGIN } from "../redact/cut.js";
import { looksLikeHtml, looksLikeMarkup, peekBody } from "./peek.js";
import { otherVersions, type ChosenVersion, type VersionedAction } from "./versions.js";

const HEAD_BYTES = 1024;
const EXCERPT = 2000;

export interface RefusalContext {
  readonly meta: VersionedAction & { readonly output: "records" | "document" | "raw" };
  readonly chosen: ChosenVersion;
  readonly method: string;
  readonly url: string;
  /** The client's redactor: what the error quotes of the answer is redacted before it is cut. */
  readonly redact?: (text: string) => string;
}

/** Statuses whose non-API page says nothing about versions: auth, limits, timeouts, server faults. */
const NOT_A_VERSION_ANSWER = new Set([401, 403, 407, 408, 409, 429]);

/**
 * The response, untouched, unless it refuses the version: then an ApiVersionError. Only the first
 * bytes are looked at (a streaming answer is not held back).
 */
export async function checkVersionRefusal(response: Response, ctx: RefusalContext): Promise<Response> {
  const status = response.status;
  if (status === 404 || status === 410) {
    const peeked = await peekBody(response, HEAD_BYTES);
    const text = redactedHead(await peeked.text(EXCERPT + SECRET_MARGIN), EXCERPT, ctx.redact);
    throw refusal(ctx, status, `HTTP ${status}${describe(text)}`);
  }
  if (ctx.chosen.current || NOT_A_VERSION_ANSWER.has(status) || status >= 500 || ctx.meta.output === "raw") return response;
  const peeked = await peekBody(response, HEAD_BYTES);
  const labelledHtml = /html/i.test(response.headers.get("content-type") ?? "");
  const html = looksLikeHtml(peeked.head) || (labelledHtml && !looksLikeMarkup(peeked.head));
  const empty = peeked.head.trim() === "";
  if (html || (!empty && !looksLikeMarkup(peeked.head))) {
    const text = redactedHead(await peeked.text(EXCERPT + SECRET_MARGIN), EXCERPT, ctx.redact);
    throw refusal(ctx, status, `HTTP ${status}${describe(text)}`);
  }
  return new Response(peeked.body, { status, statusText: response.statusText, headers: response.headers });
}

/** A Qualys error document that speaks of the version: the same failure, said as an ApiVersionError. */
export function versionRefusalOf(err: unknown, ctx: RefusalContext): unknown {
  if (!(err instanceof QualysApiError)) return err;
  if (!saysVersionIsGone(err.code, err.text)) return err;
  return refusal(ctx, err.httpStatus ?? 0, `code ${err.code}: ${redactedHead(err.text, 300, ctx.redact)}`, err);
}

/** QPS's INVALID_API_VERSION, or a text about this API version being unsupported, deprecated or retired. */
export function saysVersionIsGone(code: string, text: string): boolean {
  if (/^INVALID_API_VERSION$/i.test(code)) return true;
  return /\b(api\s+)?version\b[^.]*\b(not\s+supported|unsupported|no\s+longer|deprecated|retired|decommissioned|end[\s-]of[\s-]life|not\s+available|invalid)\b/i.test(text) ||
    /\b(no\s+longer\s+(supported|available)|end[\s-]of[\s-]life|has\s+been\s+(retired|decommissioned))\b/i.test(text);
}

function refusal(ctx: RefusalContext, httpStatus: number, answer: string, cause?: unknown): ApiVersionError {
  const { meta, chosen } = ctx;
  return new ApiVersionError({
    operation: meta.function,
    method: ctx.method,
    url: ctx.url,
    version: chosen.version ?? "unknown",
    use: chosen.current ? undefined : `API ${meta.version}`,
    current: chosen.current,
    available: otherVersions(meta, chosen.version),
    endOfLife: chosen.info?.endOfLife,
    httpStatus,
    answer,
    cause,
  });
}

/** ", an HTML page (\"404 Not Found\")" / ", empty" / ", text: …" for the message. */
function describe(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return ", empty body";
  if (looksLikeHtml(trimmed) || /<html[\s>]/i.test(trimmed)) {
    const title = /<title[^>]*>([^<]{1,120})/i.exec(trimmed)?.[1]?.trim();
    return `, an HTML page${title ? ` ("${title}")` : ""}`;
  }
  if (looksLikeMarkup(trimmed)) {
    const said = /<TEXT>\s*(?:<!\[CDATA\[)?([^<\]]{1,200})/i.exec(trimmed)?.[1]?.trim();
    return said ? `, "${said}"` : ", an XML document";
  }
  return `, "${trimmed.replace(/\s+/g, " ").slice(0, 120)}"`;
}
