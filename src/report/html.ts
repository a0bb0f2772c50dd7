/**
 * The report page: one self-contained HTML file with inline CSS and inline SVG charts, no script,
 * and a Content-Security-Policy that forbids every fetch, so opening it never touches the network.
 */
import type { Row } from "../db/database.js";
import { escapeHtml } from "./escape.js";
import type { Column } from "./section.js";
import { STYLE } from "./style.js";
import { formatCell, renderTable } from "./table.js";

export interface RenderedSection {
  readonly id: string;
  readonly title: string;
  readonly intro: string;
  readonly sql: string;
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
  /** The chart, when the section has one and rows to draw. */
  readonly svg?: string;
  /** Said in place of the chart when there are no rows. */
  readonly empty?: string;
  /** Why the SQL was not run (a table or column this database lacks). */
  readonly notRun?: string;
}

export interface PageInfo {
  readonly dialect: "sqlite" | "postgres";
  readonly asOf: string;
  readonly since?: string;
  readonly generatedAt: string;
  readonly version: string;
}

const ENGINE = { sqlite: "SQLite", postgres: "PostgreSQL" } as const;
const RERUN = { sqlite: "sqlite3 -readonly export.db < query.sql", postgres: 'psql "$DATABASE_URL" -f query.sql' } as const;
/** Headline cards drawn from the summary row, the ones worth a reader's first glance highlighted. */
const ALERT = new Set(["open_sev45"]);

function cards(section: RenderedSection): string {
  const row = section.rows[0] ?? {};
  return `<div class="cards" data-section="${escapeHtml(section.id)}">\n${section.columns
    .map(
      (c) =>
        `<div class="card${ALERT.has(c.key) ? " alert" : ""}${c.kind === "text" ? " text" : ""}" data-column="${escapeHtml(c.key)}"><span class="value">${escapeHtml(formatCell(row[c.key], c))}</span><span class="label">${escapeHtml(c.label)}</span></div>`,
    )
    .join("\n")}\n</div>`;
}

/** In place of the chart: the section's `empty` text when it has no rows (data-empty), and why its SQL was not run (data-not-run). */
function noData(section: RenderedSection): string {
  const id = escapeHtml(section.id);
  const empty = section.empty !== undefined && !section.rows.length;
  const text = empty ? section.empty! : "No data to chart.";
  const attrs = `${empty ? ` data-empty="${id}"` : ""}${section.notRun ? ` data-not-run="${id}"` : ""}`;
  return `<p class="nodata"${attrs}>${escapeHtml(text)}${section.notRun ? ` Not run: ${escapeHtml(section.notRun)}.` : ""}</p>`;
}

function sqlDetails(section: RenderedSection, info: PageInfo): string {
  return `<details data-sql="${escapeHtml(section.id)}"><summary>SQL that produced these figures (${ENGINE[info.dialect]}; rerun with <code>${escapeHtml(RERUN[info.dialect])}</code>)</summary><pre><code>${escapeHtml(section.sql)}</code></pre></details>`;
}

function renderSection(section: RenderedSection, info: PageInfo, headline: boolean): string {
  const body = headline
    ? cards(section)
    : [
        section.svg ? `<figure data-chart="${escapeHtml(section.id)}">${section.svg}</figure>` : noData(section),
        `<div class="table-wrap${section.rows.length > 25 ? " scroll" : ""}">${renderTable(section.id, section.columns, section.rows)}</div>`,
      ].join("\n");
  return `<section id="${escapeHtml(section.id)}">\n<h2>${escapeHtml(section.title)}</h2>\n<p class="intro">${escapeHtml(section.intro)}</p>\n${body}\n${sqlDetails(section, info)}\n</section>`;
}

export function renderPage(sections: readonly RenderedSection[], info: PageInfo): string {
  const scope = info.since ? `fixes and runs since ${info.since}` : "all history";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="qualys-ts ${escapeHtml(info.version)}">
<title>Vulnerability risk report — ${escapeHtml(info.asOf.slice(0, 10))}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<h1>Vulnerability risk report</h1>
<p class="meta">Ages as of <time datetime="${info.asOf}">${info.asOf}</time> · ${ENGINE[info.dialect]} export database · ${escapeHtml(scope)} · generated ${info.generatedAt}</p>
<nav><ol>${sections.map((s) => `<li><a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a></li>`).join("")}</ol></nav>
</header>
${sections.map((s, i) => renderSection(s, info, i === 0)).join("\n")}
<footer>Made by <code>qualys report</code> (qualys-ts ${escapeHtml(info.version)}) from the export database. Every figure comes from the SQL shown under its section, run as shown.</footer>
</main>
</body>
</html>
`;
}
