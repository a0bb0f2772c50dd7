/**
 * No secret reaches the model: a server that echoes the credentials back, in a record or in an
 * error, has them replaced in the tool result; nor do they appear on the server's stderr.
 */
import { vmActions } from "../../src/generated/vm/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../servers/scripted-server.js";
import { startMcp, text, type McpSession } from "./support.js";

const PASSWORD = "Sup3r-Secret!pw";
const BASIC = Buffer.from(`acme2ab12:${PASSWORD}`).toString("base64");
let server: ScriptedServer;
let session: McpSession;

beforeAll(async () => {
  server = await startScriptedServer((req) => {
    const form = new URLSearchParams(String(req.body));
    // Echoes what the client sent as Authorization, as a careless proxy or server might.
    const echoed = `${String(req.headers.authorization)} (${PASSWORD})`;
    if (form.get("action") === "list" && req.path === vmActions.listHosts.path) {
      return {
        headers: { "Content-Type": "text/xml" },
        body: `<?xml version="1.0" encoding="UTF-8" ?><HOST_LIST_OUTPUT><RESPONSE><DATETIME>2026-01-01T00:00:00Z</DATETIME><HOST_LIST><HOST><ID>1</ID><IP>10.0.0.1</IP><COMMENTS>${echoed}</COMMENTS></HOST></HOST_LIST></RESPONSE></HOST_LIST_OUTPUT>`,
      };
    }
    return {
      status: 400,
      headers: { "Content-Type": "text/xml" },
      body: `<?xml version="1.0" encoding="UTF-8" ?><SIMPLE_RETURN><RESPONSE><DATETIME>2026-01-01T00:00:00Z</DATETIME><CODE>1905</CODE><TEXT>refused: ${echoed}</TEXT></RESPONSE></SIMPLE_RETURN>`,
    };
  });
  session = await startMcp(["--modules", "vm"], { QUALYS_USERNAME: "acme2ab12", QUALYS_PASSWORD: PASSWORD, QUALYS_API_URL: server.url, QUALYS_GATEWAY_URL: server.url, QUALYS_LOG: "debug" });
}, 60_000);

afterAll(async () => {
  await session?.close();
  await server?.close();
});

describe("secrets in tool results", () => {
  it("are replaced in records the server echoes them in", async () => {
    const result = await session.call("vm_listHosts", {});
    expect(result.isError).toBeFalsy();
    const out = text(result);
    expect(out).toContain('"ip":"10.0.0.1"');
    expect(out).toContain("comments");
    expect(out).not.toContain(PASSWORD);
    expect(out).not.toContain(BASIC);
  });

  it("are replaced in errors the server echoes them in", async () => {
    const result = await session.call("vm_listAssetGroups", {});
    expect(result.isError).toBe(true);
    const out = text(result);
    expect(out).toMatch(/QualysApiError: .*1905.*refused/);
    expect(out).not.toContain(PASSWORD);
    expect(out).not.toContain(BASIC);
  });

  it("never reach the server's log", () => {
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
    expect(session.stderr()).toContain(`POST ${vmActions.listHosts.path}`);
    expect(session.stderr()).not.toContain(PASSWORD);
    expect(session.stderr()).not.toContain(BASIC);
  });
});
