/**
 * Streaming: records reach stdout while the server is still sending, the source is read only as
 * fast as the output drains (bounded read-ahead: constant memory), a reader that goes away stops
 * the export quietly, and the progress line appears only on a terminal.
 */
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { flatten } from "../../src/cli/flatten.js";
import { CSV_BUFFER, writeRecords, type Format } from "../../src/cli/output.js";
import { main } from "../../src/cli/main.js";
import { detectionPage, hostXml } from "../servers/vm-pages-server.js";
import { capture, cli, localUser, startServer, withEnv, type LocalServer } from "./support.js";

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const DETECTIONS = "/api/2.0/fo/asset/host/vm/detection/";

describe("the CLI streams", () => {
  it.each(["ndjson", "csv"] as const)("writes the first host (%s) before the server has sent the rest of the page", async (format) => {
    const ids = Array.from({ length: 400 }, (_, i) => i + 1);
    const page = detectionPage(ids);
    const cut = page.indexOf(hostXml(200)); // ~60 kB sent, the rest held back
    let firstWritten!: () => void;
    const written = new Promise<void>((resolve) => (firstWritten = resolve));
    let heldBack = true;
    server = await startServer(async (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/xml" });
      res.write(page.slice(0, cut));
      // Without streaming output the CLI would print nothing until the page ended: give up after 10 s.
      await Promise.race([written, new Promise((r) => setTimeout(r, 10_000))]);
      heldBack = false;
      res.end(page.slice(cut));
    });
    let sawFirstWhileHeld = false;
    const r = await withEnv(localUser(server.url), () =>
      cli(["-f", format, "vm", "detections"], {
        onData: (text) => {
          if (text.includes(format === "csv" ? "\n1,10.1.0.1," : '"id":1,')) {
            sawFirstWhileHeld ||= heldBack;
            firstWritten();
          }
        },
      }),
    );
    expect(r.code).toBe(0);
    expect(sawFirstWhileHeld).toBe(true);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(format === "csv" ? 401 : 400);
    if (format === "ndjson") expect(lines.map((l) => (JSON.parse(l) as { id: number }).id)).toEqual(ids);
  });

  it("stops quietly (exit 0) when the reader goes away, without reading the rest", async () => {
    const ids = Array.from({ length: 2000 }, (_, i) => i + 1);
    server = await startServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/xml" });
      res.end(detectionPage(ids));
    });
    let writes = 0;
    const stdout = new Writable({
      write(_chunk, _enc, done) {
        writes++;
        done(writes === 3 ? Object.assign(new Error("write EPIPE"), { code: "EPIPE" }) : undefined);
      },
    });
    const stderr = capture();
    const code = await withEnv(localUser(server.url), () => main(["-f", "ndjson", "vm", "detections"], { stdout, stderr: stderr.stream }));
    expect(code).toBe(0);
    expect(stderr.text()).toBe("");
    expect(writes).toBeLessThan(50);
  });

  it("shows a progress line (records, pages) on a terminal, and nothing when stderr is not one", async () => {
    server = await startServer((req, res, origin) => {
      const second = req.query.get("id_min") === "3" || new URLSearchParams(req.body).get("id_min") === "3";
      res.writeHead(200, { "Content-Type": "text/xml" });
      res.end(second ? detectionPage([3, 4]) : detectionPage([1, 2], `${origin}${DETECTIONS}?action=list&id_min=3`));
    });
    const tty = await withEnv(localUser(server.url), () => cli(["-f", "ndjson", "vm", "detections"], { tty: true }));
    expect(tty.code).toBe(0);
    expect(tty.stdout.trimEnd().split("\n")).toHaveLength(4);
    expect(tty.stderr).toMatch(/\r\x1b\[2K4 records, 2 pages\n$/);
    const piped = await withEnv(localUser(server.url), () => cli(["-f", "ndjson", "vm", "detections"]));
    expect(piped.stdout).toBe(tty.stdout);
    expect(piped.stderr).toBe("");
  });
});

describe("writeRecords", () => {
  /** A slow consumer: it takes one chunk per macrotask and holds at most a few bytes. */
  function slowOutput(onWrite: (chunk: string) => void) {
    return new Writable({
      highWaterMark: 64,
      write(chunk: Buffer, _enc, done) {
        onWrite(chunk.toString());
        setImmediate(done);
      },
    });
  }

  const padding = "x".repeat(200);
  const recordOf = (i: number) => ({ id: i, host: { ip: `10.0.${i >> 8}.${i & 255}` }, padding });
  // json/ndjson wait for each write to drain. CSV adds the chain's own buffers, which output.ts
  // sizes itself (not Node's defaults, which differ between Node lines): rows waiting in two
  // object buffers, and as many rows as CSV_BUFFER.bytes of text holds, plus the ones in flight.
  const csvLine = `${Object.values(flatten(recordOf(12_345))).join(",")}\n`;
  const csvBound = 2 * CSV_BUFFER.rows + Math.ceil(CSV_BUFFER.bytes / csvLine.length) + 5;
  it.each([
    ["ndjson", 4],
    ["json", 4],
    ["csv", csvBound],
  ] as [Format, number][])("reads ahead of a slow %s output by a bounded number of records", async (format, bound) => {
    const total = 20_000;
    let pulled = 0;
    let written = 0;
    let maxAhead = 0;
    async function* source() {
      for (let i = 0; i < total; i++) {
        pulled++;
        maxAhead = Math.max(maxAhead, pulled - written);
        yield recordOf(i);
      }
    }
    const out = slowOutput((chunk) => {
      written += (chunk.match(/10\.0\./g) ?? []).length;
    });
    const count = await writeRecords(source(), out, { format });
    expect(count).toBe(total);
    expect(written).toBe(total);
    expect(maxAhead).toBeLessThan(bound); // bounded read-ahead, whatever the total
  }, 60_000);

  it("JSON: a valid array, also when empty", async () => {
    const empty = capture();
    await writeRecords([], empty.stream, { format: "json" });
    expect(empty.text()).toBe("[]\n");
    const some = capture();
    await writeRecords([{ a: 1 }, { b: [1, 2] }], some.stream, { format: "json" });
    expect(JSON.parse(some.text())).toEqual([{ a: 1 }, { b: [1, 2] }]);
  });

  it("CSV: flattens, quotes, keeps later fields in _other, prints booleans and dates plainly", async () => {
    const out = capture();
    const when = new Date("2026-11-24T10:00:00Z");
    await writeRecords(
      [
        { id: 1, name: 'a "quoted", name', ok: true, at: when, tags: ["x", "y"], nested: { deep: { n: 1 } } },
        { id: 2, name: "multi\nline", ok: false, extra: 5, list: [{ a: 1 }] },
      ],
      out.stream,
      { format: "csv" },
    );
    expect(out.text()).toBe(
      'id,name,ok,at,tags,nested.deep.n,_other\n1,"a ""quoted"", name",true,2026-11-24T10:00:00.000Z,x;y,1,\n2,"multi\nline",false,,,,"{""extra"":5,""list"":""[{\\""a\\"":1}]""}"\n',
    );
  });

  it("CSV: fixed columns and rows per record; the header even with no record", async () => {
    const out = capture();
    await writeRecords([{ host: "h1", items: [{ q: 1 }, { q: 2 }] }], out.stream, {
      format: "csv",
      csv: { columns: ["host", "q"], rows: (r: { host: string; items: { q: number }[] }) => r.items.map((i) => ({ host: r.host, ...i })) },
    });
    expect(out.text()).toBe("host,q\nh1,1\nh1,2\n");
    const none = capture();
    await writeRecords([], none.stream, { format: "csv", csv: { columns: ["a", "b"] } });
    expect(none.text()).toBe("a,b\n");
  });

  it("an error of the source ends the output and reaches the caller; the source is closed", async () => {
    let closed = false;
    async function* failing() {
      try {
        yield { id: 1 };
        throw new Error("page 2 failed");
      } finally {
        closed = true;
      }
    }
    for (const format of ["ndjson", "csv"] as const) {
      closed = false;
      await expect(writeRecords(failing(), capture().stream, { format })).rejects.toThrow("page 2 failed");
      expect(closed).toBe(true);
    }
  });
});
