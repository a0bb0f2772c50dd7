/**
 * The SQL child process: opens the export database read-only and runs one statement at a time
 * for the MCP server. It exists so that a statement can be stopped: SQLite's drivers run a query
 * synchronously to its end, and only killing the process running it stops a runaway one.
 */
import type { FromChild, ToChild } from "./sql-protocol.js";
import { openReadOnly, type ReadOnlyDatabase, type Row } from "./database.js";

let db: ReadOnlyDatabase | undefined;

const send = (message: FromChild) => process.send?.(message);
const failure = (err: unknown) => ({ name: (err as Error)?.name ?? "Error", message: (err as Error)?.message ?? String(err) });

/** Rows as plain JSON values: binary columns as base64 text, times as ISO text. */
function plain(rows: Row[]): Row[] {
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [
        k,
        v instanceof Uint8Array ? `base64:${Buffer.from(v).toString("base64")}` : v instanceof Date ? v.toISOString() : typeof v === "bigint" ? v.toString() : v,
      ]),
    ),
  );
}

process.on("message", (message: ToChild) => {
  void (async () => {
    if (message.type === "open") {
      try {
        db = await openReadOnly(message.url);
        send({ type: "ready", dialect: db.dialect });
      } catch (err) {
        send({ type: "failed", error: failure(err) });
      }
    } else if (message.type === "query") {
      try {
        if (!db) throw new Error("the database is not open");
        send({ type: "rows", id: message.id, rows: plain(await db.query(message.sql, message.timeoutMs)) });
      } catch (err) {
        send({ type: "error", id: message.id, error: failure(err) });
      }
    }
  })();
});

// The server went away: close and leave.
process.on("disconnect", () => {
  void (db?.close() ?? Promise.resolve()).finally(() => process.exit(0));
});
