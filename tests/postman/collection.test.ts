/**
 * The generated Postman collection: read by Postman's own SDK (postman-collection), one request per
 * spec operation and per VM action, grouped by module, environments for every platform; and one
 * request of each module run by newman against the Prism mocks, the gateway JWT fetched by the
 * collection's pre-request script from the auth mock.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Collection, Item, ItemGroup } from "postman-collection";
import { describe, expect, inject, it } from "vitest";
import { parse } from "yaml";
import { PLATFORMS } from "../../src/runtime/platforms.js";

const root = join(import.meta.dirname, "..", "..");
const json = JSON.parse(readFileSync(join(root, "postman", "qualys-ts.postman_collection.json"), "utf8"));
const modules = readdirSync(join(import.meta.dirname, "..", "..", "specs")).filter((f) => f.endsWith(".yaml")).map((f) => f.replace(/\.yaml$/, "")).sort();

/** Operations (and VM actions) as the specs list them, by module. */
function specOperations(module: string): string[] {
  const doc = parse(readFileSync(join(root, "specs", `${module}.yaml`), "utf8")) as { paths: Record<string, Record<string, { operationId?: string; "x-actions"?: { function: string }[] }>> };
  const out: string[] = [];
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item)) {
      if (typeof op !== "object" || !op?.operationId) continue;
      if (module === "vm") out.push(...(op["x-actions"] ?? []).map((a) => a.function));
      else out.push(op.operationId);
    }
  }
  return out.sort();
}

const folderOf = (collection: Collection, name: string) => collection.items.find((i) => i.name === name, undefined) as ItemGroup<Item>;
const requestsIn = (group: ItemGroup<Item>) => group.items.all() as Item[];
const operationIdOf = (item: Item) => /operationId: `([^`]+)`/.exec(String(item.request.description ?? ""))?.[1];

describe("the Postman collection", () => {
  const collection = new Collection(json);

  it("is a v2.1 collection Postman's SDK reads, one folder per module", () => {
    expect(Collection.isCollection(collection)).toBe(true);
    expect(json.info.schema).toBe("https://schema.getpostman.com/json/collection/v2.1.0/collection.json");
    expect(collection.items.all().map((i) => i.name)).toEqual(modules);
    // The SDK keeps every request through a round trip.
    const again = new Collection(collection.toJSON());
    expect(modules.map((m) => requestsIn(folderOf(again, m)).length)).toEqual(modules.map((m) => requestsIn(folderOf(collection, m)).length));
  });

  it.each(modules)("has every operation of %s (VM: every action) as its own request", (module) => {
    const items = requestsIn(folderOf(collection, module));
    expect(items.map(operationIdOf).sort()).toEqual(specOperations(module));
    for (const item of items) expect(item.request.url.getHost()).toBe(`{{${module}Url}}`);
  });

  it("sends VM actions with Basic auth, X-Requested-With and their action", () => {
    const vm = folderOf(collection, "vm");
    expect(vm.auth?.type).toBe("basic");
    const listScans = requestsIn(vm).find((i) => operationIdOf(i) === "listScans")!;
    expect(listScans.request.headers.get("X-Requested-With")).toBe("{{requestedWith}}");
    expect(listScans.request.method).toBe("POST");
    expect(listScans.request.url.getPath()).toBe("/api/3.0/fo/scan/");
    const form = listScans.request.body!.urlencoded!.all().filter((p) => !p.disabled);
    expect(form.map((p) => [p.key, p.value])).toEqual([["action", "list"]]);
  });

  it("gets the gateway JWT in a collection-level pre-request script, bearer auth everywhere else", () => {
    expect(collection.auth?.type).toBe("bearer");
    const script = collection.events.find((e) => e.listen === "prerequest", undefined)!.script.toSource() as string;
    expect(script).toContain('authUrl + "/auth"');
    expect(script).toContain("pm.collectionVariables.set(\"jwt\"");
    expect(folderOf(collection, "auth").items.all().every((i) => (i as Item).request.auth?.type === "noauth")).toBe(true);
  });

  it("comes with an environment per platform", () => {
    for (const [name, urls] of Object.entries(PLATFORMS)) {
      const env = JSON.parse(readFileSync(join(root, "postman", `${name}.postman_environment.json`), "utf8")) as { name: string; values: { key: string; value: string; type: string }[] };
      const value = (key: string) => env.values.find((v) => v.key === key);
      expect(env.name).toBe(`Qualys ${name}`);
      expect(value("gatewayUrl")?.value).toBe(urls.gatewayUrl);
      expect(value("apiUrl")?.value).toBe("apiUrl" in urls ? urls.apiUrl : "");
      expect(value("password")?.type).toBe("secret");
    }
  });
});

/**
 * Warnings newman's own code raises on some Node lines, each a known upstream issue and none about
 * our collection: matched by code and by the first stack frame (`--trace-deprecation`), so the same
 * warning from anywhere else, or any other line on stderr, still fails the run.
 */
const NEWMAN_OWN_WARNINGS = [
  // Node 24+: newman 6.2.2 (the latest) reads fs.F_OK while copying fs (postmanlabs/newman#3324).
  { code: "DEP0176", frame: "/node_modules/newman/lib/run/secure-fs.js:" },
];

/** stderr without the warnings above (each its header line and its `    at` lines); what remains is ours to explain. */
function unexplained(stderr: string): string {
  const lines = stderr.split(/(?<=\n)/);
  const kept: string[] = [];
  for (let i = 0; i < lines.length; ) {
    const code = /^\(node:\d+\) \[(DEP\d+)\] DeprecationWarning: /.exec(lines[i]!)?.[1];
    let end = i + 1;
    if (code) while (end < lines.length && lines[end]!.startsWith("    at ")) end++;
    const firstFrame = code ? /^ {4}at (?:.* \()?(.+?)\)?\n?$/.exec(lines[i + 1] ?? "")?.[1] : undefined;
    if (!NEWMAN_OWN_WARNINGS.some((w) => w.code === code && firstFrame?.includes(w.frame))) kept.push(...lines.slice(i, end));
    i = end;
  }
  return kept.join("");
}

describe("newman against the Prism mocks", () => {
  it("lets through only newman's own known warnings: the same warning from elsewhere, or anything else, stays", () => {
    const own = "(node:1) [DEP0176] DeprecationWarning: fs.F_OK is deprecated, use fs.constants.F_OK instead\n    at /x/node_modules/newman/lib/run/secure-fs.js:146:92\n    at Array.map (<anonymous>)\n";
    const ours = "(node:1) [DEP0176] DeprecationWarning: fs.F_OK is deprecated, use fs.constants.F_OK instead\n    at Object.<anonymous> (/x/postman/script.js:3:1)\n";
    const other = "(node:1) [DEP0005] DeprecationWarning: Buffer() is deprecated\n    at /x/node_modules/newman/lib/run/secure-fs.js:1:1\n";
    expect(unexplained(own)).toBe("");
    expect(unexplained(own + ours)).toBe(ours);
    expect(unexplained(other + own)).toBe(other);
    expect(unexplained(`${own}error: something broke\n`)).toBe("error: something broke\n");
  });

  const pick: Record<string, string> = { auth: "createToken", car: "listScriptTypes", csam: "countAssets", etm: "listReports", pcrs: "getPolicyList", qflow: "listWorkflows", saasdr: "listControls", vm: "listScans", was: "countWebApps" };

  it("runs one request of each module, the gateway ones with the JWT from the auth mock", () => {
    const urls = inject("prismUrls");
    const trimmed = structuredClone(json) as { item: { name: string; item: { request: { description: string } }[] }[] };
    for (const folder of trimmed.item) folder.item = folder.item.filter((i) => i.request.description.includes(`operationId: \`${pick[folder.name]}\``));
    expect(trimmed.item.map((f) => f.item.length)).toEqual(modules.map(() => 1));
    const dir = mkdtempSync(join(tmpdir(), "qualys-ts-newman-"));
    try {
      const env = {
        name: "prism",
        values: [
          ...modules.map((m) => ({ key: `${m}Url`, value: urls[m], enabled: true })),
          { key: "username", value: "acme_ab12", enabled: true },
          { key: "password", value: "example-password", enabled: true },
        ],
      };
      writeFileSync(join(dir, "collection.json"), JSON.stringify(trimmed));
      writeFileSync(join(dir, "env.json"), JSON.stringify(env));
      const run = spawnSync(process.execPath, ["--trace-deprecation", join(root, "node_modules", "newman", "bin", "newman.js"), "run", "collection.json", "-e", "env.json", "--reporters", "json", "--reporter-json-export", "out.json", "--timeout-request", "20000"], { cwd: dir, encoding: "utf8" });
      expect(unexplained(run.stderr)).toBe("");
      const out = JSON.parse(readFileSync(join(dir, "out.json"), "utf8")) as {
        run: { executions: { id: string; item: { name: string }; request: { url: { path: string[] }; header: { key: string; value: string }[] }; response: { code: number } }[]; failures: unknown[] };
      };
      expect(out.run.failures).toEqual([]);
      // The JSON reporter lists an execution again when its pre-request script sent a request of its own.
      const executions = [...new Map(out.run.executions.map((e) => [e.id, e])).values()];
      expect(executions).toHaveLength(modules.length);
      for (const e of executions) expect(e.response.code, e.item.name).toBeGreaterThanOrEqual(200);
      for (const e of executions) expect(e.response.code, e.item.name).toBeLessThan(300);
      const header = (e: (typeof executions)[number], name: string) => e.request.header.find((h) => h.key.toLowerCase() === name.toLowerCase())?.value;
      const of = (module: string) => executions[modules.indexOf(module)]!;
      const [car, vm, was] = [of("car"), of("vm"), of("was")];
      // The token the auth mock hands out (its spec example), fetched by the pre-request script.
      expect(header(car!, "Authorization")).toBe("Bearer eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJhY21lX2FiMTIiLCJleHAiOjE3MzI0NjQwMDB9.c2lnbmF0dXJl");
      expect(header(vm!, "Authorization")).toBe(`Basic ${Buffer.from("acme_ab12:example-password").toString("base64")}`);
      expect(header(vm!, "X-Requested-With")).toBe("qualys-ts");
      // WAS is a JSON API on the API server: the VM API's Basic auth, not the gateway JWT.
      expect(header(was, "Authorization")).toBe(`Basic ${Buffer.from("acme_ab12:example-password").toString("base64")}`);
      expect(header(was, "X-Requested-With")).toBe("qualys-ts");
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
