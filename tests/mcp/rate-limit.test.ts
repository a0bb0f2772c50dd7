/**
 * Every tool call goes through the client's scheduler: a 409 (Qualys VM rate limit, code 1965)
 * or a 429 (gateway) that a wait can cure never reaches the model as a failed call.
 */
import { vmActions } from "../../src/generated/vm/index.js";
import { afterEach, describe, expect, it } from "vitest";
import { startTenant, type Tenant } from "../../src/tenant.js";
import { startScriptedServer, type ScriptedServer } from "../servers/scripted-server.js";
import { fakeJwt, json, startMcp, text, type McpSession } from "./support.js";

let session: McpSession | undefined;
let tenant: Tenant | undefined;
let server: ScriptedServer | undefined;
afterEach(async () => {
  await session?.close();
  await tenant?.close();
  await server?.close();
  session = tenant = server = undefined;
});

const HOSTS = vmActions.listHosts.path;

describe("rate limits behind tool calls", () => {
  it("a 409 (1965) from the VM API waits for the window and answers", async () => {
    // The tenant's clock moves only when this test moves it: the call is blocked for certain, then admitted for certain.
    let now = 5_000_000;
    tenant = await startTenant({ hosts: 12, detectionsPerHost: 1, kbSize: 10, seed: 2, limits: { rate: { limit: 2, windowSec: 1 } }, clock: () => now });
    session = await startMcp(["--modules", "vm"], { QUALYS_USERNAME: tenant.credentials.username, QUALYS_PASSWORD: tenant.credentials.password, QUALYS_API_URL: tenant.url, QUALYS_GATEWAY_URL: tenant.url });
    tenant.spend(HOSTS, 2); // another client of the subscription used the window up
    const answer = session.call("vm_listHosts", {});
    // Each block moves the window on, as time would; however late this runs, the next try is admitted.
    let blocks = 0;
    const poll = setInterval(() => {
      if (tenant!.stats.blocked > blocks) {
        blocks = tenant!.stats.blocked;
        now += 1000;
      }
    }, 20);
    const result = await answer.finally(() => clearInterval(poll));
    expect(result.isError, text(result)).toBeFalsy();
    expect(json<{ items: unknown[] }>(result).items).toHaveLength(12);
    expect(tenant.stats.byPath[HOSTS]).toMatchObject({ calls: 1, blockedConcurrency: 0 });
    expect(tenant.stats.byPath[HOSTS]!.blockedRate).toBeGreaterThanOrEqual(1);
  });

  it("a 429 from the gateway waits as told and answers", async () => {
    const types = { errorCode: null, message: null, body: { totalCount: 1, list: [{ id: 1, name: "Custom" }] } };
    server = await startScriptedServer([{ status: 429, headers: { "X-RateLimit-ToWait-Sec": "0.2" }, body: "" }, { body: types }]);
    session = await startMcp(["--modules", "car"], { QUALYS_TOKEN: fakeJwt(), QUALYS_GATEWAY_URL: server.url, QUALYS_API_URL: server.url });
    const result = await session.call("car_listScriptTypes", {});
    expect(result.isError, text(result)).toBeFalsy();
    expect(json(result)).toEqual(types);
    expect(server.requests.map((r) => r.path)).toEqual(["/sm/v1/script-types", "/sm/v1/script-types"]);
  });
});
