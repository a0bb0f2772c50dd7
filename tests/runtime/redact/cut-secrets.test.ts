/**
 * Errors keep only a slice of what an answer said: the first 200 characters of an error page in
 * the message, 2,000 in bodyText, 200 of an unexpected SIMPLE_RETURN's text, 80 around where an
 * XML body broke, 200 of a JSON object or 120 of an HTML title where PCRS's posture array belongs. An answer that echoes the request can put a bearer token right across such a
 * cut; redacting after the cut would let its first (or last) characters through. A 127.0.0.1
 * server moves the echoed token across every cut, one character step at a time around it; no
 * error may carry any 12 characters of a secret in a row.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQualysClient } from "../../../src/client.js";
import { workerPoolDecoder, type RowDecoder } from "../../../src/export/decoders.js";

const USER = "acme2cut";
const PASSWORD = "Cut-Me-Anywhere-7f3a9c2e41d8b6";
const JWT = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: USER, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 3600, nonce: "q7Xw2LmN9pR4sT6v" })).toString("base64url")}.c2lnbmF0dXJlLWN1dC10ZXN0`;

type Kind = "text" | "json" | "simple-return" | "broken-xml" | "pcrs-object" | "pcrs-html";
const state: { kind: Kind; pad: number } = { kind: "text", pad: 0 };

function answer(req: IncomingMessage, res: ServerResponse): void {
  const echo = `Authorization: ${req.headers.authorization ?? ""} and the password ${PASSWORD} again`;
  const pad = state.kind === "broken-xml" ? "" : "x".repeat(state.pad);
  switch (state.kind) {
    case "text":
      res.writeHead(502, { "Content-Type": "text/plain" }).end(`${pad}${echo}`);
      return;
    case "json":
      // Not JSON: the gateway's error is the body text.
      res.writeHead(400, { "Content-Type": "text/plain" }).end(`${pad}${echo}`);
      return;
    case "simple-return":
      // A non-numeric CODE is not an error document: the records call says what came instead.
      res.writeHead(200, { "Content-Type": "text/xml" }).end(`<?xml version="1.0"?><SIMPLE_RETURN><RESPONSE><DATETIME>2026-11-30T00:00:00Z</DATETIME><CODE>X</CODE><TEXT><![CDATA[${pad}${echo}]]></TEXT></RESPONSE></SIMPLE_RETURN>`);
      return;
    case "pcrs-object":
      // A JSON object where PCRS's posture array belongs: its message is quoted (200).
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ message: `${pad}${echo}` }));
      return;
    case "pcrs-html":
      // An HTML page instead of the array: its title is quoted (120).
      res.writeHead(200, { "Content-Type": "text/html" }).end(`<html><head><title>${pad}${echo}</title></head><body></body></html>`);
      return;
    case "broken-xml": {
      // Malformed at `pad` characters into the echo (a `<` and a space), the whole token in the body.
      const at = state.pad;
      res.writeHead(200, { "Content-Type": "text/xml" }).end(`<?xml version="1.0"?><HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><HOST_LIST><HOST><ID>1</ID><OS>${echo.slice(0, at)}< ${echo.slice(at)}</OS>`);
      return;
    }
  }
}

let url = "";
let close: () => Promise<void>;
beforeAll(async () => {
  const http = createServer(async (req, res) => {
    for await (const _ of req) void _;
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/auth") return void res.writeHead(201, { "Content-Type": "text/plain" }).end(JWT);
    answer(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  close = () => new Promise<void>((resolve) => http.close(() => resolve()));
});
afterAll(() => close());

/** Every 12 characters in a row of each secret, as they travel (raw; the token also base64url-decoded parts are not secret). */
const FRAGMENTS = (() => {
  const out = new Set<string>();
  for (const secret of [JWT, PASSWORD]) for (let i = 0; i + 12 <= secret.length; i++) out.add(secret.slice(i, i + 12));
  return [...out];
})();

function printouts(err: unknown): string {
  const out = [JSON.stringify(err) ?? "", inspect(err, { depth: 20, showHidden: true }), String(err)];
  for (let e: unknown = err; e instanceof Error; e = e.cause) out.push(e.message, e.stack ?? "", JSON.stringify(e) ?? "");
  return out.join("\n");
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  return expect.fail("the call should have failed");
}

/** Paddings that move the echo so the token (and then the password) straddles `cut`, one step at a time. */
const across = (cut: number, lead: number) => Array.from({ length: 48 }, (_, i) => Math.max(0, cut - lead - 40 + i * 3));

/** Breaks just before the token (the 20 characters after the fault cut into it) and just after it (the 60 before do). */
const BROKEN_PADS = [...Array.from({ length: 21 }, (_, i) => 22 - 21 + i), ...Array.from({ length: 18 }, (_, i) => 22 + JWT.length + i)];

let workers: RowDecoder | undefined;
beforeAll(() => {
  workers = workerPoolDecoder(1);
});
afterAll(() => workers?.close());

describe("a cut through an echoed secret leaves none of it", () => {
  const gateway = () => createQualysClient({ credentials: { username: USER, password: PASSWORD }, baseUrls: { gateway: url }, rateLimit: { retry: { attempts: 1 } } });
  const vm = () => createQualysClient({ credentials: { username: USER, password: PASSWORD }, baseUrls: { gateway: url, vm: url }, vmAuth: "oidc", rateLimit: { retry: { attempts: 1 } } });
  // "Authorization: Bearer " is 22 characters before the token.
  const cases: [Kind, string, () => ReturnType<typeof gateway>, (c: ReturnType<typeof gateway>) => Promise<unknown>, number[]][] = [
    ["text", "the HTTP error's message (200) and bodyText (2,000)", vm, (c) => consume(c.vm.listHostDetections({ ids: "1" }) as AsyncIterable<unknown>), [...across(200, 22), ...across(2000, 22)]],
    ["json", "a gateway call's HTTP error (200 and 2,000)", gateway, (c) => c.car.listScriptTypes(), [...across(200, 22), ...across(2000, 22)]],
    ["simple-return", "an unexpected SIMPLE_RETURN's text (200)", vm, (c) => consume(c.vm.listHostDetections({ ids: "1" }) as AsyncIterable<unknown>), across(200 - 3, 22)],
    ["pcrs-object", "a JSON object instead of PCRS's posture array: its message (200)", gateway, (c) => consume(c.pcrs.postureInfo({ slices: [{ policyId: "1", hostIds: ["1"] }] })), across(200, 22)],
    ["pcrs-html", "an HTML page instead of PCRS's posture array: its title (120)", gateway, (c) => consume(c.pcrs.postureInfo({ slices: [{ policyId: "1", hostIds: ["1"] }] })), across(120, 22)],
    ["broken-xml", "the excerpt where the XML broke (60 before, 20 after)", vm, (c) => consume(c.vm.listHostDetections({ ids: "1" }) as AsyncIterable<unknown>), BROKEN_PADS],
    // The export decodes pages in worker threads: the redactor's secret forms go with the page, and the worker redacts before it cuts.
    ["broken-xml", "the same excerpt from the export's decode worker", vm, (c) => consume(c.vm.listHostDetections({ ids: "1" }, { decodePage: workers!.pageDecoder("detections", 1) }) as AsyncIterable<unknown>), BROKEN_PADS],
  ];
  for (const [kind, what, make, call, pads] of cases) {
    it(`${what}`, async () => {
      const client = make();
      try {
        state.kind = kind;
        let redacted = 0;
        for (const pad of pads) {
          state.pad = pad;
          const text = printouts(await failure(() => call(client)));
          for (const fragment of FRAGMENTS) if (text.includes(fragment)) expect.fail(`pad ${pad}: ${JSON.stringify(fragment)} of a secret in: ${text.slice(0, 600)}`);
          if (text.includes("[redacted]")) redacted++;
        }
        // The echo did reach the errors, only without the secrets.
        expect(redacted).toBeGreaterThan(0);
      } finally {
        await client.close();
      }
    }, 60_000);
  }
});

async function consume(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream) void _;
}
