import { describe, expect, it } from "vitest";
import { checkAccountRefusal, rootElement } from "../../../src/runtime/auth/account-refusal.js";
import { ACCOUNT_EXPIRED_XML, BAD_LOGIN_XML } from "../../servers/auth-server.js";

/** A response whose body arrives in pieces of `size` bytes. */
function dribbled(text: string, size: number, headers: Record<string, string> = { "Content-Type": "text/xml" }, fault?: Error): Response {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return fault ? controller.error(fault) : controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
  return new Response(body, { status: 200, headers });
}

describe("rootElement", () => {
  it("skips the declaration, DOCTYPE (internal subset too), comments and a BOM", () => {
    expect(rootElement(ACCOUNT_EXPIRED_XML)).toBe("SIMPLE_RETURN");
    expect(rootElement('\uFEFF<?xml version="1.0"?>\n<!-- c -->\n<!DOCTYPE X [ <!ENTITY a "b>"> ]>\n<HOST_LIST_OUTPUT>')).toBe("HOST_LIST_OUTPUT");
  });

  it("asks for more bytes when the name may be cut, and says null for what is not XML", () => {
    expect(rootElement('<?xml version="1.0"?>\n<SIMPLE_RE')).toBeUndefined();
    expect(rootElement("<!-- not closed")).toBeUndefined();
    expect(rootElement("")).toBeUndefined();
    expect(rootElement("Service Unavailable")).toBeNull();
  });
});

describe("checkAccountRefusal", () => {
  it("finds CODE 2001 (the recorded HTTP 200 answer) even one byte at a time", async () => {
    const { refusal } = await checkAccountRefusal(dribbled(ACCOUNT_EXPIRED_XML, 1));
    expect(refusal).toEqual({ code: "2001", text: "This account has expired." });
  });

  it("finds CODE 2000 behind a long echoed REQUEST", async () => {
    const echoed = BAD_LOGIN_XML.replace("<RESPONSE>", `<REQUEST><PARAM_LIST>${"<PARAM><KEY>k</KEY><VALUE>v</VALUE></PARAM>".repeat(200)}</PARAM_LIST></REQUEST><RESPONSE>`);
    expect((await checkAccountRefusal(dribbled(echoed, 100))).refusal?.code).toBe("2000");
  });

  it.each([
    ["another root", `<?xml version="1.0"?><SCAN_LIST_OUTPUT>${"x".repeat(10_000)}</SCAN_LIST_OUTPUT>`],
    ["a SIMPLE_RETURN with another code", ACCOUNT_EXPIRED_XML.replace("2001", "7001")],
    ["a body that is not XML", "plain text answer"],
    ["an empty body", ""],
  ])("hands on %s unchanged", async (_, text) => {
    const checked = await checkAccountRefusal(dribbled(text, 3));
    expect(checked.refusal).toBeUndefined();
    expect(checked.response.status).toBe(200);
    expect(await checked.response.text()).toBe(text);
  });

  it("does not read bodies that cannot be XML (raw CSV or PDF reports)", async () => {
    const original = dribbled(ACCOUNT_EXPIRED_XML, 5, { "Content-Type": "text/csv" });
    const checked = await checkAccountRefusal(original);
    expect(checked.response).toBe(original);
    expect(checked.refusal).toBeUndefined();
  });

  it("passes a fault in the first bytes on to the reader, after the bytes that did arrive", async () => {
    const checked = await checkAccountRefusal(dribbled("<?xml version", 4, undefined, new Error("connection reset")));
    const reader = checked.response.body!.getReader();
    const got: string[] = [];
    const fault = await (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return undefined;
          got.push(new TextDecoder().decode(value));
        }
      } catch (err) {
        return err;
      }
    })();
    expect(got.join("")).toBe("<?xml version");
    expect((fault as Error).message).toBe("connection reset");
  });
});
