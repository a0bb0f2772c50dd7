/**
 * What a decode noticed without failing: today, bytes that are not valid in the body's encoding.
 * They are decoded as U+FFFD (refusing a whole page over one damaged byte in a RESULTS would lose
 * every other record of it), but never silently: they are counted on the stream's summary, and
 * reported once the answer has been read — to the caller's `onWarning`, else as a process warning
 * (once per process, so a long export does not print one per page).
 */

/** A decode warning: what happened, and how often in this answer. */
export interface XmlDecodeWarning {
  /** "invalid-encoding": byte sequences not valid in the body's encoding, decoded as U+FFFD. */
  readonly code: "invalid-encoding";
  readonly message: string;
  readonly count: number;
  /** The body's encoding (WHATWG name, e.g. "utf-8"). */
  readonly encoding: string;
  /** The operation of the answer, when the caller named it. */
  readonly operation?: string;
}

/** Counters of one decode, live while it reads, final once its `document` has settled. */
export interface XmlDecodeSummary {
  /** The encoding the body was decoded from (WHATWG name); undefined for a text source or before the first byte. */
  readonly encoding: string | undefined;
  /** Byte sequences that are not valid in that encoding (invalid UTF-8 above all), each decoded as U+FFFD. */
  readonly invalidSequences: number;
  /** Bytes of the body read so far. */
  readonly bytes: number;
  /** Warnings given for this answer (also passed to `onWarning`). */
  readonly warnings: readonly XmlDecodeWarning[];
}

export interface MutableSummary extends XmlDecodeSummary {
  encoding: string | undefined;
  invalidSequences: number;
  bytes: number;
  warnings: XmlDecodeWarning[];
}

export const newSummary = (): MutableSummary => ({ encoding: undefined, invalidSequences: 0, bytes: 0, warnings: [] });

/** The Node warning code of a body with invalid bytes (for `process.on("warning")` filters). */
export const INVALID_ENCODING_WARNING = "QUALYS_XML_INVALID_ENCODING";

let processWarned = false;

/** Once an answer has been read: its warnings onto the summary, and to `onWarning` or the process. */
export function reportWarnings(summary: MutableSummary, options: { operation?: string; onWarning?: (warning: XmlDecodeWarning) => void }): void {
  if (summary.invalidSequences === 0) return;
  const count = summary.invalidSequences;
  const encoding = summary.encoding ?? "utf-8";
  const what = count === 1 ? "1 byte sequence that is" : `${count} byte sequences that are`;
  const warning: XmlDecodeWarning = {
    code: "invalid-encoding",
    message: `${options.operation ? `${options.operation}: ` : ""}the answer held ${what} not valid ${encoding.toUpperCase()}, decoded as U+FFFD (\uFFFD)`,
    count,
    encoding,
    ...(options.operation !== undefined && { operation: options.operation }),
  };
  summary.warnings.push(warning);
  deliverWarning(warning, options.onWarning);
}

/**
 * A warning to `onWarning`, else to the process (the first of the process only). Also for
 * warnings a decode in a worker thread made, handed back with its summary.
 */
export function deliverWarning(warning: XmlDecodeWarning, onWarning: ((warning: XmlDecodeWarning) => void) | undefined): void {
  if (onWarning) onWarning(warning);
  else if (!processWarned) {
    processWarned = true;
    process.emitWarning(`${warning.message}. Later answers with invalid bytes are counted on each record stream's summary, not reported again.`, {
      code: INVALID_ENCODING_WARNING,
    });
  }
}
