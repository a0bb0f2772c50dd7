import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { detectionPage, hostXml } from "../servers/vm-pages-server.js";

function capture(onData?: (text: string) => void) {
  let text = "";
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += chunk.toString();
      onData?.(text);
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

async function cli(args: string[], onData?: (text: string) => void) {
  const out = capture(onData);
  const err = capture();
  const code = await main(args, { stdout: out.stream, stderr: err.stream });
  return { code, stdout: out.text(), stderr: err.text() };
}

const saved = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (key.startsWith("QUALYS_") && !(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe("qualys CLI against the Prism mock", () => {
  beforeAll(() => {
    saved.QUALYS_MOCK_URLS = JSON.stringify(inject("prismUrls"));
    process.env.QUALYS_MOCK_URLS = saved.QUALYS_MOCK_URLS;
  });

  it("prints a JSON array", async () => {
    const r = await cli(["--mock", "vm", "scans", "list"]);
    expect(r.code).toBe(0);
    const scans = JSON.parse(r.stdout) as { ref: string; status: { state: string } }[];
    expect(scans.map((s) => s.ref)).toEqual(["scan/1512633905.79357", "scan/1512633883.79354"]);
  });

  it("prints NDJSON, one record a line, dates as ISO strings", async () => {
    const r = await cli(["--mock", "--format", "ndjson", "vm", "detections"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as { id: number; lastScanDatetime: string });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ id: 6506432, lastScanDatetime: "2018-04-13T03:49:05.000Z" });
  });

  it("prints CSV with flattened columns", async () => {
    const r = await cli(["--mock", "-f", "csv", "car", "scripts"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split("\n")).toEqual(["kind,id,name,_other", "type,1,Custom,", "type,2,Custom QID,", "language,1,PowerShell,", "language,2,Shell,", "language,3,Python,"]);
    const scans = await cli(["--mock", "-f", "csv", "vm", "scans", "list"]);
    expect(scans.stdout.split("\n")[0]).toBe("ref,type,title,userLogin,launchDatetime,duration,processingPriority,processed,status.state,target,_other");
  });

  it("runs the ETM findings report flow and the paged QFlow list", async () => {
    const etm = await cli(["--mock", "-f", "ndjson", "etm", "findings", "--qql", "finding.severity:[5]"]);
    expect(etm.code).toBe(0);
    expect(JSON.parse(etm.stdout.trim())).toMatchObject({ cveId: "CVE-2024-6387" });
    const qflow = await cli(["--mock", "qflow", "workflows"]);
    expect(JSON.parse(qflow.stdout)[0].name).toBe("Publicly accessible RDS DB Instances");
  });
});

describe("qualys CLI usage and errors", () => {
  it("shows help on every command with exit 0", async () => {
    for (const args of [["--help"], ["vm", "--help"], ["vm", "detections", "--help"], ["etm", "findings", "--help"]]) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stdout).toMatch(/Usage: qualys/);
    }
  });

  it("exits 2 on usage errors", async () => {
    expect((await cli(["vm", "bogus"])).code).toBe(2);
    expect((await cli(["vm", "scans", "launch"])).stderr).toMatch(/--title/);
    expect((await cli(["--format", "xml", "vm", "hosts"])).code).toBe(2);
    expect((await cli(["vm", "hosts", "--truncation-limit", "-3"])).code).toBe(2);
  });

  it("exits 2 with a clear line when no credentials are configured", async () => {
    for (const key of ["QUALYS_USERNAME", "QUALYS_PASSWORD", "QUALYS_TOKEN", "QUALYS_CLIENT_ID"]) delete process.env[key];
    const r = await cli(["--config", join(tmpdir(), "qualys-ts-nope.json"), "vm", "hosts"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not exist/);
  });

  it("refuses a config file others can read when it holds a password", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qualys-ts-cli-"));
    const file = join(dir, "config.json");
    writeFileSync(file, JSON.stringify({ username: "acme_ab12", password: "Sup3r-Secret!", platform: "US1" }));
    chmodSync(file, 0o644);
    const r = await cli(["--config", file, "vm", "hosts"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/chmod 600/);
    expect(r.stderr).not.toContain("Sup3r-Secret!");
  });

  it("exits 1 with one line and no secret when Qualys refuses the credentials", async () => {
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(401, { "Content-Type": "text/plain" });
      res.end("Unauthorized user");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    Object.assign(process.env, { QUALYS_USERNAME: "acme_ab12", QUALYS_PASSWORD: "Sup3r-Secret!", QUALYS_GATEWAY_URL: url, QUALYS_API_URL: url });
    try {
      const r = await cli(["car", "scripts"]);
      expect(r.code).toBe(1);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^qualys: Qualys refused the username or password: HTTP 401 — Unauthorized user/);
      expect(r.stderr + r.stdout).not.toContain("Sup3r-Secret!");
    } finally {
      server.close();
    }
  });

  it("streams: the first host is written before the server has sent the rest", async () => {
    let firstSeen!: () => void;
    const seen = new Promise<void>((r) => (firstSeen = r));
    const server = createServer(async (req, res) => {
      req.resume();
      res.writeHead(200, { "Content-Type": "text/xml" });
      const page = detectionPage([1, 2, 3]);
      const cut = page.indexOf(hostXml(2));
      res.write(page.slice(0, cut));
      await seen; // without streaming output the CLI would never print host 1, and this would hang
      res.end(page.slice(cut));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    Object.assign(process.env, { QUALYS_USERNAME: "acme_ab12", QUALYS_PASSWORD: "pw", QUALYS_GATEWAY_URL: url, QUALYS_API_URL: url });
    try {
      const r = await cli(["-f", "ndjson", "vm", "detections"], (text) => {
        if (text.includes('"id":1')) firstSeen();
      });
      expect(r.code).toBe(0);
      expect(r.stdout.trimEnd().split("\n").map((l) => (JSON.parse(l) as { id: number }).id)).toEqual([1, 2, 3]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
