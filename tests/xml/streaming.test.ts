/** Records come out as they close, the source is read only as fast as the consumer reads, and reading can stop. */
import { describe, expect, it } from "vitest";
import { XmlParseError } from "../../src/runtime/errors/xml-parse-error.js";
import { decodeXml } from "../../src/runtime/xml/decode.js";
import { drain } from "../support/drain.js";
import * as H from "./generated/hosts.descriptors.js";
import { rejection } from "./support.js";

const head = `<?xml version="1.0"?>\n<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><DATETIME>2026-11-24T10:00:00Z</DATETIME><HOST_LIST>\n`;
const host = (id: number) => `<HOST><ID>${id}</ID><DETECTION_LIST><DETECTION><QID>${id}</QID></DETECTION></DETECTION_LIST></HOST>\n`;
const tail = `</HOST_LIST><WARNING><CODE>1980</CODE><TEXT>more</TEXT><URL><![CDATA[https://qualysapi.qualys.com/next]]></URL></WARNING></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>\n`;

/** A source of one chunk per host that counts how far it has been read. */
function counted(hosts: number) {
  const state = { pulled: 0, finished: false, returned: false };
  async function* source(): AsyncGenerator<string> {
    try {
      yield head;
      for (let i = 1; i <= hosts; i++) {
        state.pulled = i;
        yield host(i);
      }
      yield tail;
      state.finished = true;
    } finally {
      state.returned = !state.finished;
    }
  }
  return { state, source: source() };
}

describe("streaming", () => {
  it("yields each record before the source has been read further than the chunk that closed it", async () => {
    const { state, source } = counted(50);
    const seen: [number, number][] = [];
    const stream = decodeXml(source, H.HostListVmDetectionOutput);
    for await (const h of stream) {
      seen.push([h.id!, state.pulled]);
      // A slow consumer: the source must wait for it.
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(seen).toHaveLength(50);
    // Host i closes in chunk i; nothing beyond it was pulled when host i came out.
    expect(seen.every(([id, pulled]) => pulled === id)).toBe(true);
    expect((await stream.document).response?.warning).toEqual({ code: 1980, text: "more", url: "https://qualysapi.qualys.com/next" });
  });

  it("stops reading the source when the consumer stops, and rejects document with an AbortError", async () => {
    const { state, source } = counted(50);
    const stream = decodeXml(source, H.HostListVmDetectionOutput);
    for await (const h of stream) if (h.id === 3) break;
    expect(state.pulled).toBe(3);
    expect(state.returned).toBe(true);
    await expect(stream.document).rejects.toMatchObject({ name: "AbortError" });
  });

  it("cancels a web ReadableStream source when the consumer stops", async () => {
    let cancelled: unknown;
    let served = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        served++;
        controller.enqueue(new TextEncoder().encode(served === 1 ? head : host(served - 1)));
      },
      cancel(reason) {
        cancelled = reason ?? "cancelled";
      },
    });
    for await (const h of decodeXml(body, H.HostListVmDetectionOutput)) if (h.id === 2) break;
    expect(cancelled).toBeDefined();
    expect(served).toBeLessThan(10);
  });

  it("stops with the signal's reason when aborted, also while waiting for the source", async () => {
    const controller = new AbortController();
    let release!: () => void;
    async function* stalled(): AsyncGenerator<string> {
      yield head + host(1);
      await new Promise<void>((resolve) => (release = resolve));
      yield host(2);
    }
    const stream = decodeXml(stalled(), H.HostListVmDetectionOutput, { signal: controller.signal });
    const got: number[] = [];
    const reading = (async () => {
      for await (const h of stream) {
        got.push(h.id!);
        setTimeout(() => controller.abort(new DOMException("stop", "AbortError")), 5);
      }
    })();
    const err = await rejection(reading);
    release();
    expect(got).toEqual([1]);
    expect(err).toMatchObject({ name: "AbortError", message: "stop" });
    await expect(stream.document).rejects.toBe(err);
    const already = decodeXml([head + host(1)], H.HostListVmDetectionOutput, { signal: AbortSignal.abort() });
    expect(await rejection(drain(already).then((r) => Promise.reject(r.error)))).toMatchObject({ name: "AbortError" });
  });

  it("bounds the text of one element and a run of text without markup (maxTextBytes)", async () => {
    const big = "x".repeat(5000);
    const one = `${head}<HOST><ID>1</ID><OS>${big}</OS></HOST>${tail}`;
    const err = await rejection(drain(decodeXml([one], H.HostListVmDetectionOutput, { maxTextBytes: 4096 })).then((r) => Promise.reject(r.error)));
    expect(err).toBeInstanceOf(XmlParseError);
    expect((err as Error).message).toMatch(/^<OS> holds more than 4096 bytes of text/);
    // Multi-byte text is counted in UTF-8 bytes: 1500 × "日" is 4500 bytes.
    const wide = `${head}<HOST><ID>1</ID><OS>${"日".repeat(1500)}</OS></HOST>${tail}`;
    expect(await rejection(drain(decodeXml([wide], H.HostListVmDetectionOutput, { maxTextBytes: 4096 })).then((r) => Promise.reject(r.error)))).toBeInstanceOf(XmlParseError);
    const fits = `${head}<HOST><ID>1</ID><OS>${"日".repeat(1300)}</OS></HOST>${tail}`;
    expect((await drain(decodeXml([fits], H.HostListVmDetectionOutput, { maxTextBytes: 4096 }))).got[0]!.os).toHaveLength(1300);
    // A comment (or CDATA, or attribute) that never ends is cut off too, before it is all buffered.
    async function* endless(): AsyncGenerator<string> {
      yield `${head}<!-- `;
      for (let i = 0; i < 1000; i++) yield "y".repeat(1024);
    }
    let pulled = 0;
    async function* counting() {
      for await (const c of endless()) {
        pulled++;
        yield c;
      }
    }
    const quiet = await rejection(drain(decodeXml(counting(), H.HostListVmDetectionOutput, { maxTextBytes: 8192 })).then((r) => Promise.reject(r.error)));
    expect((quiet as Error).message).toMatch(/More than 8192 bytes of text without markup/);
    expect(pulled).toBeLessThan(20);
  });

  it("can be iterated only once", async () => {
    const stream = decodeXml([head + tail], H.HostListVmDetectionOutput);
    expect((await drain(stream)).got).toEqual([]);
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/only once/);
  });
});
