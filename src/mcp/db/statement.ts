/**
 * The SQL tool runs one statement. The engines refuse writes on their own (a read-only SQLite
 * handle; a PostgreSQL READ ONLY transaction), but PostgreSQL's simple query protocol runs a
 * text of several statements, and one of them could end the transaction before the next
 * writes: so the text is scanned here and refused unless it is a single statement.
 *
 * The scan knows standard '…' strings (quotes doubled), "…" identifiers, -- and nested block comments
 * comments. Anything it cannot read with certainty is refused rather than guessed: a backslash
 * inside a string (E'…' escapes, or a server with standard_conforming_strings off) and a `$`
 * outside strings (dollar quoting, parameters). Where it could be wrong, it errs towards "more
 * than one statement".
 */

export class SqlStatementError extends Error {
  override readonly name = "SqlStatementError";
}

export interface Statement {
  /** The statement without trailing semicolons and whitespace. */
  readonly text: string;
  /** Starts with SELECT, WITH, VALUES or TABLE: can be wrapped to apply the row limit in the engine. */
  readonly query: boolean;
}

export function checkStatement(sql: unknown): Statement {
  if (typeof sql !== "string" || sql.trim() === "") throw new SqlStatementError("give one SQL statement");
  let end = -1; // index of the first top-level ';'
  let first = -1; // index of the first character outside comments, whitespace and opening parentheses
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    const comment = (c === "-" && next === "-") || (c === "/" && next === "*");
    // Anything but whitespace and comments after the first ';' is a second statement.
    if (end >= 0 && c !== ";" && !comment && !/\s/.test(c)) throw new SqlStatementError("only one statement per call: remove everything after the first `;`");
    if (first < 0 && !comment && !/[\s(]/.test(c)) first = i;
    if (c === "'" || c === '"') {
      const close = c;
      i++;
      for (;;) {
        if (i >= n) throw new SqlStatementError(`unterminated ${close === "'" ? "string" : "quoted identifier"}`);
        if (sql[i] === "\\" && close === "'") throw new SqlStatementError("backslashes inside string literals are not accepted (write chr(92) / char(92) instead)");
        if (sql[i] === close) {
          if (sql[i + 1] === close) {
            i += 2;
            continue;
          }
          i++;
          break;
        }
        i++;
      }
      continue;
    }
    if (c === "-" && next === "-") {
      while (i < n && sql[i] !== "\n" && sql[i] !== "\r") i++;
      continue;
    }
    if (c === "/" && next === "*") {
      let depth = 0;
      while (i < n) {
        if (sql[i] === "/" && sql[i + 1] === "*") {
          depth++;
          i += 2;
        } else if (sql[i] === "*" && sql[i + 1] === "/") {
          depth--;
          i += 2;
          if (depth === 0) break;
        } else i++;
      }
      if (depth !== 0) throw new SqlStatementError("unterminated /* comment");
      continue;
    }
    if (c === "$") throw new SqlStatementError("`$` outside a string literal is not accepted (no dollar quoting, no parameters)");
    if (c === ";") {
      if (end < 0) end = i;
      i++;
      continue;
    }
    i++;
  }
  const text = (end >= 0 ? sql.slice(0, end) : sql).trimEnd();
  if (text.trim() === "") throw new SqlStatementError("give one SQL statement");
  return { text, query: /^(select|with|values|table)\b/i.test(sql.slice(first)) };
}

/** A query with the row limit applied inside the engine (one row more, to tell that rows were cut). */
export function limited(statement: Statement, maxRows: number): string {
  // The newline ends a trailing `--` comment of the statement before the closing parenthesis.
  return statement.query ? `SELECT * FROM (\n${statement.text}\n) AS q LIMIT ${maxRows + 1}` : statement.text;
}
