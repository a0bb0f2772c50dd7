/**
 * The MCP server's small parts on their own: the single-statement check, cursors, the size
 * fitting of answers, and the selection of tools from the generated table.
 */
import { describe, expect, it } from "vitest";
import { mcpTools } from "../../src/generated/mcp-tools.js";
import { selectTools } from "../../src/mcp/api-tools.js";
import { CursorError, decodeCursor, encodeCursor, resumeArgs } from "../../src/mcp/cursor.js";
import { checkStatement, limited, SqlStatementError } from "../../src/mcp/db/statement.js";
import { fitJson } from "../../src/mcp/json-fit.js";
import { listingAnswer } from "../../src/mcp/listing.js";
import { argumentChecks, validationSchema } from "../../src/mcp/schema-check.js";

describe("checkStatement", () => {
  it("takes one statement, with its trailing semicolons and comments dropped", () => {
    expect(checkStatement("SELECT 1;")).toEqual({ text: "SELECT 1", query: true });
    expect(checkStatement("  select 1 ;; -- done\n/* really */ ")).toEqual({ text: "  select 1", query: true });
    expect(checkStatement("SELECT ';' AS a, \"x;y\" FROM t -- ; here\nWHERE b = 'it''s;'").text).toContain("WHERE b = 'it''s;'");
    expect(checkStatement("/* a /* nested */ comment; */ WITH x AS (SELECT 1) SELECT * FROM x").query).toBe(true);
    expect(checkStatement("(SELECT 1)").query).toBe(true);
    expect(checkStatement("DELETE FROM hosts").query).toBe(false);
    expect(checkStatement("-- SELECT\nDELETE FROM hosts").query).toBe(false);
    expect(checkStatement("PRAGMA table_info(hosts)").query).toBe(false);
  });

  it.each([
    ["SELECT 1; SELECT 2", /only one statement/],
    ["SELECT 1; 'x'", /only one statement/],
    ["SELECT 1 /* ; */; COMMIT", /only one statement/],
    ["SELECT 'unterminated", /unterminated string/],
    ['SELECT "x', /unterminated quoted identifier/],
    ["SELECT 1 /* open", /unterminated \/\* comment/],
    ["SELECT 'a\\'; DELETE FROM t; --'", /backslashes inside string literals/],
    ["SELECT $$;$$", /`\$` outside a string literal/],
    ["SELECT $1", /`\$` outside a string literal/],
    ["   ", /give one SQL statement/],
    [";", /give one SQL statement/],
  ])("refuses %j", (sql, why) => {
    expect(() => checkStatement(sql)).toThrow(SqlStatementError);
    expect(() => checkStatement(sql)).toThrow(why);
  });

  it("limits a query inside the engine, and leaves other statements as they are", () => {
    expect(limited(checkStatement("SELECT * FROM t -- note"), 10)).toBe("SELECT * FROM (\nSELECT * FROM t -- note\n) AS q LIMIT 11");
    expect(limited(checkStatement("DELETE FROM t"), 10)).toBe("DELETE FROM t");
  });
});

describe("cursors", () => {
  const start = { body: { filter: "x", pageSize: 10 } };
  const next = { body: { filter: "x", pageSize: 10, pageNumber: 1 } };

  it("round-trip, opaque, and bound to their tool", () => {
    const text = encodeCursor("car_searchJobsV1", { start, next, skip: 3 });
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor("car_searchJobsV1", text)).toEqual({ start, next, skip: 3 });
    expect(() => decodeCursor("car_searchJobs", text)).toThrow(/belongs to car_searchJobsV1, not car_searchJobs/);
    expect(() => decodeCursor("car_searchJobsV1", "not a cursor!")).toThrow(CursorError);
    expect(() => decodeCursor("car_searchJobsV1", Buffer.from('{"v":1,"t":"car_searchJobsV1","a":{},"n":[]}').toString("base64url"))).toThrow(/not one this server issued/);
    expect(() => decodeCursor("car_searchJobsV1", Buffer.from('{"v":1,"t":"car_searchJobsV1","a":{},"n":{},"s":-1}').toString("base64url"))).toThrow(/damaged/);
  });

  it("resume with the cursor's arguments; the starting arguments may be repeated, others not", () => {
    const cursor = encodeCursor("t", { start, next, skip: 0 });
    expect(resumeArgs("t", { cursor }).args).toEqual(next);
    expect(resumeArgs("t", { ...start, cursor }).args).toEqual(next);
    expect(() => resumeArgs("t", { body: { filter: "y" }, cursor })).toThrow(/body differs/);
    expect(resumeArgs("t", { body: 1 })).toEqual({ args: { body: 1 } });
  });
});

describe("fitJson", () => {
  it("keeps what fits whole, and cuts the biggest parts first, saying where", () => {
    const value = { id: 7, list: Array.from({ length: 200 }, (_, i) => ({ i, text: "x".repeat(40) })), title: "t" };
    expect(fitJson(value, 1e6)).toEqual({ text: JSON.stringify(value), cuts: [] });
    const fitted = fitJson(value, 2000);
    expect(fitted.text.length).toBeLessThanOrEqual(2000);
    const back = JSON.parse(fitted.text) as typeof value;
    expect(back.id).toBe(7);
    expect(back.title).toBe("t");
    expect(back.list).toEqual(value.list.slice(0, back.list.length));
    expect(fitted.cuts).toEqual([`$.list: ${back.list.length} of 200 items kept`]);
    const long = fitJson({ report: "y".repeat(5000) }, 500);
    expect(long.text.length).toBeLessThanOrEqual(500);
    expect(long.cuts[0]).toMatch(/^\$\.report: text cut to \d+ of 5000 characters$/);
    expect(fitJson({ n: 12n }, 100).text).toBe('{"n":"12"}');
  });
});

describe("listingAnswer", () => {
  const items = Array.from({ length: 30 }, (_, i) => ({ id: i + 1, name: "n".repeat(50) }));

  it("ends with last: true, or a cursor to the next page", () => {
    expect(JSON.parse(listingAnswer("t", {}, { items, pageArgs: {}, skipped: 0 }, 1e6).text)).toEqual({ items, count: 30, last: true });
    const more = listingAnswer("t", { a: 1 }, { items, total: 99, pageArgs: { a: 1 }, nextArgs: { a: 1, page: 2 }, skipped: 0 }, 1e6);
    expect(decodeCursor("t", more.cursor)).toEqual({ start: { a: 1 }, next: { a: 1, page: 2 }, skip: 0 });
    expect(JSON.parse(more.text)).toMatchObject({ count: 30, total: 99 });
  });

  it("cut to the limit: the cursor asks for the same page again past the records shown", () => {
    const cut = listingAnswer("t", { a: 1 }, { items: items.slice(4), pageArgs: { a: 1, page: 3 }, nextArgs: { a: 1, page: 4 }, skipped: 4 }, 1500);
    expect(cut.text.length).toBeLessThanOrEqual(1500);
    expect(cut.shown).toBeGreaterThan(0);
    expect(cut.shown).toBeLessThan(26);
    expect(decodeCursor("t", cut.cursor)).toEqual({ start: { a: 1 }, next: { a: 1, page: 3 }, skip: 4 + cut.shown });
    expect(JSON.parse(cut.text).note).toMatch(/continues after the 4 records shown before; \d+ of this page's 26 remaining records shown/);
    const final = listingAnswer("t", {}, { items, pageArgs: {}, skipped: 0, resumable: false }, 1500);
    expect(final.cursor).toBeUndefined();
    expect(JSON.parse(final.text).note).toMatch(/does not page: narrow the request/);
  });
});

describe("the generated tool table", () => {
  it("lists reads only unless writes are allowed, and only the modules asked for", () => {
    const reads = selectTools({});
    expect(reads.every((t) => t.read)).toBe(true);
    expect(selectTools({ allowWrites: true })).toHaveLength(mcpTools.length);
    expect(selectTools({ modules: ["etm"] }).map((t) => t.name)).toEqual(mcpTools.filter((t) => t.module === "etm" && t.read).map((t) => t.name));
    expect(() => selectTools({ modules: ["etm", "xyz"] })).toThrow(/unknown module xyz/);
    // Writes need confirm; paged tools take a cursor; the auth endpoints are not tools.
    for (const t of mcpTools) {
      const properties = t.inputSchema.properties as Record<string, unknown>;
      expect("confirm" in properties, t.name).toBe(!t.read);
      expect("cursor" in properties, t.name).toBe(t.paging !== undefined);
    }
    expect(mcpTools.some((t) => t.module === "auth" || t.name === "vm_sessionLogin")).toBe(false);
  });

  it("compiles every tool's input schema in the server's validator, and names what is wrong", () => {
    const checks = argumentChecks();
    for (const tool of mcpTools) expect(() => checks(tool), tool.name).not.toThrow();
    const hosts = checks(mcpTools.find((t) => t.name === "vm_listHosts")!);
    expect(hosts({ truncation_limit: 10 })).toMatchObject({ valid: true });
    expect(hosts({ truncation_limit: "many" }).errorMessage).toMatch(/truncation_limit must be integer/);
    // int64 is no JSON Schema format: left out of the check, the value is Qualys's to judge.
    const posture = checks(mcpTools.find((t) => t.name === "pcrs_getPostureInfo")!);
    expect(posture({ body: [{ policyId: 4677689, hostIds: ["1", 2] }] })).toMatchObject({ valid: true });
    expect(posture({ body: [{ policyId: "x", hostIds: [] }] }).valid).toBe(false);
  });

  it("checks arguments without format keywords, and keeps a parameter named format", () => {
    const schema = { type: "object", properties: { format: { type: "string", format: "date" }, when: { type: "string", format: "int64" } }, required: ["format"] };
    expect(validationSchema(schema)).toEqual({ type: "object", properties: { format: { type: "string" }, when: { type: "string" } }, required: ["format"] });
  });
});

describe("loading", () => {
  it("keeps the MCP SDK inside src/mcp, which only the CLI command loads, with a dynamic import", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const { join, relative } = await import("node:path");
    const src = join(import.meta.dirname, "..", "..", "src");
    const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts")).map((f) => join(src, f));
    const offenders: string[] = [];
    for (const file of files) {
      const rel = relative(src, file);
      if (rel.startsWith("mcp/") || rel.startsWith("generated/")) continue;
      const code = readFileSync(file, "utf8");
      if (/from "@modelcontextprotocol\//.test(code) || /^import[^(]*from "[./]*mcp\//m.test(code)) offenders.push(rel);
    }
    expect(offenders).toEqual([]);
    expect(readFileSync(join(src, "cli", "commands", "mcp.ts"), "utf8")).toMatch(/importOptional\("@modelcontextprotocol\/server", .*import\("\.\.\/\.\.\/mcp\/serve\.js"\)\)/);
  });
});
