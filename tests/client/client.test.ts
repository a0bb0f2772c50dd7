import { afterEach, describe, expect, it } from "vitest";
import { createQualysClient } from "../../src/client.js";
import { ConfigurationError } from "../../src/runtime/errors/configuration-error.js";
import { GOOD_PASSWORD, GOOD_USER, startAuthServer } from "../servers/auth-server.js";

let server: Awaited<ReturnType<typeof startAuthServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("createQualysClient", () => {
  it.each(["undici", "fetch"] as const)("shares one JWT between gateway modules and the VM API (%s transport)", async (transport) => {
    server = await startAuthServer();
    const url = server.url;
    const qualys = createQualysClient({
      credentials: { username: GOOD_USER, password: GOOD_PASSWORD },
      platform: { apiUrl: url, gatewayUrl: url },
      vmAuth: "oidc",
      transport,
    });
    const [types] = await Promise.all([qualys.car.listScriptTypes(), qualys.car.listScriptLanguages(), qualys.vm.addIps({ ips: "10.0.0.1" })]);
    expect(types.body?.list?.[0]?.name).toBe("Custom");
    expect(server.counts.auth).toBe(1);
    expect(server.counts.vmCalls).toBe(1);
    await qualys.close();
  });

  it("logs the VM session out on close, once", async () => {
    server = await startAuthServer();
    const url = server.url;
    const qualys = createQualysClient({ credentials: { username: GOOD_USER, password: GOOD_PASSWORD }, platform: { apiUrl: url, gatewayUrl: url }, vmAuth: "session" });
    await Promise.all([qualys.vm.updateIps({ ips: "10.0.0.1" }), qualys.vm.updateIps({ ips: "10.0.0.2" })]);
    expect(server.counts.logins).toBe(1);
    await qualys.close();
    await qualys.close();
    expect(server.counts.logouts).toBe(1);
  });

  it("names the missing piece of configuration", async () => {
    expect(() => createQualysClient({ credentials: { token: "t" }, platform: "XX9" as never })).toThrow(/Unknown Qualys platform "XX9"/);
    const gov = createQualysClient({ credentials: { token: "t" }, platform: "GOV1" });
    await expect(gov.vm.listIps()).rejects.toThrow(ConfigurationError);
  });
});
