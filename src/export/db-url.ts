/**
 * `--db` URLs: `sqlite:./qualys.db`, `sqlite:///abs/path.db`, `file.db` (SQLite), or
 * `postgres://user:pass@host:5432/db` / `postgresql://…` (PostgreSQL). Anything else is a usage
 * error naming what was wrong, never a guess.
 */
import { resolve } from "node:path";
import { ConfigurationError } from "../runtime/errors/configuration-error.js";
import { redactUrl } from "../db/url.js";
import type { Dialect } from "./schema.js";

export type DbTarget = { readonly dialect: "sqlite"; readonly path: string } | { readonly dialect: "postgres"; readonly url: string };

export const DEFAULT_DB_URL = "sqlite:./qualys.db";

export function parseDbUrl(input: string): DbTarget {
  const url = input.trim();
  if (!url) throw new ConfigurationError("--db is empty: give sqlite:<file> or postgres://user@host/db");
  if (/^postgres(ql)?:\/\//i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigurationError(`--db ${redactUrl(url)} is not a valid PostgreSQL URL (postgres://user:password@host:5432/database)`);
    }
    if (!parsed.hostname && !parsed.searchParams.get("host")) throw new ConfigurationError(`--db ${redactUrl(url)} names no host`);
    if (parsed.pathname.replace(/^\//, "") === "") throw new ConfigurationError(`--db ${redactUrl(url)} names no database (…/dbname)`);
    return { dialect: "postgres", url };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  if (scheme && scheme.toLowerCase() !== "sqlite" && scheme.toLowerCase() !== "file" && scheme.length > 1) {
    throw new ConfigurationError(`--db ${redactUrl(url)}: unknown database scheme "${scheme}:" (use sqlite:<file> or postgres://…)`);
  }
  let path = scheme ? url.slice(scheme.length + 1) : url;
  // sqlite:///abs/path and file:///abs/path are absolute; sqlite://rel is relative.
  if (path.startsWith("//")) path = path.slice(2);
  if (!path) throw new ConfigurationError(`--db ${url} names no file (sqlite:./qualys.db)`);
  if (path === ":memory:") throw new ConfigurationError("--db sqlite::memory: would lose the export at exit; give a file");
  return { dialect: "sqlite", path: resolve(path) };
}

export type { Dialect };
