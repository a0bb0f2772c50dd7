/**
 * The default transport on a large chunked answer (3,000 hosts in 64 KB chunks, like a detection
 * list streamed by Qualys): it must read every byte and hand every host to the caller, then stop.
 * It once spun forever on the empty chunks undici delivers after the last data; the client runs
 * in a child process so that a spin fails the test by the kill instead of hanging the runner.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { chunked, head, pieces, startRawServer, writeApart } from "../../servers/raw-http-server.js";
import { detectionPage } from "../../servers/vm-pages-server.js";

const CHILD = fileURLToPath(new URL("../../support/transport-child.ts", import.meta.url));
const HOSTS = 3000;
const body = Buffer.from(detectionPage(Array.from({ length: HOSTS }, (_, i) => i + 1)));

let server: Awaited<ReturnType<typeof startRawServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Runs the child; resolves with its JSON line, or rejects when it is still running after `ms`. */
function runChild(mode: "bytes" | "hosts", url: string, ms: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, mode, url], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the transport did not finish within ${ms} ms (output so far: ${out.slice(0, 200)})`));
    }, ms);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out.trim().split("\n").pop()!));
      else reject(new Error(`child exited with ${code}: ${err.slice(0, 500)}`));
    });
  });
}

async function serveChunked() {
  server = await startRawServer(async (socket) => {
    const wire = chunked(body, { chunkSize: 64 * 1024 });
    // Headers on their own, then one chunk (size line, data, CRLF) per TCP write.
    await writeApart(socket, [head(200, { "Content-Type": "text/xml;charset=UTF-8", "Transfer-Encoding": "chunked" }), ...pieces(wire, 64 * 1024 + 9)], 2);
  });
  return server.url;
}

describe("default transport on a chunked 3,000-host answer", () => {
  it("reads the whole body and stops", async () => {
    const url = await serveChunked();
    const got = await runChild("bytes", `${url}/api/2.0/fo/asset/host/vm/detection/`, 20_000);
    expect(got).toEqual({ bytes: body.length, sha256: createHash("sha256").update(body).digest("hex") });
  }, 30_000);

  it("walks every host of vm listHostDetections through the client", async () => {
    const url = await serveChunked();
    const got = await runChild("hosts", url, 20_000);
    expect(got).toEqual({ hosts: HOSTS, last: HOSTS });
  }, 30_000);
});
