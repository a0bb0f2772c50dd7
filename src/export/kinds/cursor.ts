/**
 * What the kinds that page by a cursor (CSAM assets, WAS web apps and findings) share: one batch
 * per walk, written page by page with the cursor to go on from; the module's refusal of the first
 * call turned into ModuleUnavailableError; and the batch's JSON (`ids`): the expected count for
 * progress and, for walks split by date field, the field.
 */
import type { QualysClient } from "../../client.js";
import type { ApiFamily } from "../../runtime/types.js";
import { AbortError } from "../../runtime/errors/abort-error.js";
import { AuthenticationError } from "../../runtime/errors/authentication-error.js";
import { ConfigurationError } from "../../runtime/errors/configuration-error.js";
import { HttpError } from "../../runtime/errors/http-error.js";
import { ModuleUnavailableError } from "../../runtime/errors/module-unavailable-error.js";
import { QualysApiError } from "../../runtime/errors/qualys-api-error.js";
import type { BatchPlan } from "../store.js";
import type { TableOp } from "../table-ops.js";
import type { BatchWrite } from "./kind.js";

/** A cursor batch's `ids`: what the walk asks for, and how many records the plan's count said it holds. */
export interface CursorBatch {
  /** Records the count call found (progress); absent when the count failed. */
  readonly total?: number;
  /** Incremental walks: records changed after this time (Qualys date-time text); absent: the whole listing. */
  readonly since?: string;
  /** The date field the incremental walk filters on (a kind may walk once per field). */
  readonly field?: string;
}

export const cursorOf = (batch: BatchPlan): CursorBatch => (batch.ids ?? {}) as CursorBatch;
export const cursorSize = (batch: BatchPlan): number => cursorOf(batch).total ?? 0;

/** One page as a write: its ops, its record count, where the next page starts, whether more follow. */
export interface PageWrite {
  readonly ops: readonly TableOp[];
  readonly records: number;
  readonly cursor: string | null;
  readonly more: boolean;
}

/**
 * The walk's pages as batch writes: `done` on the page that says no more follow. A walk that ends
 * without such a page (204, an empty answer after "more") ends with an empty write that closes the batch.
 */
export async function* cursorWrites<P>(pages: AsyncIterable<P>, toWrite: (page: P) => PageWrite): AsyncGenerator<BatchWrite> {
  for await (const page of pages) {
    const w = toWrite(page);
    yield { ops: w.ops, records: w.records, cursor: w.cursor, done: !w.more };
    if (!w.more) return;
  }
  yield { ops: [], records: 0, done: true };
}

/** The client's URL for the module, or ModuleUnavailableError (unreachable) when it has none. */
export function requireUrl(client: QualysClient, family: ApiFamily, module: string): void {
  try {
    client.baseUrl(family, module as never);
  } catch (err) {
    if (err instanceof ConfigurationError) throw new ModuleUnavailableError(module, `no ${family === "gateway" ? "gateway" : "API server"} URL: give a platform or baseUrls.${family}`, { cause: err, unreachable: true });
    throw err;
  }
}

/**
 * The refusal of a subscription without the module, as ModuleUnavailableError: HTTP 401/403 (CSAM
 * answers 403 without a licence or API access), a gateway 401 that persisted with a fresh token,
 * or QPS's `UNAUTHORIZED` under HTTP 200 (WAS). Anything else is returned as it is.
 */
export function moduleRefusal(module: string, err: unknown): unknown {
  if (err instanceof HttpError && (err.status === 401 || err.status === 403)) {
    return new ModuleUnavailableError(module, `${err.operationId ?? "its first call"} answered HTTP ${err.status}`, { cause: err });
  }
  if (err instanceof AuthenticationError && err.status === 401 && /fresh token/.test(err.message)) {
    return new ModuleUnavailableError(module, err.message, { cause: err });
  }
  if (err instanceof QualysApiError && err.code === "UNAUTHORIZED") {
    return new ModuleUnavailableError(module, `${err.operation ?? "its first call"} answered ${err.code}: ${err.text}`, { cause: err });
  }
  return err;
}

/**
 * The plan's count call: its number, or undefined when it failed for a reason other than the
 * module's refusal (the count is for progress only; the walk still runs and says what is wrong).
 */
export async function planCount(module: string, count: () => Promise<unknown>, read: (answer: unknown) => unknown): Promise<number | undefined> {
  try {
    const n = Number(read(await count()));
    return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
  } catch (err) {
    const refused = moduleRefusal(module, err);
    if (refused !== err || err instanceof AbortError || err instanceof AuthenticationError || err instanceof ConfigurationError) throw refused;
    return undefined;
  }
}
