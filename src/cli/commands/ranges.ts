/** Option parsers for numbers with the bounds an API documents (a usage error outside them). */
import { InvalidArgumentError } from "commander";
import { int } from "../command.js";

export function rangedInt(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = int(value);
    if (n < min || n > max) throw new InvalidArgumentError(`expected ${min}–${max}.`);
    return n;
  };
}
