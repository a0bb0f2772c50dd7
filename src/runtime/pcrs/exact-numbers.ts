/**
 * @streamparser/json's tokenizer with one change: an integer JSON.parse would round (past 2^53,
 * e.g. a 64-bit id) keeps its exact digits, as a string. Ids already arrive as numbers or as
 * decimal strings (PCRS sends both), so a string is a shape callers handle anyway, and unlike a
 * bigint it still serialises to JSON (CLI output, export columns).
 */
import { Tokenizer } from "@streamparser/json";

export class ExactNumberTokenizer extends Tokenizer {
  protected override parseNumber(text: string): number {
    const value = Number(text);
    if (Number.isSafeInteger(value) || !/^-?\d+$/.test(text)) return value;
    return text as unknown as number;
  }
}
