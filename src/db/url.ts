/**
 * Database URLs as the CLI takes them: `sqlite:./file.db`, `sqlite:/abs/file.db`,
 * `sqlite:///abs/file.db`, `sqlite::memory:`, and `postgres://user:pass@host:5432/db` (or
 * `postgresql://`), handed to the pg driver as given so every libpq-style option in it works.
 */
import { DatabaseUrlError } from "../runtime/errors/database-url-error.js";

export type DatabaseTarget =
  | { readonly dialect: "sqlite"; readonly path: string; readonly url: string }
  | { readonly dialect: "postgres"; readonly connectionString: string; readonly url: string };

const FORMS = "expected sqlite:<path> (e.g. sqlite:./export.db) or postgres://user@host:port/database";

/** The URL with any password replaced by `***`: safe for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):[^@/?#]*@/i, "$1:***@").replace(/([?&]password=)[^&#]*/gi, "$1***");
}

export function parseDatabaseUrl(input: string): DatabaseTarget {
  const url = input.trim();
  const safe = redactUrl(url);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === "sqlite") {
    let path = url.slice("sqlite:".length);
    // sqlite:///abs/path is the URL spelling of /abs/path; sqlite://rel has no host part to keep.
    if (path.startsWith("//")) path = path.slice(2);
    if (!path) throw new DatabaseUrlError(`database URL ${safe} names no file: ${FORMS}`, { url: safe });
    return { dialect: "sqlite", path, url: safe };
  }
  if (scheme === "postgres" || scheme === "postgresql") {
    // The driver parses the rest (socket dirs, ?sslmode=…, defaults from PG* variables); only an empty URL is ours to refuse.
    if (!/^[a-z]+:\/\/./i.test(url)) throw new DatabaseUrlError(`database URL ${safe} names no server or database: ${FORMS}`, { url: safe });
    return { dialect: "postgres", connectionString: url, url: safe };
  }
  throw new DatabaseUrlError(
    scheme ? `database URL scheme "${scheme}:" is not supported: ${FORMS}` : `database URL "${safe}" has no scheme: ${FORMS}`,
    { url: safe },
  );
}
