/** scripts/generate/vm.ts: what it emits from `x-actions`, and the spec mistakes it refuses. */
import { describe, expect, it } from "vitest";
import { emitVmActions } from "../../../scripts/generate/vm.js";

const simpleReturn = { type: "object", xml: { name: "SIMPLE_RETURN" }, properties: {} };

function spec(overrides: { actions?: unknown[]; versions?: unknown; examples?: string[] } = {}) {
  return {
    paths: {
      "/api/2.0/fo/thing/": {
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
  it("emits the action table, one typed function per action and the client factory", () => {
    const out = emitVmActions(spec({ versions: [{ path: "/api/5.0/fo/thing/", actions: ["list"] }, "/api/3.0/fo/thing/"] }) as never, "vmThings");
    expect(out).toContain(
      `  listThings: {"function":"listThings","path":"/api/2.0/fo/thing/","method":"post","action":"list","kind":"form","idempotent":true,"paging":"truncation","output":"records","descriptor":"ThingList","example":"things","versions":{"2.0":"/api/2.0/fo/thing/","3.0":"/api/3.0/fo/thing/","5.0":"/api/5.0/fo/thing/"}},`,
    );
    // Streams of records for record schemas; Params<> without `action`; only the versions an action has.
    expect(out).toContain(`  listThings(params?: Params<"ListParams">, options?: VmCallOptions<"2.0" | "3.0" | "5.0">): RecordStream<X.Thing, X.ThingList>;`);
    expect(out).toContain(`  deleteThing(params: Params<"DeleteParams">, options?: VmCallOptions<"2.0" | "3.0">): Promise<X.SimpleReturn>;`);
    // Raw outputs: the Response, or its text or stream when asked.
    expect(out).toContain(`  fetchThing(params: Params<"DeleteParams">, options: VmRawCallOptions<"2.0" | "3.0"> & { as: "text" }): Promise<string>;`);
    expect(out).toContain(`  fetchThing(params: Params<"DeleteParams">, options?: VmRawCallOptions<"2.0" | "3.0"> & { as?: "response" }): Promise<Response>;`);
    expect(out).toContain(`    readonly listThings?: "2.0" | "3.0" | "5.0";`);
    expect(out).toContain(`export function createVmThingsClient(runtime: Runtime, options: VmThingsClientOptions = {}): VmThingsClient {`);
    expect(out).toContain(`import * as descriptors from "./xml-descriptors.js";`);
    expect(out).toContain(`import type * as X from "./xml-types.js";`);
  });

  it("is deterministic: the same spec gives the same text, whatever order the versions are listed in", () => {
    const a = emitVmActions(spec({ versions: ["/api/3.0/fo/thing/", "/api/5.0/fo/thing/"] }) as never, "vm");
    const b = emitVmActions(spec({ versions: ["/api/5.0/fo/thing/", "/api/3.0/fo/thing/"] }) as never, "vm");
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
    ["a version entry without /api/<version>/", { versions: ["/msp/thing.php"] }, /x-qualys-versions entry "\/msp\/thing.php" has no \/api\/<version>\/ path/],
  ];
  it.each(mistakes)("refuses %s", (_what, overrides, message) => {
    expect(() => emitVmActions(spec(overrides) as never, "vm")).toThrow(message);
  });
});
