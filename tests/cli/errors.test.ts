/**
 * Usage, configuration and API failures of the CLI: exit codes (0 / 1 / 2), one-line messages,
 * no secret anywhere, --help on every command. Local 127.0.0.1 servers stand in for Qualys.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { Command } from "commander";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { buildProgram } from "../../src/cli/program.js";
import { detectionPage } from "../servers/vm-pages-server.js";
import { answerAuth, capture, cli, localUser, startServer, withEnv, type LocalServer } from "./support.js";

const SECRET = "Sup3r-Secret!";
let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return [path, ...commandPaths(sub, path)];
  });
}

function configFile(content: string, mode: number): string {
  const file = join(mkdtempSync(join(tmpdir(), "qualys-ts-cli-")), "config.json");
  writeFileSync(file, content);
  chmodSync(file, mode);
  return file;
}

describe("usage", () => {
  it("shows help on every command, with exit 0", async () => {
    const paths = commandPaths(buildProgram({ stdout: capture().stream, stderr: capture().stream }));
    expect(paths.length).toBeGreaterThanOrEqual(20);
    for (const path of [[], ...paths]) {
      const r = await cli([...path, "--help"]);
      expect(r.code, path.join(" ")).toBe(0);
      expect(r.stdout, path.join(" ")).toMatch(new RegExp(`^Usage: qualys${path.map((p) => ` ${p}`).join("")}`));
    }
    const top = await cli(["--help"]);
    expect(top.stdout).toMatch(/QUALYS_USERNAME/);
    expect(top.stdout).toMatch(/Exit codes: 0 success, 1 .* 2 /);
  });

  it("prints its version", async () => {
    const r = await cli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([
    [["vm", "bogus"], /unknown command 'bogus'/],
    [["vm"], /Usage: qualys vm/],
    [["--format", "xml", "vm", "hosts"], /Allowed choices are json, ndjson, csv/],
    [["vm", "hosts", "--truncation-limit", "-3"], /whole number/],
    [["vm", "hosts", "--truncation-limit", "12abc"], /whole number/],
    [["vm", "scans", "launch"], /--title/],
    [["vm", "scans", "launch", "--title", "t", "--option-id", "1"], /--ip or --asset-group-ids/],
    [["vm", "scans", "launch", "--title", "t", "--ip", "10.0.0.1"], /--option-id or --option-title/],
    [["vm", "reports", "fetch"], /missing required argument 'id'/],
    [["qflow", "run", "wf-1", "--input", "{nope"], /expected JSON/],
    [["qflow", "run", "wf-1", "--input", "[1]"], /expected a JSON object/],
    [["--columns", "a,b", "vm", "hosts"], /--columns needs --format csv/],
    [["vm", "hosts", "--no-such-option"], /unknown option/],
    [["vm", "detections", "--api-version", "9.9"], /Allowed choices are 2\.0, 3\.0, 4\.0, 5\.0/],
  ])("exits 2 on %j", async (args, message) => {
    const r = await withEnv({}, () => cli(args));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
  });
});

describe("VM commands on a local server", () => {
  it("vm reports fetch streams the file to stdout or to -o, byte for byte", async () => {
    const pdf = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 256))]);
    server = await startServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/pdf" });
      res.end(pdf);
    });
    const file = join(mkdtempSync(join(tmpdir(), "qualys-ts-report-")), "report.pdf");
    const toFile = await withEnv(localUser(server.url), () => cli(["vm", "reports", "fetch", "4927942", "-o", file]));
    expect(toFile.code).toBe(0);
    expect(toFile.stdout).toBe("");
    expect(readFileSync(file).equals(pdf)).toBe(true);
    expect(new URLSearchParams(server.requests[0]!.body).get("id")).toBe("4927942");

    let bytes = 0;
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        done();
      },
    });
    const code = await withEnv(localUser(server.url), () => main(["vm", "reports", "fetch", "4927942"], { stdout: out, stderr: capture().stream }));
    expect(code).toBe(0);
    expect(bytes).toBe(pdf.length);
  });

  it("sends --api-version to that version's endpoint, and the filters as form fields", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/xml" });
      res.end(detectionPage([1]));
    });
    const r = await withEnv(localUser(server.url), () =>
      cli(["-f", "ndjson", "vm", "detections", "--api-version", "4.0", "--severities", "4-5", "--status", "New,Active", "--show-qds", "--no-results", "--truncation-limit", "500"]),
    );
    expect(r.code).toBe(0);
    const [request] = server.requests;
    expect(request!.path).toBe("/api/4.0/fo/asset/host/vm/detection/");
    // An older version past its end of life is named on stderr, with the current one.
    expect(r.stderr).toContain("vm.listHostDetections calls Qualys API 4.0 (/api/4.0/fo/asset/host/vm/detection/), past its end of life");
    const form = Object.fromEntries(new URLSearchParams(request!.body));
    expect(form).toMatchObject({ action: "list", severities: "4-5", status: "New,Active", show_qds: "1", show_qds_factors: "1", show_results: "0", truncation_limit: "500" });
    expect(request!.headers.authorization).toMatch(/^Basic /);
  });
});

describe("configuration", () => {
  it("exits 2 with a clear line when no credentials are configured", async () => {
    const r = await withEnv({}, () => cli(["vm", "hosts"]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^qualys: No Qualys credentials: set QUALYS_USERNAME and QUALYS_PASSWORD .* or try --mock\.\n$/);
  });

  it("exits 2 when --config names a file that does not exist", async () => {
    const r = await withEnv({}, () => cli(["--config", join(tmpdir(), "qualys-ts-nope.json"), "vm", "hosts"]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not exist/);
  });

  it("refuses a config file others can read when it holds a password", async () => {
    const file = configFile(JSON.stringify({ username: "acme2ab12", password: SECRET, platform: "US2" }), 0o644);
    const r = await withEnv({}, () => cli(["--config", file, "vm", "hosts"]));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`qualys: ${file} holds a secret but other users can read it: run \`chmod 600 ${file}\` first.\n`);
  });

  it("says where a broken config file breaks without quoting it (it may hold the password)", async () => {
    // Node's own message would quote `"password": Sup3r-Secret!`.
    const unquoted = configFile(`{\n  "username": "acme2ab12",\n  "password": ${SECRET}\n}`, 0o600);
    const r = await withEnv({}, () => cli(["--config", unquoted, "vm", "hosts"]));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`qualys: ${unquoted} is not valid JSON.\n`);
    const commaMissing = configFile(`{\n  "username": "acme2ab12",\n  "password": "${SECRET}"\n  "platform": "US2"\n}`, 0o600);
    const r2 = await withEnv({}, () => cli(["--config", commaMissing, "vm", "hosts"]));
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/is not valid JSON \(line 4\)\.\n$/);
    expect(r2.stderr).not.toContain(SECRET);
  });

  it("reads a chmod 600 config file, from --config or the default place", async () => {
    server = await startServer((req, res) => {
      if (answerAuth(req, res)) return;
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ body: { list: [{ id: 1, name: "Custom" }] } }));
    });
    const config = JSON.stringify({ username: "acme2ab12", password: SECRET, apiUrl: server.url, gatewayUrl: server.url });
    const file = configFile(config, 0o600);
    const explicit = await withEnv({}, () => cli(["-f", "ndjson", "car", "scripts", "--config", file]));
    expect(explicit.code).toBe(0);
    expect(explicit.stdout.split("\n")[0]).toBe('{"kind":"type","id":1,"name":"Custom"}');

    const byDefault = await withEnv({}, async () => {
      const dir = join(process.env.XDG_CONFIG_HOME!, "qualys-ts");
      mkdirSync(dir);
      writeFileSync(join(dir, "config.json"), config, { mode: 0o600 });
      return cli(["-f", "ndjson", "car", "scripts"]);
    });
    expect(byDefault.code).toBe(0);
    // The password went to /auth as a form field, and nowhere else.
    const auth = server.requests.filter((r) => r.path === "/auth");
    expect(auth).toHaveLength(2);
    expect(new URLSearchParams(auth[0]!.body).get("password")).toBe(SECRET);
    expect(server.requests.filter((r) => r.path !== "/auth").every((r) => !JSON.stringify(r.headers).includes(SECRET))).toBe(true);
  });

  it("exits 2 on an unknown platform", async () => {
    const r = await withEnv({ QUALYS_USERNAME: "acme2ab12", QUALYS_PASSWORD: SECRET, QUALYS_PLATFORM: "XX9" }, () => cli(["vm", "hosts"]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^qualys: .*XX9.*\n$/);
  });
});

describe("API failures", () => {
  it("exits 1 with one line and no secret when Qualys refuses the credentials (even when it echoes them)", async () => {
    server = await startServer((req, res) => {
      res.writeHead(401, { "Content-Type": "text/plain" });
      res.end(`Unauthorized user acme2ab12 with password ${SECRET}`);
    });
    const r = await withEnv(localUser(server.url, SECRET), () => cli(["car", "scripts"]));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^qualys: .*401.*\n$/);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr + r.stdout).not.toContain(SECRET);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 1 with one line on a gateway HTTP error", async () => {
    server = await startServer((req, res) => {
      if (answerAuth(req, res)) return;
      res.writeHead(403, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ errorCode: "FORBIDDEN", message: "This user\nmay not\nlist script types" }));
    });
    const r = await withEnv(localUser(server.url), () => cli(["car", "scripts"]));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^qualys: .*403.*\n$/);
    expect(r.stderr.split("\n")).toHaveLength(2);
  });

  it("exits 1 with one line on a Qualys error document from the VM API", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(409, { "Content-Type": "text/xml" });
      res.end(
        '<?xml version="1.0" encoding="UTF-8" ?>\n<SIMPLE_RETURN><RESPONSE><DATETIME>2026-11-24T10:00:00Z</DATETIME><CODE>1905</CODE><TEXT>parameter ids has invalid value: 1-5</TEXT></RESPONSE></SIMPLE_RETURN>\n',
      );
    });
    const r = await withEnv(localUser(server.url), () => cli(["vm", "hosts", "--ids", "1-5"]));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^qualys: .*1905.*invalid value.*\n$/);
    expect(r.stdout).toBe("");
  });

  it("exits 1 with one line when the host cannot be reached", async () => {
    const gone = await startServer(() => {});
    await gone.close();
    const r = await withEnv({ QUALYS_TOKEN: "t.o.k", QUALYS_GATEWAY_URL: gone.url }, () => cli(["sdr", "controls"]));
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")).toHaveLength(2);
    expect(r.stderr).toMatch(/^qualys: /);
  }, 20_000);

  it("exits 130 when interrupted", async () => {
    server = await startServer(() => {}); // never answers
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("interrupted")), 300);
    const r = await withEnv(localUser(server.url), () => cli(["vm", "hosts"], { signal: controller.signal }));
    expect(r.code).toBe(130);
    expect(r.stderr).toBe("qualys: interrupted\n");
  });
});
