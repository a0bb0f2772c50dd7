/**
 * What a tool call answers: JSON text within the size limit, plus a note when something was cut
 * or could not be shown (a binary download).
 */
import { fitJson } from "./json-fit.js";

export interface Answer {
  readonly text: string;
  /** Said next to the answer: what was cut, and how to get the rest. */
  readonly note?: string;
}

/** A decoded answer (JSON body, XML document) as JSON within `limit` characters. */
export function answerOf(value: unknown, limit: number): Answer {
  if (typeof value === "string") return textAnswer(value, limit, value.length);
  const fitted = fitJson(value ?? null, limit);
  return fitted.cuts.length
    ? { text: fitted.text, note: `The answer was cut to the size limit (${limit} characters): ${fitted.cuts.join("; ")}. Narrow the request (filters, fewer fields, a smaller page) to see the rest.` }
    : { text: fitted.text };
}

function textAnswer(text: string, limit: number, total: number | undefined, more = false): Answer {
  if (text.length <= limit && !more) return { text };
  const kept = text.slice(0, limit);
  return { text: kept, note: `Only the first ${kept.length} characters${total !== undefined && !more ? ` of ${total}` : ""} are shown (size limit). Narrow the request, or download it with the \`qualys\` CLI or the SDK.` };
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|csv|x-ndjson|[\w.+-]*\+(json|xml)))/i;

/**
 * A download (report, scan results, a ZIP) read only as far as the limit: text is shown (cut if
 * longer), anything else is described, never dumped into the model's context.
 */
export async function readDownload(body: ReadableStream<Uint8Array> | null, contentType: string | null | undefined, limit: number): Promise<Answer> {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let more = false;
  if (body) {
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        bytes += value.byteLength;
        if (bytes > limit * 4) {
          more = true;
          break;
        }
      }
    } finally {
      if (more) await reader.cancel().catch(() => {});
      reader.releaseLock();
    }
  }
  const data = Buffer.concat(chunks);
  const text = data.toString("utf8");
  const looksText = contentType ? TEXT_TYPES.test(contentType) : !data.includes(0) && !text.includes("\uFFFD");
  if (!looksText) {
    return { text: JSON.stringify({ download: { contentType: contentType ?? "unknown", bytes: more ? `more than ${bytes}` : bytes } }), note: "This is a binary download; it is not shown here. Fetch it with the `qualys` CLI or the SDK." };
  }
  return textAnswer(text, limit, more ? undefined : text.length, more);
}
