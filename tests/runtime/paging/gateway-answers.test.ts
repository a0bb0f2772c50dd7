// Moved unchanged from the former paging.test.ts: it tests the gateway fetchers' handling of non-JSON answers, not paging.
import { describe, expect, it } from "vitest";
import { createCarClient } from "../../../src/generated/car/index.js";
import { compose, fetchTransport } from "../../../src/runtime/pipeline.js";

describe("bad answers on gateway calls", () => {
  it("turns a 200 HTML page into InvalidResponseError and a 500 into HttpError naming the operation", async () => {
    const { createServer } = await import("node:http");
    const { InvalidResponseError } = await import("../../../src/runtime/errors/invalid-response-error.js");
    const { HttpError } = await import("../../../src/runtime/errors/http-error.js");
    const html = createServer((req, res) => {
      req.resume();
      res.writeHead(req.url?.includes("script-types") ? 200 : 500, { "Content-Type": "text/html" });
      res.end("<html><body>Maintenance</body></html>");
    });
    await new Promise<void>((r) => html.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(html.address() as import("node:net").AddressInfo).port}`;
    try {
      const car = createCarClient({ handler: compose([], fetchTransport), baseUrl: () => url });
      const bad = await car.listScriptTypes().catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(InvalidResponseError);
      expect((bad as Error).message).toMatch(/^listScriptTypes answered with a body that is not the JSON/);
      const down = await car.listScriptLanguages().catch((e: unknown) => e);
      expect(down).toBeInstanceOf(HttpError);
      expect((down as Error).message).toBe("listScriptLanguages failed: HTTP 500 Internal Server Error — the server answered with an HTML page, not the API format");
    } finally {
      html.close();
    }
  });
});
