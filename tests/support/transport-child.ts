/**
 * Runs the default (undici) transport in a child process, so a test can bound it with a kill:
 * a transport spinning in microtasks starves the event loop, and no timer in the same process
 * (vitest's test timeout included) would ever fire.
 *
 *   node --import tsx tests/support/transport-child.ts <bytes|hosts> <url>
 *
 * Prints one JSON line: `{ bytes, sha256 }` for a body read to its end, `{ hosts, last }` for a
 * VM detection walk through the client.
 */
import { createHash } from "node:crypto";
import { createQualysClient } from "../../src/client.js";
import { undiciTransport } from "../../src/runtime/transport/index.js";

const [mode, url] = process.argv.slice(2);

async function readBytes(target: string): Promise<void> {
  const transport = undiciTransport();
  try {
    const response = await transport(new Request(target), { module: "t", family: "vm", idempotent: true });
    const hash = createHash("sha256");
    let bytes = 0;
    const reader = response.body!.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      hash.update(next.value);
      bytes += next.value.length;
    }
    console.log(JSON.stringify({ bytes, sha256: hash.digest("hex") }));
  } finally {
    await transport.close();
  }
}

async function walkHosts(base: string): Promise<void> {
  const qualys = createQualysClient({ baseUrls: { vm: base }, credentials: { username: "u", password: "p" }, timeoutMs: 10_000 });
  try {
    let hosts = 0;
    let last: number | undefined;
    for await (const host of qualys.vm.listHostDetections({})) {
      hosts++;
      last = host.id;
    }
    console.log(JSON.stringify({ hosts, last }));
  } finally {
    await qualys.close();
  }
}

await (mode === "bytes" ? readBytes(url!) : walkHosts(url!));
