/**
 * JSON.parse that keeps integers past 2^53 exact, as decimal strings (CSAM software ids such as
 * 8464359598295418000 would otherwise change silently). Answers without a run of 16 digits cannot
 * hold such an integer and go to JSON.parse as they are; the others through @streamparser/json
 * with the exact-number tokenizer the PCRS posture stream uses. Both throw SyntaxError on bad JSON.
 */
import { TokenParser } from "@streamparser/json";
import { ExactNumberTokenizer } from "./pcrs/exact-numbers.js";

/** 2^53 has 16 digits: a shorter integer is always safe. */
const LONG_DIGITS = /\d{16}/;

export function parseExactJson(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  const tokenizer = new ExactNumberTokenizer();
  const parser = new TokenParser({ paths: ["$"], keepStack: false });
  let value: unknown;
  let complete = false;
  tokenizer.onToken = (token) => parser.write(token);
  parser.onValue = (info) => {
    value = info.value;
    complete = true;
  };
  try {
    tokenizer.write(text);
    tokenizer.end();
  } catch (err) {
    throw new SyntaxError(`Unexpected JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!complete) throw new SyntaxError("Unexpected end of JSON input");
  return value;
}
