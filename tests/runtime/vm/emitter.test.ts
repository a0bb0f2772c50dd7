/** scripts/generate/vm.ts: what it emits from `x-actions`, and the spec mistakes it refuses. */
import { describe, expect, it } from "vitest";
import { emitVmActions } from "../../../scripts/generate/vm.js";

const simpleReturn = { type: "object", xml: { name: "SIMPLE_RETURN" }, properties: {} };

function spec(overrides: { actions?: unknown[]; versions?: unknown; examples?: string[] } = {}) {
  return {
    paths: {
      "/api/5.0/fo/thing/": {
        post: {
          "x-qualys-versions": overrides.versions,
          "x-actions": overrides.actions ?? [
            { action: "list", function: "listThings", params: "#/components/schemas/ListParams", xmlSchema: "#/components/schemas/ThingList", example: "things", idempotent: true, paging: "truncation" },
            { action: "delete", function: "deleteThing", params: "#/components/schemas/DeleteParams", xmlSchema: "#/components/schemas/SimpleReturn", example: "deleted", idempotent: false, paging: "none" },
            { action: "fetch", function: "fetchThing", params: "#/components/schemas/DeleteParams", output: "raw", example: "deleted", idempotent: true, paging: "none" },
          ],
          responses: { "200": { content: { "application/xml": { examples: Object.fromEntries((overrides.examples ?? ["things", "deleted"]).map((n) => [n, { value: "<x/>" }])) } } } },
        },
      },
    },
    components: {
      schemas: {
        ListParams: { type: "object", required: ["action"], properties: { action: { const: "list" } } },
        DeleteParams: { type: "object", required: ["action", "id"], properties: { action: { const: "delete" }, id: { type: "integer" } } },
        SimpleReturn: simpleReturn,
        ThingList: {
          type: "object",
          xml: { name: "THING_LIST_OUTPUT" },
          properties: { response: { type: "object", properties: { things: { type: "array", "x-xml-record": true, items: { $ref: "#/components/schemas/Thing" } } } } },
        },
        Thing: { type: "object", xml: { name: "THING" }, properties: {} },
      },
    },
  };
}

describe("emitVmActions", () => {
  const history = (older: unknown[]) => ({ source: "release notes", older });
  const v2 = { path: "/api/2.0/fo/thing/", "x-end-of-support": "2025-12", "x-end-of-life": "2026-06", source: "notes" };
  const v3 = { path: "/api/3.0/fo/thing/", actions: ["list"], source: "a client", "x-unverified": true, "x-unverified-reason": "no dates found" };

  it("emits the action table, one typed function per action and the client factory", () => {
    const out = emitVmActions(spec({ versions: history([v3, v2]) }) as never, "vmThings");
    // The spec path is the current version; older ones carry their dates (sources stay in the version table).
    expect(out).toContain(
      `  listThings: {"function":"listThings","path":"/api/5.0/fo/thing/","method":"post","action":"list","kind":"form","idempotent":true,"paging":"truncation","output":"records","descriptor":"ThingList","example":"things","version":"5.0","versions":{"2.0":{"path":"/api/2.0/fo/thing/","endOfSupport":"2025-12","endOfLife":"2026-06"},"3.0":{"path":"/api/3.0/fo/thing/"},"5.0":{"path":"/api/5.0/fo/thing/"}}},`,
    );
    // Streams of records for record schemas; Params<> without `action`; only the versions an action has.
    expect(out).toContain(`  listThings(params?: Params<"ListParams">, options?: VmCallOptions<"2.0" | "3.0" | "5.0">): RecordStream<X.Thing, X.ThingList>;`);
    expect(out).toContain(`  deleteThing(params: Params<"DeleteParams">, options?: VmCallOptions<"2.0" | "5.0">): Promise<X.SimpleReturn>;`);
    // Raw outputs: the Response, or its text or stream when asked.
    expect(out).toContain(`  fetchThing(params: Params<"DeleteParams">, options: VmRawCallOptions<"2.0" | "5.0"> & { as: "text" }): Promise<string>;`);
    expect(out).toContain(`  fetchThing(params: Params<"DeleteParams">, options?: VmRawCallOptions<"2.0" | "5.0"> & { as?: "response" }): Promise<Response>;`);
    expect(out).toContain(`    readonly listThings?: "2.0" | "3.0" | "5.0";`);
    expect(out).toContain(`   * API 5.0 (current); older, selectable with \`apiVersion\`: 2.0 (end of support 2025-12, end of life 2026-06), 3.0.`);
    expect(out).toContain(`export function createVmThingsClient(runtime: Runtime, options: VmThingsClientOptions = {}): VmThingsClient {`);
    expect(out).toContain(`import * as descriptors from "./xml-descriptors.js";`);
    expect(out).toContain(`import type * as X from "./xml-types.js";`);
  });

  it("is deterministic: the same spec gives the same text, whatever order the versions are listed in", () => {
    const a = emitVmActions(spec({ versions: history([v3, v2]) }) as never, "vm");
    const b = emitVmActions(spec({ versions: history([v2, v3]) }) as never, "vm");
    expect(a).toBe(b);
    expect(emitVmActions(spec() as never, "vm")).toBe(emitVmActions(spec() as never, "vm"));
  });

  it("gives actions without other versions a `never` apiVersion", () => {
    const out = emitVmActions(spec() as never, "vm");
    expect(out).toContain(`options?: VmCallOptions<never>): Promise<X.SimpleReturn>;`);
    expect(out).not.toContain(`"versions"`);
  });

  const mistakes: [string, Parameters<typeof spec>[0], RegExp][] = [
    ["an example the operation does not have", { examples: ["things"] }, /deleteThing: example "deleted" is not a named response example/],
    ["a function defined twice", { actions: [
      { action: "list", function: "listThings", params: "#/components/schemas/ListParams", xmlSchema: "#/components/schemas/ThingList", example: "things", idempotent: true, paging: "none" },
      { action: "list", function: "listThings", params: "#/components/schemas/ListParams", xmlSchema: "#/components/schemas/ThingList", example: "things", idempotent: true, paging: "none" },
    ] }, /function listThings is defined twice/],
    ["QPS paging on a form action", { actions: [{ function: "searchThings", params: "#/components/schemas/ListParams", xmlSchema: "#/components/schemas/ThingList", example: "things", idempotent: true, paging: "qps" }] }, /qps paging needs kind: qps/],
    ["no decoded schema and no raw output", { actions: [{ action: "list", function: "listThings", params: "#/components/schemas/ListParams", example: "things", idempotent: true, paging: "none" }] }, /needs an xmlSchema, or output: raw/],
    ["a params pointer that is not a schema", { actions: [{ action: "list", function: "listThings", params: "ListParams", xmlSchema: "#/components/schemas/ThingList", example: "things", idempotent: true, paging: "none" }] }, /expected a "#\/components\/schemas\/…" pointer/],
    ["the old list form of x-qualys-versions", { versions: ["/api/2.0/fo/thing/"] }, /x-qualys-versions must be \{ source, older: \[\.\.\.\] \}/],
    ["a history without a source", { versions: { older: [] } }, /x-qualys-versions needs a source/],
    ["an older entry without /api/<version>/", { versions: { source: "s", older: [{ path: "/msp/thing.php", source: "s", "x-end-of-life": "2026-06" }] } }, /older\[0\] needs a path with \/api\/<version>\//],
    ["an older entry that is not older", { versions: { source: "s", older: [{ path: "/api/6.0/fo/thing/", source: "s", "x-end-of-life": "2026-06" }] } }, /older\[0\] \(6\.0\) is not older than the operation's own path \(5\.0\): the spec path must be the current version/],
    ["an older entry without a source", { versions: { source: "s", older: [{ path: "/api/2.0/fo/thing/", "x-end-of-life": "2026-06" }] } }, /older\[0\] needs a source/],
    ["a date that is not a month", { versions: { source: "s", older: [{ ...v2, "x-end-of-life": "June 2026" }] } }, /older\[0\] x-end-of-life must be "YYYY-MM"/],
    ["an older entry with no end of life and no reason", { versions: { source: "s", older: [{ path: "/api/2.0/fo/thing/", source: "s" }] } }, /older\[0\] has no x-end-of-life: say why with x-unverified/],
    ["a version named twice", { versions: { source: "s", older: [v2, { ...v2 }] } }, /names version 2\.0 twice/],
  ];
  it.each(mistakes)("refuses %s", (_what, overrides, message) => {
    expect(() => emitVmActions(spec(overrides) as never, "vm")).toThrow(message);
  });

  it("refuses a deprecated VM operation: its path is the default, so it must be current", () => {
    const deprecated = spec();
    (deprecated.paths["/api/5.0/fo/thing/"].post as Record<string, unknown>).deprecated = true;
    expect(() => emitVmActions(deprecated as never, "vm")).toThrow(/a VM operation's path must be the current version; move the retired path into x-qualys-versions\.older/);
  });
});
