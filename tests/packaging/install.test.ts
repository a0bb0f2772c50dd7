/**
 * What users install. The tarballs `npm pack` makes of qualys-ts and of packages/cli go into empty
 * projects with `npm install --omit=dev`, as `npm install qualys-ts` and `npx qualys-ts-cli` (or
 * `npm install -g qualys-ts-cli`: the same tree under the global prefix) would put them:
 * - the SDK alone: no install script, nothing native, within its budget; every entry point
 *   imports, the client's types check without any optional package, and each optional package a
 *   feature needs is a one-line error naming it;
 * - the CLI: `qualys export` into SQLite, then `qualys report` on it, with nothing else installed
 *   where Node has node:sqlite.
 * One install each. Resolution is pinned to what the registry had at RESOLVE_BEFORE, so the sizes
 * measured here do not move with the registry (move the date on when a pin needs a newer package).
 */
import { spawn, spawnSync } from "node:child_process";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTenant } from "../../src/tenant.js";
import { SECTION_IDS } from "../support/report-check.js";
import { parseReport } from "../support/report-html.js";
import { bin, filesBelow, installedPackages, npm, pack, root, stagePackage, userEnv } from "./stage.js";

const RESOLVE_BEFORE = "2026-12-08T00:00:00Z";
/** What `npm install qualys-ts` may bring: the client and its four dependencies, with room to grow. */
const SDK_BUDGET = { bytes: 10 * 1024 * 1024, packages: 12 };
/** The CLI adds commander, csv-stringify, cli-progress, yaml, vega + vega-lite (most of it), pg, ioredis; not the MCP server (40 MB with it). */
const CLI_BUDGET = { bytes: 35 * 1024 * 1024, packages: 150 };

const rootPkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  version: string;
  exports: Record<string, unknown>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  engines: { node: string };
};
const cliPkg = JSON.parse(readFileSync(join(root, "packages", "cli", "package.json"), "utf8")) as {
  version: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  engines: { node: string };
};

let work = "";
let tarballs: { sdk: string; cli: string };

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "qualys-ts-install-"));
  const staged = stagePackage(join(work, "qualys-ts"));
  tarballs = { sdk: pack(staged, join(work, "packs")), cli: pack(join(root, "packages", "cli"), join(work, "packs")) };
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** An empty project with these tarballs installed as a user would (production dependencies only). */
function installInto(name: string, packs: string[]): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `${name}-user`, version: "1.0.0", private: true, type: "module" }));
  npm(["install", "--omit=dev", "--no-audit", "--no-fund", "--engine-strict", `--before=${RESOLVE_BEFORE}`, ...packs], dir);
  return dir;
}

/** Packages, bytes, install scripts and addons of an install; the figures are printed for the README. */
function measure(label: string, dir: string) {
  const packages = installedPackages(join(dir, "node_modules"));
  const { bytes, addons } = filesBelow(join(dir, "node_modules"));
  console.log(`${label}: ${packages.length} packages, ${(bytes / 1024 / 1024).toFixed(1)} MB in node_modules`);
  return { packages, bytes, addons, scripts: packages.filter((p) => p.installScripts.length).map((p) => `${p.name}@${p.version}: ${p.installScripts.join(", ")}`) };
}

describe("the CLI package's manifest", () => {
  it("is qualys-ts at the same version with exactly the optional packages the CLI loads, pinned as this repo tests them", () => {
    expect(cliPkg.version).toBe(rootPkg.version);
    expect(cliPkg.engines).toEqual(rootPkg.engines);
    expect(cliPkg.bin).toEqual({ qualys: "./bin/qualys.js" });
    const { "qualys-ts": sdk, ...brought } = cliPkg.dependencies;
    expect(sdk).toBe(rootPkg.version);
    // Each is an optional peer of qualys-ts (so npm places it where qualys-ts resolves it), at the version the tests ran.
    for (const [name, version] of Object.entries(brought)) {
      expect(rootPkg.peerDependenciesMeta[name]?.optional, name).toBe(true);
      expect(rootPkg.devDependencies[name], name).toBe(version);
    }
    // Nothing native: SQLite is node:sqlite, or better-sqlite3 added by hand on Node 20.
    expect(Object.keys(brought)).not.toContain("better-sqlite3");
    // Nor the MCP server (the CLI's install would be 40 MB with it): `qualys mcp` names it, and it is installed beside the CLI.
    expect(Object.keys(brought)).not.toContain("@modelcontextprotocol/server");
    expect(rootPkg.peerDependenciesMeta["@modelcontextprotocol/server"]?.optional).toBe(true);
    // And the SDK's own dependencies are only the client's.
    expect(Object.keys(rootPkg.dependencies).sort()).toEqual(["@streamparser/json", "fflate", "openapi-fetch", "saxes", "undici"]);
  });
});

describe("npm install qualys-ts (the SDK alone)", () => {
  let project = "";
  beforeAll(() => {
    project = installInto("sdk", [tarballs.sdk]);
  }, 180_000);

  it("runs no install script, builds nothing native, and stays within its budget", () => {
    const m = measure("SDK install", project);
    expect(m.scripts).toEqual([]);
    expect(m.addons).toEqual([]);
    expect(m.packages.map((p) => p.name)).not.toContain("better-sqlite3");
    expect(m.packages.length).toBeLessThanOrEqual(SDK_BUDGET.packages);
    expect(m.bytes).toBeLessThanOrEqual(SDK_BUDGET.bytes);
  });

  it("imports every entry point; each optional package a feature needs is a one-line error naming it", () => {
    const entries = Object.keys(rootPkg.exports).filter((e) => e !== "./package.json");
    const script = `
      const entries = ${JSON.stringify(entries)};
      const imported = {};
      for (const entry of entries) imported[entry] = Object.keys(await import("qualys-ts" + entry.slice(1))).length > 0;
      const failure = async (run) => {
        try { await run(); return "succeeded"; } catch (e) { return { name: e.name, packageName: e.packageName, message: e.message }; }
      };
      const { buildReport } = await import("qualys-ts/report");
      const { redisStore } = await import("qualys-ts/redis");
      const { startQualysMock } = await import("qualys-ts/mock");
      const cli = await import("qualys-ts/cli");
      const store = redisStore({ url: "redis://127.0.0.1:9", subscription: { platform: "p", user: "u" }, onUnavailable: "local" });
      console.log(JSON.stringify({
        imported,
        report: await failure(() => buildReport({ db: "sqlite::memory:" })),
        redis: await failure(() => store.tryAcquire("vm:/api/2.0/fo/scan/", Date.now())),
        mock: await failure(() => startQualysMock({ modules: ["vm"] })),
        cli: await failure(() => cli.main(["--help"])),
      }));`;
    writeFileSync(join(project, "probe.mjs"), script);
    const run = spawnSync(process.execPath, ["probe.mjs"], { cwd: project, env: userEnv(), encoding: "utf8" });
    expect(run.stderr).toBe("");
    const out = JSON.parse(run.stdout) as Record<string, unknown> & { imported: Record<string, boolean> };
    expect(out.imported).toEqual(Object.fromEntries(entries.map((e) => [e, true])));
    const missing = (packageName: string, purpose: RegExp) => ({
      name: "MissingDependencyError",
      packageName,
      message: expect.stringMatching(new RegExp(`^${purpose.source} needs the package "${packageName}", which is not installed: npm install ${packageName}$`)),
    });
    expect(out.report).toEqual(missing("vega", /The report's chart engine/));
    // Not an outage that the in-memory fallback would paper over: the missing package is the error.
    expect(out.redis).toEqual(missing("ioredis", /The Redis rate-limit store .*/));
    expect(out.mock).toEqual(missing("yaml", /qualys-ts\/mock .*/));
    expect(out.cli).toEqual(missing("commander", /The qualys command/));
  });

  it("the CLI's bin, run from the SDK alone, says in one line what to install", () => {
    const run = spawnSync(process.execPath, [join(project, "node_modules", "qualys-ts", "dist", "src", "cli", "bin.js"), "--help"], { cwd: project, env: userEnv(), encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^qualys: The qualys command needs the package "commander", which is not installed: npm install commander \(or install qualys-ts-cli, [^\n]*\)\n$/);
  });

  it("type-checks a client user's code without any optional package or their types", () => {
    writeFileSync(
      join(project, "consumer.ts"),
      `import { createQualysClient, type QualysClient } from "qualys-ts";
import { createAuthClient } from "qualys-ts/auth";
import { createCarClient } from "qualys-ts/car";
import { createCsamClient } from "qualys-ts/csam";
import { createEtmClient } from "qualys-ts/etm";
import { RateLimitError } from "qualys-ts/errors";
import { createQflowClient } from "qualys-ts/qflow";
import { createSaasdrClient } from "qualys-ts/saasdr";
import { createVmClient } from "qualys-ts/vm";
import { createWasClient } from "qualys-ts/was";
export const factories = [createAuthClient, createCarClient, createCsamClient, createEtmClient, createQflowClient, createSaasdrClient, createVmClient, createWasClient];
export async function hosts(): Promise<number> {
  const qualys: QualysClient = createQualysClient({ platform: "US2", credentials: { username: "u", password: "p" } });
  let n = 0;
  try {
    for await (const host of qualys.vm.listHostDetections({ truncation_limit: 100 })) n += host.detectionList?.length ?? 0;
  } catch (err) {
    if (!(err instanceof RateLimitError)) throw err;
  }
  return n;
}
`,
    );
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          lib: ["ES2023", "DOM"],
          types: ["node"],
          // Only Node's own types come from the repo; everything else resolves in the user's project.
          typeRoots: [join(root, "node_modules", "@types")],
        },
        files: ["consumer.ts"],
      }),
    );
    const check = spawnSync(bin("tsc"), ["-p", join(project, "tsconfig.json")], { cwd: project, encoding: "utf8" });
    expect(check.stdout + check.stderr).toBe("");
    expect(check.status).toBe(0);
  }, 120_000);
});

describe("npx qualys-ts-cli / npm install -g qualys-ts-cli (the CLI)", () => {
  let project = "";
  beforeAll(() => {
    project = installInto("cli", [tarballs.sdk, tarballs.cli]);
  }, 180_000);

  it("runs no install script, builds nothing native, and stays within its budget", () => {
    const m = measure("CLI install", project);
    expect(m.scripts).toEqual([]);
    expect(m.addons).toEqual([]);
    expect(m.packages.map((p) => p.name)).not.toContain("better-sqlite3");
    expect(m.packages.length).toBeLessThanOrEqual(CLI_BUDGET.packages);
    expect(m.bytes).toBeLessThanOrEqual(CLI_BUDGET.bytes);
  });

  it("exports a subscription into SQLite with `qualys export`, then writes `qualys report` from it", async () => {
    const tenant = await startTenant({ hosts: 150, detectionsPerHost: 4, kbSize: 60, seed: 4 });
    try {
      const home = mkdtempSync(join(work, "home-"));
      const env = {
        ...Object.fromEntries(Object.entries(userEnv()).filter(([k]) => !k.startsWith("QUALYS_"))),
        XDG_CONFIG_HOME: home,
        QUALYS_USERNAME: tenant.credentials.username,
        QUALYS_PASSWORD: tenant.credentials.password,
        QUALYS_API_URL: tenant.url,
        QUALYS_GATEWAY_URL: tenant.gatewayUrl,
      } as NodeJS.ProcessEnv;
      const qualys = (...args: string[]) => run(join(project, "node_modules", ".bin", "qualys"), args, project, env);
      const db = `sqlite:${join(project, "qualys.db")}`;

      if (!builtinSqlite(project)) {
        // Node 20 (or a qualys-ts whose database layer has no node:sqlite engine yet): SQLite needs
        // better-sqlite3, which the CLI does not bring. Without it: one line saying so, nothing else.
        const without = await qualys("export", "--db", db);
        expect(without.code).toBe(1);
        expect(without.stderr).toMatch(/^qualys: [^\n]*better-sqlite3[^\n]*\n$/);
        // As `npm install better-sqlite3` would (the checkout's copy, built for this Node).
        symlinkSync(join(root, "node_modules", "better-sqlite3"), join(project, "node_modules", "better-sqlite3"), "dir");
      }

      const exported = await qualys("export", "--db", db);
      expect(exported.stderr).toBe("");
      expect(exported.code).toBe(0);
      expect(exported.stdout).toMatch(/^export run 1 \(full\): 150 hosts, [\d,]+ detections, 60 QIDs, [\d,]+ PC postures, 165 assets, 10 web apps, [\d,]+ WAS findings in /);

      const out = join(project, "report.html");
      const report = await qualys("report", "--db", db, "-o", out);
      expect(report.code).toBe(0);
      expect(report.stderr).toMatch(new RegExp(`^qualys report: wrote .*report\\.html \\(${SECTION_IDS.length} sections, [\\d,]+ open detections, `));
      const sections = parseReport(readFileSync(out, "utf8"));
      const summary = sections.get("summary")!;
      expect(summary.rows[0]![summary.columns.indexOf("active_hosts")]).toBe("150");
      // vega, found from inside qualys-ts where npm placed it for the CLI package, drew the charts.
      expect([...sections.values()].filter((s) => s.svg).length).toBeGreaterThan(0);
    } finally {
      await tenant.close();
    }
  }, 180_000);

  it("`qualys mcp` says in one line what to install: the CLI does not bring the MCP server", async () => {
    const out = await run(join(project, "node_modules", ".bin", "qualys"), ["mcp", "--db-only", "--db", "sqlite::memory:"], project, userEnv());
    expect(out.code).toBe(1);
    expect(out.stdout).toBe("");
    expect(out.stderr).toMatch(/^qualys: `qualys mcp` needs the package "@modelcontextprotocol\/server", which is not installed: npm install @modelcontextprotocol\/server \(with a global qualys-ts-cli: npm install -g @modelcontextprotocol\/server; with npx: npx -y -p qualys-ts-cli -p @modelcontextprotocol\/server qualys mcp\)\n$/);
  });
});

describe("qualys-ts-cli with @modelcontextprotocol/server beside it (qualys mcp)", () => {
  let project = "";
  beforeAll(() => {
    project = installInto("cli-mcp", [tarballs.sdk, tarballs.cli, `@modelcontextprotocol/server@${rootPkg.devDependencies["@modelcontextprotocol/server"]}`]);
  }, 180_000);

  it("adds the server, its protocol core and zod, and nothing native", () => {
    const m = measure("CLI + MCP server install", project);
    expect(m.scripts).toEqual([]);
    expect(m.addons).toEqual([]);
    expect(m.packages.map((p) => p.name)).toEqual(expect.arrayContaining(["@modelcontextprotocol/server", "@modelcontextprotocol/core", "zod"]));
  });

  it("serves the tools over stdio to an MCP client, answering from a subscription", async () => {
    const tenant = await startTenant({ hosts: 20, detectionsPerHost: 2, kbSize: 20, seed: 8 });
    const env = {
      ...Object.fromEntries(Object.entries(userEnv()).filter((e): e is [string, string] => !e[0].startsWith("QUALYS_") && e[1] !== undefined)),
      XDG_CONFIG_HOME: mkdtempSync(join(work, "home-")),
      QUALYS_USERNAME: tenant.credentials.username,
      QUALYS_PASSWORD: tenant.credentials.password,
      QUALYS_API_URL: tenant.url,
      QUALYS_GATEWAY_URL: tenant.gatewayUrl,
    };
    const client = new Client({ name: "install-test", version: "0" });
    try {
      await client.connect(new StdioClientTransport({ command: join(project, "node_modules", ".bin", "qualys"), args: ["mcp", "--modules", "vm"], cwd: project, env, stderr: "ignore" }));
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain("vm_listHosts");
      const result = await client.callTool({ name: "vm_listHosts", arguments: {} });
      expect(result.isError).toBeFalsy();
      const page = JSON.parse((result.content as { text: string }[])[0]!.text) as { items: unknown[]; last?: boolean };
      expect(page.items).toHaveLength(20);
      expect(page.last).toBe(true);
    } finally {
      await client.close();
      await tenant.close();
    }
  }, 120_000);
});

/**
 * Whether the installed qualys-ts runs SQLite on Node's own node:sqlite here: Node 22.13 or later
 * (unflagged there) and a database layer that has the engine.
 */
function builtinSqlite(project: string): boolean {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  const nodeHasIt = major > 22 || (major === 22 && minor >= 13);
  const dist = join(project, "node_modules", "qualys-ts", "dist", "src", "db");
  const layerHasIt = readdirSync(dist, { recursive: true, encoding: "utf8" }).some((f) => f.endsWith(".js") && readFileSync(join(dist, f), "utf8").includes("node:sqlite"));
  return nodeHasIt && layerHasIt;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Asynchronous: the tenant answering the CLI runs in this process.
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
