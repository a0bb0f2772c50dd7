/**
 * The one parser of database URLs, for the export, the report and every other reader:
 * `sqlite:./file.db`, `sqlite:/abs/file.db`, `sqlite:///abs/file.db`, `file:./file.db`, a bare path
 * (`./qualys.db`: SQLite), `sqlite::memory:`, and `postgres://user:pass@host:5432/db` (or
 * `postgresql://`), handed to the pg driver as given so every libpq-style option in it works.
 * Anything else is a DatabaseUrlError naming what was wrong, never a guess; no message holds a password.
 */
import { DatabaseUrlError } from "../runtime/errors/database-url-error.js";
import type { Dialect } from "./dialect.js";

export type DatabaseTarget =
  | { readonly dialect: "sqlite"; readonly path: string; readonly url: string }
  | { readonly dialect: "postgres"; readonly connectionString: string; readonly url: string };

export type { Dialect };

const FORMS = "expected sqlite:<path> (e.g. sqlite:./export.db) or postgres://user@host:port/database";

/**
 * The URL with any password replaced by `***`: safe for messages and logs. The password runs to
 * the last "@" before the query: it may itself hold "@", "/" or ":", and half a password is a leak.
 */
export function redactUrl(url: string): string {
  const start = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0].length;
  let out = url;
  if (start !== undefined) {
    const end = url.slice(start).search(/[?#]/);
    const head = end < 0 ? url.slice(start) : url.slice(start, start + end);
    const at = head.lastIndexOf("@");
    const colon = head.indexOf(":");
    if (at > 0 && colon >= 0 && colon < at) out = `${url.slice(0, start + colon)}:***${url.slice(start + at)}`;
  }
  return out.replace(/([?&]password=)[^&#]*/gi, "$1***");
}

export function parseDatabaseUrl(input: string): DatabaseTarget {
  const url = input.trim();
  const safe = redactUrl(url);
  if (!url) throw new DatabaseUrlError(`the database URL is empty: ${FORMS}`, { url: safe });
  // A one-letter "scheme" is a Windows drive (C:\…), which is a path.
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === "postgres" || scheme === "postgresql") return postgres(url, safe);
  if (scheme !== undefined && scheme !== "sqlite" && scheme !== "file") {
    throw new DatabaseUrlError(`database URL scheme "${scheme}:" is not supported: ${FORMS}`, { url: safe });
  }
  let path = scheme ? url.slice(scheme.length + 1) : url;
  // sqlite:///abs/path is the URL spelling of /abs/path; sqlite://rel has no host part to keep.
  if (path.startsWith("//")) path = path.slice(2);
  if (!path) throw new DatabaseUrlError(`database URL ${safe} names no file: ${FORMS}`, { url: safe });
  return { dialect: "sqlite", path, url: scheme ? safe : `sqlite:${safe}` };
}

function postgres(url: string, safe: string): DatabaseTarget {
  const rest = /^[a-z]+:\/\/(.*)$/is.exec(url)?.[1] ?? "";
  if (!rest) throw new DatabaseUrlError(`database URL ${safe} names no server or database: ${FORMS}`, { url: safe });
  // Read by hand, not with URL: libpq forms such as postgres://user@/db?host=/run/postgresql are not WHATWG URLs.
  const query = rest.indexOf("?");
  const beforeQuery = query < 0 ? rest : rest.slice(0, query);
  const slash = beforeQuery.indexOf("/", beforeQuery.lastIndexOf("@") + 1);
  const authority = slash < 0 ? beforeQuery : beforeQuery.slice(0, slash);
  const host = authority.slice(authority.lastIndexOf("@") + 1);
  const params = new URLSearchParams(query < 0 ? "" : rest.slice(query + 1));
  const database = slash < 0 ? "" : beforeQuery.slice(slash + 1);
  // The driver fills the rest in (socket dirs, ?sslmode=…, PG* variables); a server and a database are ours to ask for.
  if (!host && !params.get("host")) throw new DatabaseUrlError(`database URL ${safe} names no server: ${FORMS}`, { url: safe });
  if (!database && !params.get("dbname")) throw new DatabaseUrlError(`database URL ${safe} names no database (…/dbname): ${FORMS}`, { url: safe });
  return { dialect: "postgres", connectionString: url, url: safe };
}
