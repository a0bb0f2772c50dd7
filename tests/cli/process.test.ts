/**
 * The CLI as a real process (`node --import tsx src/cli/main.ts`, what `npx tsx src/cli/main.ts`
 * runs after `npm ci`): exit codes, a reader that closes the pipe early (`| head`), Ctrl-C.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { detectionPage } from "../servers/vm-pages-server.js";
import { localUser, startServer, type LocalServer } from "./support.js";

const root = join(import.meta.dirname, "..", "..");
let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function qualys(args: string[], env: Record<string, string> = {}, onStart?: (child: ReturnType<typeof spawn>, out: () => string) => void): Promise<Run> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("QUALYS_")));
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "src", "cli", "main.ts"), ...args], {
    cwd: root,
    env: { ...clean, XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), "qualys-ts-home-")), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  onStart?.(child, () => stdout);
  return new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
}

describe("qualys as a process", () => {
  it("--help exits 0, a usage error 2", async () => {
    const [help, wrong] = await Promise.all([qualys(["vm", "detections", "--help"]), qualys(["vm", "bogus"])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: qualys vm detections/);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/unknown command 'bogus'/);
  }, 30_000);

  it("exports, and stops quietly when the reader closes the pipe (| head)", async () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => i + 1);
    server = await startServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/xml" });
      res.end(detectionPage(ids));
    });
    const r = await qualys(["-f", "ndjson", "vm", "detections"], localUser(server.url), (child, out) => {
      child.stdout!.on("data", () => {
        if (out().split("\n").length > 10) child.stdout!.destroy(); // like `head` exiting
      });
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toMatch(/^\{"id":1,/);
  }, 30_000);

  it("Ctrl-C stops the command: exit 130, one line", async () => {
    server = await startServer(() => {}); // never answers
    const r = await qualys(["vm", "hosts"], localUser(server.url), (child) => {
      const poll = setInterval(() => {
        if (server!.requests.length > 0) {
          clearInterval(poll);
          child.kill("SIGINT");
        }
      }, 50);
    });
    expect(r.code).toBe(130);
    expect(r.stderr).toBe("qualys: interrupted\n");
  }, 30_000);
});
