/**
 * The export database as tools: `db_query` (one read-only statement, a row limit, a timeout) and
 * a few named questions whose SQL is the report's own (src/report/sections), so the answers
 * match the HTML report to the row.
 */
import { isIP } from "node:net";
import { normalizeTime } from "../../report/options.js";
import type { QueryContext } from "../../report/section.js";
import { assetsByOs } from "../../report/sections/assets-by-os.js";
import { bySeverity } from "../../report/sections/by-severity.js";
import { pcPassRate } from "../../report/sections/pc-pass-rate.js";
import { timeToFix } from "../../report/sections/time-to-fix.js";
import { topQids } from "../../report/sections/top-qids.js";
import { wasBySeverity } from "../../report/sections/was-by-severity.js";
import type { Dialect } from "../../db/database.js";
import { answerOf, type Answer } from "../answer.js";
import type { Args } from "../cursor.js";
import type { ToolHandler } from "../tool-handler.js";
import type { JsonSchema } from "../tool-spec.js";
import { SqlRunner } from "./sql-runner.js";
import { checkStatement, limited, SqlStatementError } from "./statement.js";

export interface DbToolOptions {
  readonly maxRows: number;
  readonly timeoutMs: number;
  /** Characters of JSON an answer may have. */
  readonly limit: number;
}

/** Statements that reach outside the database (files, libraries, other databases): refused whatever the engine allows. */
const OUTSIDE = /^(attach|detach|vacuum|copy|load)\b/i;

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

function tool(name: string, title: string, description: string, inputSchema: JsonSchema, call: (args: Args, signal?: AbortSignal) => Promise<Answer>): ToolHandler {
  return { definition: { name, title, description, inputSchema, annotations: { title, ...READ_ONLY } }, call };
}

const NO_ARGS: JsonSchema = { type: "object", properties: {}, additionalProperties: false };

/** The relations of the database and their columns, for the SQL tool's description. */
async function describeSchema(runner: SqlRunner, dialect: Dialect): Promise<string> {
  const sql =
    dialect === "sqlite"
      ? "SELECT m.name AS relation, m.type AS kind, group_concat(p.name, ', ') AS columns FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%' GROUP BY m.name, m.type ORDER BY m.type, m.name"
      : "SELECT c.table_name AS relation, t.table_type AS kind, string_agg(c.column_name, ', ' ORDER BY c.ordinal_position) AS columns FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name WHERE c.table_schema = ANY (current_schemas(false)) GROUP BY c.table_name, t.table_type ORDER BY t.table_type, c.table_name";
  const rows = await runner.query(sql);
  return rows.map((r) => `${String(r.relation)}${/view/i.test(String(r.kind)) ? " (view)" : ""}: ${String(r.columns)}`).join("\n");
}

export interface DbTools {
  readonly dialect: Dialect;
  readonly tools: ToolHandler[];
  close(): Promise<void>;
}

export async function dbTools(url: string, options: DbToolOptions): Promise<DbTools> {
  const runner = new SqlRunner(url, { timeoutMs: options.timeoutMs });
  let dialect: Dialect;
  let schema: string;
  try {
    dialect = await runner.start();
    schema = await describeSchema(runner, dialect);
  } catch (err) {
    await runner.close();
    throw err;
  }

  const run = async (text: string, maxRows: number, signal?: AbortSignal): Promise<Answer> => {
    const statement = checkStatement(text);
    if (OUTSIDE.test(statement.text.trimStart())) throw new SqlStatementError(`${statement.text.trimStart().split(/\s/)[0]!.toUpperCase()} is not accepted: the SQL tool only reads the export database`);
    const rows = await runner.query(limited(statement, maxRows), signal).catch((err: unknown) => {
      // better-sqlite3 will not run a statement that returns no rows through all(); say what that means here.
      if (err instanceof Error && /does not return data/.test(err.message)) throw new SqlStatementError(`${err.message.replace(/\.?\s*Use run\(\) instead\.?/, "")}: the SQL tool only runs queries`);
      throw err;
    });
    const truncated = rows.length > maxRows;
    const shown = truncated ? rows.slice(0, maxRows) : rows;
    return answerOf({ rows: shown, rowCount: shown.length, ...(truncated ? { truncated: true, note: `more than ${maxRows} rows: only the first ${maxRows} are shown; add ORDER BY / LIMIT / OFFSET or aggregate` } : {}) }, options.limit);
  };

  const asked = async (sql: string, signal?: AbortSignal): Promise<Answer> => {
    const answer = await run(sql, options.maxRows, signal);
    // The SQL goes with the answer, as in the report: the figures can be checked and rerun.
    const parsed = JSON.parse(answer.text) as Record<string, unknown>;
    return { ...answer, text: JSON.stringify({ ...parsed, sql }) };
  };
  const context = (since?: string): QueryContext => ({ dialect, asOf: normalizeTime(new Date(), "asOf"), since: since === undefined ? undefined : normalizeTime(since, "since") });

  const tools: ToolHandler[] = [
    tool(
      "db_query",
      "SQL on the export database (read-only)",
      `Runs one read-only SQL statement (${dialect === "sqlite" ? "SQLite" : "PostgreSQL"}) on the qualys export database and answers its rows as JSON: at most ${options.maxRows} rows (maxRows lowers it), stopped after ${options.timeoutMs} ms. Writes are refused by the database itself. Open detections are those with status New, Active or Re-Opened on hosts not removed (view open_detections); severity 5 is the most severe; times are UTC.\n\nRelations and columns:\n${schema}`,
      {
        type: "object",
        properties: {
          sql: { type: "string", description: "One SQL statement, e.g. SELECT … FROM open_detections …" },
          maxRows: { type: "integer", minimum: 1, maximum: options.maxRows, description: `Most rows to answer (default and at most ${options.maxRows}).` },
        },
        required: ["sql"],
        additionalProperties: false,
      },
      (args, signal) => run(args.sql as string, (args.maxRows as number | undefined) ?? options.maxRows, signal),
    ),
    tool("db_open_detections_by_severity", bySeverity.title, `${bySeverity.intro(context())} The SQL of the report's "${bySeverity.title}" section.`, NO_ARGS, (_args, signal) => asked(bySeverity.sql(context()), signal)),
    tool("db_top_qids", topQids.title, `${topQids.intro(context())} The SQL of the report's "${topQids.title}" section.`, NO_ARGS, (_args, signal) => asked(topQids.sql(context()), signal)),
    tool(
      "db_time_to_fix",
      timeToFix.title,
      `${timeToFix.intro(context())} The SQL of the report's "${timeToFix.title}" section; \`since\` counts only fixes from that date on.`,
      { type: "object", properties: { since: { type: "string", description: "Only fixes on or after this date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)." } }, additionalProperties: false },
      (args, signal) => asked(timeToFix.sql(context(args.since as string | undefined)), signal),
    ),
    // The other modules' questions (their tables exist once `qualys export` wrote those kinds).
    ...(
      [
        ["db_pc_pass_rate", pcPassRate],
        ["db_was_findings_by_severity", wasBySeverity],
        ["db_assets_by_os", assetsByOs],
      ] as const
    ).map(([name, section]) =>
      tool(name, section.title, `${section.intro(context())} The SQL of the report's "${section.title}" section. ${section.empty ?? ""}`.trim(), NO_ARGS, (_args, signal) => asked(section.sql(context()), signal)),
    ),
    tool(
      "db_host_open_detections",
      "A host's open detections",
      "The open detections of one host (by host_id or IP address), most severe first, with their KnowledgeBase titles.",
      {
        type: "object",
        properties: {
          host_id: { type: "integer", minimum: 1, description: "The Qualys host ID." },
          ip: { type: "string", description: "The host's IPv4 or IPv6 address (instead of host_id)." },
        },
        additionalProperties: false,
      },
      (args, signal) => asked(hostSql(args), signal),
    ),
  ];
  return { dialect, tools, close: () => runner.close() };
}

/** A host's open detections; the host is a validated integer or IP address, so it is written into the SQL as a literal. */
function hostSql(args: Args): string {
  const { host_id: id, ip } = args as { host_id?: number; ip?: string };
  if ((id === undefined) === (ip === undefined)) throw new SqlStatementError("give either host_id or ip");
  if (ip !== undefined && !isIP(ip)) throw new SqlStatementError(`ip "${ip}" is not an IPv4 or IPv6 address`);
  const which = id !== undefined ? `o.host_id = ${Math.trunc(id)}` : `o.host_id IN (SELECT host_id FROM hosts WHERE ip = '${ip}' OR ipv6 = '${ip}')`;
  return [
    "SELECT o.host_id, o.qid, k.title, o.severity, o.status, o.type, o.port, o.protocol, o.first_found_datetime, o.last_found_datetime",
    "FROM open_detections o LEFT JOIN kb_vulns k ON k.qid = o.qid",
    `WHERE ${which}`,
    "ORDER BY o.severity DESC, o.qid, o.port",
  ].join("\n");
}
