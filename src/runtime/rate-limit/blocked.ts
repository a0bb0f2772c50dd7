/**
 * Tells a call Qualys refused for its limits — 409 with SIMPLE_RETURN CODE 1960 (concurrency)
 * or 1965 (rate) on the VM API, 429 on the gateway — from any other answer. A blocked call was
 * not executed, so repeating it is safe whatever its method.
 */
import { readSimpleReturn, readSmallBody } from "../auth/simple-return.js";
import { readLimits, retryAfterMs } from "./headers.js";

export interface Blocked {
  /** "1960", "1965", "1920" (legacy) or "429". */
  readonly code: string;
  /** How long Qualys says to wait, when it says. */
  readonly waitMs: number | undefined;
  readonly text?: string;
}

export async function blockedBy(response: Response, now: number): Promise<Blocked | undefined> {
  if (response.status !== 409 && response.status !== 429) return undefined;
  const toWait = readLimits(response.headers).toWaitSec;
  const retryAfter = retryAfterMs(response.headers, now);
  const waitMs = toWait !== undefined && toWait > 0 ? toWait * 1000 : retryAfter;
  if (response.status === 429) return { code: "429", waitMs };
  // A 409 is a limit only with one of the limit codes; other 409s are real conflicts.
  const answer = readSimpleReturn(await readSmallBody(response.clone()));
  if (!answer?.code || !["1960", "1965", "1920"].includes(answer.code)) return undefined;
  const textWait = /for another (\d+) seconds/.exec(answer.text ?? "")?.[1];
  return { code: answer.code, waitMs: waitMs ?? (textWait ? Number(textWait) * 1000 : undefined), text: answer.text };
}
