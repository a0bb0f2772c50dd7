/**
 * The elements of one JSON array, read from a byte stream as they complete: a chunk in, the
 * records it finished out, nothing else kept (the parser drops emitted elements), so memory stays
 * flat however long the array is. Everything that is not a whole array ends in a JsonStreamError
 * naming the problem and how far the body got.
 */
import { TokenParser } from "@streamparser/json";
import { JsonStreamError, type JsonStreamProblem } from "../errors/json-stream-error.js";
import { redactedHead, type RedactText } from "../redact/cut.js";
import { ExactNumberTokenizer } from "./exact-numbers.js";

/** Where the element stream stands, for the caller's error messages. */
export interface ArrayProgress {
  /** Bytes read (after any gunzip). */
  bytes: number;
  /** Elements handed over. */
  records: number;
}

/** How much of a body that is not an array is kept to say what it was. */
const SNIFF_LIMIT = 4096;
const WHITESPACE = new Set([0x20, 0x0a, 0x0d, 0x09]);

/** `redact`: the client's text redactor, run on what an error quotes of the body before it is cut. */
export async function* jsonArrayElements(
  source: AsyncIterable<Uint8Array>,
  operationId: string | undefined,
  progress: ArrayProgress = { bytes: 0, records: 0 },
  redact?: RedactText,
): AsyncGenerator<unknown, void, undefined> {
  const tokenizer = new ExactNumberTokenizer();
  const parser = new TokenParser({ paths: ["$.*"], keepStack: false });
  let ready: unknown[] = [];
  tokenizer.onToken = (token) => parser.write(token);
  tokenizer.onEnd = () => {
    if (!parser.isEnded) parser.end();
  };
  parser.onError = (err) => tokenizer.error(err);
  parser.onEnd = () => {
    if (!tokenizer.isEnded) tokenizer.end();
  };
  parser.onValue = ({ value }) => void ready.push(value);

  const fail = (problem: JsonStreamProblem, reason: string, excerpt?: string, cause?: unknown) =>
    new JsonStreamError(reason, { operationId, problem, bytes: progress.bytes, records: progress.records, excerpt }, cause === undefined ? undefined : { cause });

  // The first bytes say what the body is: an array, or something else to describe.
  let kind: "array" | "other" | undefined;
  let head: Uint8Array[] = [];
  let headSize = 0;
  for await (const chunk of source) {
    progress.bytes += chunk.length;
    let bytes = chunk;
    if (kind !== "array") {
      head.push(chunk);
      headSize += chunk.length;
      if (kind === undefined) {
        const all = head.length === 1 ? chunk : Buffer.concat(head);
        const first = firstByte(all);
        if (first === undefined) continue;
        kind = first === 0x5b /* [ */ ? "array" : "other";
        if (kind === "array") {
          bytes = all;
          head = [];
        }
      }
      if (kind === "other") {
        if (headSize < SNIFF_LIMIT) continue;
        break;
      }
    }
    let broken: unknown;
    try {
      tokenizer.write(bytes);
    } catch (err) {
      broken = err;
    }
    // Records the chunk completed before a fault in it still go out: they are whole.
    if (ready.length) {
      const out = ready;
      ready = [];
      for (const value of out) {
        progress.records += 1;
        yield value;
      }
    }
    if (broken !== undefined) throw fail("malformed-json", `JSON that does not parse (${messageOf(broken, redact)})`, undefined, broken);
  }
  if (kind === undefined) throw fail("empty", headSize ? "a body of whitespace only instead of a JSON array" : "an empty body instead of a JSON array");
  if (kind === "other") throw describeOther(Buffer.concat(head).subarray(0, SNIFF_LIMIT).toString("utf8"), fail, redact);
  if (!parser.isEnded) {
    try {
      tokenizer.end();
    } catch (err) {
      throw fail("truncated-json", "a JSON array that stops before its end", undefined, err);
    }
    // Ended between tokens (after a comma, say): the tokenizer is content, the parser is not.
    if (!parser.isEnded) throw fail("truncated-json", "a JSON array that stops before its end");
  }
}

const BOM = [0xef, 0xbb, 0xbf];

/** The body's first byte past a UTF-8 BOM and whitespace; undefined while the bytes so far do not tell. */
function firstByte(start: Uint8Array): number | undefined {
  let i = 0;
  if (start[0] === BOM[0]) {
    if (start.length < 3) return start.every((b, k) => b === BOM[k]) ? undefined : start[0];
    if (start[1] === BOM[1] && start[2] === BOM[2]) i = 3;
  }
  for (; i < start.length; i++) if (!WHITESPACE.has(start[i]!)) return start[i];
  return undefined;
}

function describeOther(text: string, fail: (problem: JsonStreamProblem, reason: string, excerpt?: string) => JsonStreamError, redact: RedactText | undefined): JsonStreamError {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("<")) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(trimmed)?.[1]?.replace(/\s+/g, " ").trim();
    return fail("html", `an HTML page${title ? ` ("${redactedHead(title, 120, redact)}")` : ""} instead of a JSON array`);
  }
  if (trimmed.startsWith("{")) {
    let said: string | undefined;
    try {
      const object = JSON.parse(trimmed) as Record<string, unknown>;
      said = ["message", "error", "responseMessage", "errorMessage"].map((k) => object[k]).find((v): v is string => typeof v === "string");
    } catch {
      // Cut short at the sniff limit, or not JSON: the excerpt says enough.
    }
    return fail("not-array", `a JSON object instead of an array${said ? ` ("${redactedHead(said, 200, redact)}")` : ""}`, said ? undefined : redactedHead(trimmed, 80, redact));
  }
  return fail("malformed-json", "a body that is not a JSON array", redactedHead(trimmed, 40, redact));
}

function messageOf(err: unknown, redact: RedactText | undefined): string {
  return redactedHead(err instanceof Error ? err.message : String(err), 160, redact);
}
