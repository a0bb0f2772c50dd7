/** The API version of an endpoint is chosen per call or per client (x-qualys-versions). */
import { afterEach, describe, expect, it } from "vitest";
import { createVmClient, type VmClientOptions } from "../../../src/generated/vm/index.js";
import { ConfigurationError } from "../../../src/runtime/errors/configuration-error.js";
import { InvalidParameterError } from "../../../src/runtime/errors/invalid-parameter-error.js";
import { compose, fetchTransport } from "../../../src/runtime/pipeline.js";
import type { DeprecationWarningInfo } from "../../../src/runtime/runtime.js";
import { detectionPage, startVmServer, type VmRoute } from "../../servers/vm-pages-server.js";
import { drain } from "../../support/drain.js";

let server: Awaited<ReturnType<typeof startVmServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const xml = { "Content-Type": "text/xml;charset=UTF-8" };

async function vmAgainst(route: VmRoute, options: VmClientOptions = {}, warnings: DeprecationWarningInfo[] = []) {
  server = await startVmServer(route);
  const url = server.url;
  const vm = createVmClient({ handler: compose([], fetchTransport), baseUrl: () => url, onDeprecated: (w) => warnings.push(w) }, options);
  return { server, vm };
}

const policies = `<?xml version="1.0" encoding="UTF-8" ?>\n<POLICY_LIST_OUTPUT><RESPONSE><DATETIME>2026-11-24T10:00:00Z</DATETIME><POLICY_LIST><POLICY><ID>3311</ID><TITLE><![CDATA[CIS Ubuntu]]></TITLE></POLICY></POLICY_LIST></RESPONSE></POLICY_LIST_OUTPUT>`;

describe("API versions", () => {
  it("sends a call to the version it names, and keeps every page there", async () => {
    const { server, vm } = await vmAgainst((req, res, origin) => {
      res.writeHead(200, xml);
      // Qualys may hand back a next-page URL on the old path: the chosen version must stay.
      if (!req.form.get("id_min")) return res.end(detectionPage([1, 2], `${origin}/api/2.0/fo/asset/host/vm/detection/?action=list&truncation_limit=2&id_min=3`));
      if (req.form.get("id_min") === "3") return res.end(detectionPage([3, 4], `${origin}/api/5.0/fo/asset/host/vm/detection/?action=list&truncation_limit=2&id_min=5`));
      res.end(detectionPage([5]));
    });
    const { got, error } = await drain(vm.listHostDetections({ truncation_limit: 2 }, { apiVersion: "5.0" }));
    expect(error).toBeUndefined();
    expect(got.map((h) => h.id)).toEqual([1, 2, 3, 4, 5]);
    expect(server.requests.map((r) => r.path)).toEqual(Array(3).fill("/api/5.0/fo/asset/host/vm/detection/"));
    expect(server.requests.map((r) => r.form.get("id_min"))).toEqual([null, "3", "5"]);
  });

  it("takes a client-wide default per action, which a call can override", async () => {
    const { server, vm } = await vmAgainst(
      (_req, res) => {
        res.writeHead(200, xml);
        res.end(detectionPage([7]));
      },
      { apiVersions: { listHostDetections: "5.0" } },
    );
    await drain(vm.listHostDetections());
    await drain(vm.listHostDetections(undefined, { apiVersion: "2.0" }));
    expect(server.requests.map((r) => r.path)).toEqual(["/api/5.0/fo/asset/host/vm/detection/", "/api/2.0/fo/asset/host/vm/detection/"]);
  });

  it("moves only the actions a version is known for", async () => {
    const { server, vm } = await vmAgainst((_req, res) => {
      res.writeHead(200, xml);
      res.end(`<?xml version="1.0" encoding="UTF-8" ?>\n<HOST_LIST_OUTPUT><RESPONSE><DATETIME>2026-11-24T10:00:00Z</DATETIME></RESPONSE></HOST_LIST_OUTPUT>`);
    });
    await drain(vm.listHosts({ details: "None" }, { apiVersion: "3.0" }));
    expect(server.requests[0]!.path).toBe("/api/3.0/fo/asset/host/");
    // Purge is documented on 2.0 only: 3.0 is refused before anything is sent.
    await expect(vm.purgeHosts({ ids: "1" }, { apiVersion: "3.0" as never })).rejects.toBeInstanceOf(InvalidParameterError);
    expect(server.requests).toHaveLength(1);
  });

  it("refuses a version the endpoint does not have, naming the ones it has, before sending", async () => {
    const { server, vm } = await vmAgainst((_req, res) => res.end());
    const error = (() => {
      try {
        vm.listVulns(undefined, { apiVersion: "9.0" as never });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as Error).message).toBe('listVulns: parameter apiVersion is "9.0", but this action is known at versions 2.0, 3.0, 4.0');
    expect(server.requests).toHaveLength(0);
  });

  it("checks client-wide versions when the client is made", async () => {
    const runtime = { handler: compose([], fetchTransport), baseUrl: () => "http://127.0.0.1:9" };
    expect(() => createVmClient(runtime, { apiVersions: { listHostDetections: "4.0" as never } })).toThrow(InvalidParameterError);
    expect(() => createVmClient(runtime, { apiVersions: { noSuchAction: "2.0" } as never })).toThrow(ConfigurationError);
  });

  it("warns about a deprecated endpoint only when its deprecated path is used", async () => {
    const warnings: DeprecationWarningInfo[] = [];
    const { server, vm } = await vmAgainst(
      (_req, res) => {
        res.writeHead(200, xml);
        res.end(policies);
      },
      {},
      warnings,
    );
    const v3 = await drain(vm.listPolicies(undefined, { apiVersion: "3.0" }));
    expect(v3.got).toMatchObject([{ id: 3311, title: "CIS Ubuntu" }]);
    expect(warnings).toEqual([]);
    await drain(vm.listPolicies());
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain("/api/2.0/fo/compliance/policy/");
    expect(warnings[0]!.message).toContain("end of support 2025-12");
    expect(server.requests.map((r) => r.path)).toEqual(["/api/3.0/fo/compliance/policy/", "/api/2.0/fo/compliance/policy/"]);
  });
});
