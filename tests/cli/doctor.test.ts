/**
 * `qualys doctor` and the CLI's API-version settings: the report on any date (pure), the command
 * against the Prism mocks of the global setup, `--api-versions` / QUALYS_API_VERSIONS / the config
 * file's `apiVersions` checked before anything is sent, and what reaches the wire.
 */
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import type { ClientSetup } from "../../src/client.js";
import { doctorLines, formatDoctorLines } from "../../src/cli/doctor-report.js";
import { vmActions } from "../../src/generated/vm/index.js";
import { cli, localUser, startServer, withEnv, type LocalServer } from "./support.js";

const current = Object.fromEntries(Object.entries(vmActions).flatMap(([name, meta]) => ((meta as { version?: string }).version ? [[name, (meta as { version: string }).version]] : [])));
const setup = (configured: Record<string, string> = {}, over: Partial<ClientSetup> = {}): ClientSetup => ({
  vmAuth: "basic",
  gatewayToken: "/auth",
  vmApiVersions: { ...current, ...configured },
  configuredVmApiVersions: configured,
  ...over,
});
const DAY = (iso: string) => Date.parse(iso);

describe("the doctor's report", () => {
  it("lists every endpoint the SDK calls, current by default, with its auth; APIs the SDK does not call are left out", () => {
    const lines = doctorLines(setup(), DAY("2026-12-07"));
    const byName = Object.fromEntries(lines.map((l) => [l.name, l]));
    expect(byName["vm.listHostDetections"]).toMatchObject({ status: "ok", version: "5.0", call: "POST /api/5.0/fo/asset/host/vm/detection/ action=list", auth: "basic", state: "current", configured: false });
    expect(byName["vm.listVulns"]).toMatchObject({ version: "4.0", call: "POST /api/4.0/fo/knowledge_base/vuln/ action=list" });
    expect(byName["vm.listScans"]).toMatchObject({ version: "3.0", call: "POST /api/3.0/fo/scan/ action=list" });
    expect(byName["car.createScript"]).toMatchObject({ status: "ok", version: "v5", auth: "jwt from /auth" });
    expect(byName["car.createScript"]!.detail).toContain("createScriptV1 (end of support 2025-12 (past), end of life 2026-06 (past)), never a default");
    expect(byName.csam).toMatchObject({ version: "2.0", call: "/rest/2.0/", auth: "jwt from /auth" });
    expect(byName.was).toMatchObject({ version: "3.0", auth: "basic" });
    expect(lines.every((l) => l.status === "ok")).toBe(true);
    // PCRS is in the SDK now: its current calls, JWT like every gateway API.
    expect(byName["pcrs.getPostureInfo"]).toMatchObject({ status: "ok", version: "5.0", auth: "jwt from /auth" });
    expect(byName["pcrs.getPolicyList"]).toMatchObject({ status: "ok", version: "2.0" });
    expect(lines.some((l) => /vmrs|exception/.test(l.call))).toBe(false);
    // One aligned line each.
    const text = formatDoctorLines(lines);
    expect(text).toHaveLength(lines.length);
    // Columns line up: every call starts at the same place.
    expect(new Set(text.map((t, i) => t.indexOf(lines[i]!.call))).size).toBe(1);
  });

  it("marks a configured older version by the day: supported, then past its end of support (warn), then past its end of life", () => {
    const at = (iso: string) => doctorLines(setup({ listVulns: "2.0" }), DAY(iso)).find((l) => l.name === "vm.listVulns")!;
    expect(at("2025-11-30")).toMatchObject({ status: "ok", state: "supported", version: "2.0", configured: true, call: "POST /api/2.0/fo/knowledge_base/vuln/ action=list" });
    expect(at("2025-12-01")).toMatchObject({ status: "warn", state: "end-of-support" });
    expect(at("2026-05-31")).toMatchObject({ status: "warn", state: "end-of-support" });
    expect(at("2026-06-01")).toMatchObject({ status: "end-of-life", state: "end-of-life", detail: "configured; end of support 2025-12 (past), end of life 2026-06 (past); current 4.0" });
    // An older version without a known date is a warning, never ok.
    expect(doctorLines(setup({ listScans: "2.0" }), DAY("2026-12-07")).find((l) => l.name === "vm.listScans")).toMatchObject({ status: "warn", state: "superseded" });
  });

  it("names the gateway token endpoint and the VM auth mode", () => {
    const client = doctorLines(setup({}, { vmAuth: "jwt", gatewayToken: "/auth/oidc" }), DAY("2026-12-07"));
    expect(client.find((l) => l.name === "vm.listHosts")!.auth).toBe("jwt from /auth/oidc");
    expect(client.find((l) => l.name === "qflow")!.auth).toBe("jwt from /auth/oidc");
    expect(doctorLines(setup({}, { vmAuth: "session" })).find((l) => l.name === "vm.listHosts")!.auth).toBe("session");
  });
});

const urls = inject("prismUrls");
const mocked = (body: () => Promise<void>, vars: Record<string, string> = {}) => () => withEnv({ QUALYS_MOCK_URLS: JSON.stringify(urls), ...vars }, body);

describe.skipIf(Object.keys(urls).length === 0)("qualys doctor (Prism)", () => {
  it(
    "prints one line per endpoint and the auth checks, exit 0",
    mocked(async () => {
      const r = await cli(["--mock", "doctor"]);
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split("\n");
      expect(lines[0]).toBe(`API server ${urls.vm}; gateway ${urls.auth}`);
      expect(lines[1]).toBe("auth: VM API jwt (the gateway token); gateway a static token (never renewed)");
      expect(lines.find((l) => l.includes("vm.listHostDetections"))).toMatch(/^ok\s+vm\.listHostDetections\s+5\.0\s+POST \/api\/5\.0\/fo\/asset\/host\/vm\/detection\/ action=list\s+jwt \(static token\)\s+current$/);
      expect(lines.filter((l) => l.startsWith("check"))).toEqual([expect.stringMatching(/^check {2}gateway {2}ok {4}token from /), expect.stringMatching(/^check {2}vm {7}ok {4}http:\/\/127\.0\.0\.1:\d+: portal /)]);
    }),
  );

  it(
    "exits 1 when a configured version is past its end of life, naming it; records with an explicit --format",
    mocked(async () => {
      const r = await cli(["--mock", "--api-versions", "listVulns=2.0,listScans=2.0", "--format", "ndjson", "doctor"]);
      expect(r.code).toBe(1);
      const records = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(records.find((x) => x.name === "vm.listVulns")).toMatchObject({ kind: "endpoint", status: "end-of-life", version: "2.0", configured: true });
      expect(records.find((x) => x.name === "vm.listScans")).toMatchObject({ status: "warn", state: "superseded" });
      expect(records.filter((x) => x.kind === "check")).toEqual([expect.objectContaining({ check: "gateway", ok: true }), expect.objectContaining({ check: "vm", ok: true })]);
      expect(r.stderr).toContain("qualys: vm.listVulns is set to API 2.0, past its end of life: drop the setting");
    }),
  );

  it(
    "reads QUALYS_API_VERSIONS like --api-versions",
    mocked(
      async () => {
        const r = await cli(["--mock", "doctor"]);
        expect(r.code).toBe(1);
        expect(r.stdout).toMatch(/end-of-life\s+vm\.listHostDetections\s+4\.0\s+POST \/api\/4\.0\/fo\/asset\/host\/vm\/detection\//);
      },
      { QUALYS_API_VERSIONS: "listHostDetections=4.0" },
    ),
  );
});

describe("API-version settings of the CLI", () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it.each([
    [["--api-versions", "listVulns=9.0", "vm", "kb"], /listVulns has API versions 2\.0, 3\.0, 4\.0 \(current 4\.0\), not "9\.0"/],
    [["--api-versions", "launchScan=2.0", "vm", "kb"], /"launchScan" is not a VM action with API versions \(those are: listHosts, purgeHosts, listHostDetections, listScans, listReports, listVulns, listPolicies, exportPolicy, listActivityLog\)/],
    [["--api-versions", "listVulns", "vm", "kb"], /"listVulns" is not action=version/],
  ])("refuses %j as a usage error (exit 2) before anything is sent", async (args, said) => {
    server = await startServer((_req, res) => void res.end());
    const r = await withEnv(localUser(server.url), () => cli(args));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(said);
    expect(server.requests).toHaveLength(0);
  });

  it("sends each action to its configured version: the config file's apiVersions, which --api-versions overrides, which a command's --api-version overrides", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/xml" });
      res.end(`<?xml version="1.0" encoding="UTF-8" ?>\n<KNOWLEDGE_BASE_VULN_LIST_OUTPUT><RESPONSE><DATETIME>2026-12-01T00:00:00Z</DATETIME></RESPONSE></KNOWLEDGE_BASE_VULN_LIST_OUTPUT>`);
    });
    const dir = mkdtempSync(join(tmpdir(), "qualys-config-"));
    const config = join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ username: "acme2ab12", password: "Sup3r-Secret!", apiUrl: server.url, gatewayUrl: server.url, apiVersions: { listVulns: "3.0" } }));
    chmodSync(config, 0o600);
    const fromFile = await withEnv({}, () => cli(["--config", config, "vm", "kb"]));
    expect(fromFile.code).toBe(0);
    expect(fromFile.stderr).toContain("vm.listVulns calls Qualys API 3.0 (/api/3.0/fo/knowledge_base/vuln/), past its end of life");
    await withEnv({}, () => cli(["--config", config, "--api-versions", "listVulns=2.0", "vm", "kb"]));
    await withEnv({}, () => cli(["--config", config, "--api-versions", "listVulns=2.0", "vm", "kb", "--api-version", "4.0"]));
    await withEnv(localUser(server.url), () => cli(["vm", "kb"]));
    expect(server.requests.map((r) => r.path)).toEqual(["/api/3.0/fo/knowledge_base/vuln/", "/api/2.0/fo/knowledge_base/vuln/", "/api/4.0/fo/knowledge_base/vuln/", "/api/4.0/fo/knowledge_base/vuln/"]);

    writeFileSync(config, JSON.stringify({ username: "acme2ab12", password: "Sup3r-Secret!", apiUrl: server.url, apiVersions: { listVulns: "5.0" } }));
    const bad = await withEnv({}, () => cli(["--config", config, "vm", "kb"]));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${config}: "apiVersions": listVulns has API versions 2.0, 3.0, 4.0 (current 4.0), not "5.0".`);
    expect(server.requests).toHaveLength(4);
  });
});
