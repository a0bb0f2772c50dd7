/**
 * The root of the chunked-answer spin, in isolation: undici may call onData with empty chunks
 * after the last data, and the stream must neither queue them nor resume a socket it never
 * paused (each resume delivered another empty chunk, forever).
 */
import { describe, expect, it } from "vitest";
import { BodyDone } from "../../../src/runtime/transport/body-done.js";
import { BodyStream } from "../../../src/runtime/transport/body-stream.js";

function bodyStream() {
  const calls = { resume: 0, abort: 0 };
  const done = new BodyDone();
  const body = new BodyStream(
    {
      encoding: undefined,
      idleMs: 0,
      resume: () => calls.resume++,
      abort: () => calls.abort++,
      faultOf: (cause) => new Error(`fault: ${String(cause)}`),
      idleErrorOf: () => new Error("idle"),
      done,
      finished: () => undefined,
    },
    [],
  );
  return { body, calls, done, reader: body.stream.getReader() };
}

describe("BodyStream", () => {
  it("ignores empty chunks: none is queued, none pauses the socket", async () => {
    const { body, reader, done } = bodyStream();
    expect(body.push(Buffer.from("abc"))).toBe(false);
    for (let i = 0; i < 5; i++) expect(body.push(Buffer.alloc(0))).toBe(true);
    body.end();
    const got: string[] = [];
    for (let next = await reader.read(); !next.done; next = await reader.read()) got.push(Buffer.from(next.value).toString());
    expect(got).toEqual(["abc"]);
    expect(done.done).toBe(true);
    expect(body.bytes).toBe(3);
  });

  it("resumes the socket only after it paused it, once per pause", async () => {
    const { body, reader, calls } = bodyStream();
    // The reader waits first: the queue has room, nothing is paused, nothing to resume.
    const first = reader.read();
    await Promise.resolve();
    expect(calls.resume).toBe(0);
    expect(body.push(Buffer.from("a"))).toBe(true);
    await first;
    expect(calls.resume).toBe(0);
    // Now the queue fills: the socket is paused, and a read resumes it exactly once.
    expect(body.push(Buffer.from("b"))).toBe(false);
    await reader.read();
    expect(calls.resume).toBe(1);
    // Further reads while nothing was paused do not resume again.
    const pending = reader.read();
    await Promise.resolve();
    expect(calls.resume).toBe(1);
    body.end();
    expect((await pending).done).toBe(true);
    expect(calls.resume).toBe(1);
  });
});
