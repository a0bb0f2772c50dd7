/**
 * The version table for `npm run docs`: printed as text, and written as docs/api/versions.html
 * beside the API reference. Status is as of the day the docs are built.
 */
import { apiVersionTable } from "../src/generated/versions.js";
import { versionStatus, type ApiVersionRow } from "../src/runtime/api-versions.js";

export interface VersionTableLine {
  readonly api: string;
  readonly sdk: string;
  readonly version: string;
  readonly path: string;
  readonly status: string;
  readonly source: string;
}

/** One line per version of each row: the current one first, then the older ones with their dates. */
export function versionTableLines(rows: readonly ApiVersionRow[] = apiVersionTable, now: number = Date.now()): VersionTableLine[] {
  return rows.flatMap((row) => {
    const sdk = row.module ? `${row.module}${row.operation ? `.${row.operation}` : ""}` : "(not in the SDK)";
    const api = `${row.api}${row.action ? ` (action=${row.action})` : ""}`;
    const current: VersionTableLine = { api, sdk, version: row.current.version, path: row.current.path, status: row.module ? "current, the default" : `current; ${row.note ?? "not in the SDK"}`, source: row.current.source };
    const older = row.older.map((o) => ({
      api: "",
      sdk: o.operation ? `${row.module}.${o.operation}` : "",
      version: o.version,
      path: o.path,
      status: `older: ${versionStatus(o, false, now).text}${o.unverified ? ` (${o.unverified})` : ""}`,
      source: o.source,
    }));
    return [current, ...older];
  });
}

export function versionTableText(lines: readonly VersionTableLine[] = versionTableLines()): string {
  const cols = ["api", "sdk", "version", "path", "status"] as const;
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(c.length, ...lines.map((l) => l[c].length))])) as Record<(typeof cols)[number], number>;
  const row = (values: Record<(typeof cols)[number], string>) => cols.map((c) => values[c].padEnd(width[c])).join("  ").trimEnd();
  return [row({ api: "API", sdk: "SDK", version: "version", path: "path", status: "status" }), ...lines.map(row)].join("\n");
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

export function versionTableHtml(lines: readonly VersionTableLine[] = versionTableLines(), day = new Date().toISOString().slice(0, 10)): string {
  const cells = (l: VersionTableLine) => [l.api, l.sdk, l.version, l.path, l.status, l.source].map((v, i) => `<td>${i === 3 ? `<code>${escape(v)}</code>` : escape(v)}</td>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>qualys-ts: Qualys API versions</title>
<style>body{font-family:system-ui,sans-serif;max-width:1200px;margin:2rem auto;padding:0 1rem}td,th{text-align:left;padding:.3rem .5rem;vertical-align:top}tr:nth-child(even){background:#f4f4f4}</style></head>
<body><h1>Qualys API versions</h1>
<p>The version qualys-ts calls by default for each endpoint (the newest Qualys documents), and the older ones with Qualys's end of support (no fixes; it may go on working) and end of life (retired), as of ${escape(day)}. Dates are months: a date counts from the first day of its month, UTC. An older version is used only when asked for (<code>apiVersion</code>, <code>apiVersions</code>, <code>--api-versions</code>), with a warning past its end of support; a refused version raises <code>ApiVersionError</code> with the version to use. From the specs (<code>x-qualys-versions</code>, <code>x-replaced-by</code>) and <code>specs/common/api-versions.yaml</code>.</p>
<table><tr><th>API</th><th>SDK</th><th>version</th><th>path</th><th>status</th><th>source</th></tr>
${lines.map((l) => `<tr>${cells(l)}</tr>`).join("\n")}
</table></body></html>
`;
}
