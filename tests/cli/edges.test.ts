/**
 * CLI edges from the hardening pass: filters Qualys would refuse are refused here (exit 2, nothing
 * sent), config paths that cannot be read are usage errors, the mock's self-contradicting
 * examples are shown with a note (exit 0) while a real server's stay an error, and Ctrl-C during
 * `--format json` still leaves a file that parses.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { detectionPage } from "../servers/vm-pages-server.js";
import { cli, localUser, startServer, withEnv, type LocalServer } from "./support.js";

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("filters are checked before anything is sent", () => {
  it.each([
    [["vm", "detections", "--severities", "9-1"], /out of range/],
    [["vm", "detections", "--severities", "5-1"], /runs backwards/],
    [["vm", "detections", "--severities", "0"], /out of range/],
    [["vm", "detections", "--severities", "4,,5"], /severity list/],
    [["vm", "detections", "--ids", "abc"], /"abc" is not an id/],
    [["vm", "detections", "--ids", "9-1"], /runs backwards/],
    [["vm", "detections", "--qids", "1.5"], /not an id/],
    [["vm", "detections", "--status", "Open"], /"Open" is not one of New, Active, Re-Opened, Fixed/],
    [["vm", "detections", "--updated-since", "2024-13-45"], /expected a date/],
    [["vm", "detections", "--updated-since", "2024-02-30"], /expected a date/],
    [["vm", "hosts", "--ids", "1-"], /not an id/],
    [["vm", "scans", "list", "--state", "Done"], /not one of/],
    [["vm", "scans", "launch", "--title", "t", "--ip", "10.0.0.1", "--option-id", "1", "--priority", "12"], /0 \(none\) to 9/],
    [["vm", "kb", "--ids", "x"], /not an id/],
  ])("%j exits 2", async (args, message) => {
    server = await startServer((_req, res) => void res.writeHead(200, { "Content-Type": "text/xml" }).end(detectionPage([1])));
    const r = await withEnv(localUser(server.url), () => cli(args));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(server.requests).toHaveLength(0);
  });

  it("takes well-formed filters and sends them as given", async () => {
    server = await startServer((_req, res) => void res.writeHead(200, { "Content-Type": "text/xml" }).end(detectionPage([1])));
    const r = await withEnv(localUser(server.url), () => cli(["vm", "detections", "--severities", "3, 4-5", "--ids", "1,5-9", "--status", "New,Re-Opened", "--updated-since", "2024-02-29T23:59:59Z"]));
    expect(r.code).toBe(0);
    const sent = new URLSearchParams(server.requests[0]!.body);
    expect(sent.get("severities")).toBe("3,4-5");
    expect(sent.get("ids")).toBe("1,5-9");
    expect(sent.get("status")).toBe("New,Re-Opened");
    expect(sent.get("detection_updated_since")).toBe("2024-02-29T23:59:59Z");
  });
});

describe("config files that cannot be read", () => {
  it("a directory: exit 2, one line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qualys-ts-cfgdir-"));
    const r = await withEnv({}, () => cli(["--config", dir, "vm", "hosts"]));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`qualys: Config file ${dir} is a directory, not a JSON file.\n`);
  });

  it("the default config path is a directory: exit 2, one line", async () => {
    const home = mkdtempSync(join(tmpdir(), "qualys-ts-home-"));
    mkdirSync(join(home, "qualys-ts", "config.json"), { recursive: true });
    const r = await withEnv({ XDG_CONFIG_HOME: home }, () => cli(["vm", "hosts"]));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/is a directory/);
  });

  it("a file that cannot be read (a socket): exit 2, one line", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "qualys-ts-sock-")), "config.json");
    const socket = createNetServer();
    await new Promise<void>((resolve) => socket.listen(path, resolve));
    try {
      const r = await withEnv({}, () => cli(["--config", path, "vm", "hosts"]));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^qualys: Config file .*config\\.json cannot be read \\(\\w+\\)\\.\\n$`));
    } finally {
      socket.close();
    }
  });
});

describe("self-contradicting listings", () => {
  const jobsPage = (ids: number[], total: number) => ({
    body: { list: ids.map((id) => ({ id: String(id), title: `job ${id}`, sortValues: [id] })), totalCount: total },
  });

  it("against a real server, a listing that ends short of its total is still an error (exit 1)", async () => {
    server = await startServer((req, res) => {
      if (req.path === "/auth") return void res.writeHead(201, { "Content-Type": "text/plain" }).end("eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.x");
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(jobsPage([1, 2], 80)));
    });
    const r = await withEnv(localUser(server.url), () => cli(["--format", "ndjson", "car", "jobs"]));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ended the listing after 2 items, but the server's total is 80/);
  });

  it("against the mock, the example's records are printed with a one-line note and exit 0", async () => {
    const r = await cli(["--mock", "--format", "json", "car", "jobs"]);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as unknown[];
    expect(printed.length).toBeGreaterThan(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^qualys: note: the mock's example says the listing holds \d+ records but serves \d+/);
  });
});

describe("Ctrl-C during --format json", () => {
  it("closes the array, so what was written parses", async () => {
    // One page of 5 hosts, then the next page never answers: the command waits mid-listing.
    let calls = 0;
    server = await startServer((_req, res) => {
      calls++;
      if (calls > 1) return; // hangs
      res.writeHead(200, { "Content-Type": "text/xml" });
      res.end(detectionPage([1, 2, 3, 4, 5], `${server!.url}/api/2.0/fo/asset/host/vm/detection/?action=list&id_min=6`));
    });
    const root = join(import.meta.dirname, "..", "..");
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("QUALYS_")));
    const child = spawn(process.execPath, ["--import", "tsx", join(root, "src", "cli", "main.ts"), "--format", "json", "vm", "detections"], {
      cwd: root,
      env: { ...clean, XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), "qualys-ts-home-")), ...localUser(server.url) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const poll = setInterval(() => {
      if (calls > 1 && stdout.includes('"id":5')) {
        clearInterval(poll);
        child.kill("SIGINT");
      }
    }, 50);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    clearInterval(poll);
    expect(code).toBe(130);
    expect(stderr).toBe("qualys: interrupted\n");
    const hosts = JSON.parse(stdout) as { id: number }[];
    expect(hosts.map((h) => h.id)).toEqual([1, 2, 3, 4, 5]);
  }, 30_000);
});
