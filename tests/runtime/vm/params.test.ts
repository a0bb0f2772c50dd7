/** What a VM call puts on the wire, and the inputs it refuses before sending anything. */
import { afterEach, describe, expect, it } from "vitest";
import { createVmClient } from "../../../src/generated/vm/index.js";
import { InvalidParameterError } from "../../../src/runtime/errors/invalid-parameter-error.js";
import { compose, fetchTransport } from "../../../src/runtime/pipeline.js";
import { startVmServer, type VmRoute } from "../../servers/vm-pages-server.js";
import { drain } from "../../support/drain.js";

let server: Awaited<ReturnType<typeof startVmServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const simpleReturn = `<?xml version="1.0" encoding="UTF-8" ?>\n<SIMPLE_RETURN><RESPONSE><DATETIME>2026-11-24T10:00:00Z</DATETIME><TEXT>ok</TEXT></RESPONSE></SIMPLE_RETURN>`;
const emptyHosts = `<?xml version="1.0" encoding="UTF-8" ?>\n<HOST_LIST_OUTPUT><RESPONSE><DATETIME>2026-11-24T10:00:00Z</DATETIME></RESPONSE></HOST_LIST_OUTPUT>`;

async function vmAgainst(route: VmRoute = (_req, res) => res.end(simpleReturn)) {
  server = await startVmServer(route);
  const url = server.url;
  return { server, vm: createVmClient({ handler: compose([], fetchTransport), baseUrl: () => url }) };
}

/** The error a call raises, whether it throws at once (streams) or rejects (documents). */
async function failure(call: () => unknown): Promise<unknown> {
  try {
    const result = call();
    if (result && typeof (result as Promise<unknown>).then === "function") await result;
    else await drain(result as AsyncIterable<unknown>).then((r) => { if (r.error) throw r.error; });
  } catch (e) {
    return e;
  }
  return undefined;
}

describe("form encoding", () => {
  it("POSTs lists comma-joined, booleans as 0/1, dates without milliseconds, and leaves out empty values", async () => {
    const { server, vm } = await vmAgainst((_req, res) => res.end(emptyHosts));
    const params = {
      ids: [107800671, "130-140"],
      show_tags: true,
      compliance_enabled: false,
      vm_processed_after: new Date("2026-11-20T03:04:05.678Z"),
      os_pattern: "^Windows & Linux$",
      ag_titles: undefined,
      network_ids: null,
    };
    await drain(vm.listHosts(params as never));
    const [request] = server.requests;
    expect(request!.path).toBe("/api/5.0/fo/asset/host/");
    expect(Object.fromEntries(request!.form)).toEqual({
      ids: "107800671,130-140",
      show_tags: "1",
      compliance_enabled: "0",
      vm_processed_after: "2026-11-20T03:04:05Z",
      os_pattern: "^Windows & Linux$",
      action: "list",
    });
  });

  it("sets the action itself: a caller's own `action` cannot turn a list into a purge", async () => {
    const { server, vm } = await vmAgainst((_req, res) => res.end(emptyHosts));
    await drain(vm.listHosts({ action: "purge", ids: "1" } as never));
    expect(server.requests[0]!.form.getAll("action")).toEqual(["list"]);
  });

  it("sends GET query parameters for the v1 /msp calls", async () => {
    const { server, vm } = await vmAgainst((_req, res) => res.end(`<?xml version="1.0" encoding="UTF-8" ?>\n<USER_LIST_OUTPUT><USER_LIST></USER_LIST></USER_LIST_OUTPUT>`));
    await drain(vm.listUsers({ external_id_contains: "ad:", external_id_assigned: 1 }));
    expect(server.requests[0]!.path).toBe("/msp/user_list.php");
    expect(server.requests[0]!.body).toBe("");
    expect(Object.fromEntries(server.requests[0]!.form)).toEqual({ external_id_contains: "ad:", external_id_assigned: "1" });
  });
});

describe("bad input is refused before anything is sent", () => {
  const cases: [string, unknown, RegExp][] = [
    ["a nested object", { ids: { from: 1 } }, /parameter ids is an object; give a string, number, boolean, Date or list/],
    ["NaN", { id_min: Number.NaN }, /parameter id_min is NaN; give a finite number/],
    ["an invalid Date", { vm_processed_after: new Date("not a date") }, /parameter vm_processed_after is an invalid Date/],
    ["an empty list", { ids: [] }, /parameter ids is an empty list; leave it out to not filter on it/],
    ["a list item with a comma", { ag_titles: ["Web, DMZ"] }, /parameter ag_titles item "Web, DMZ" holds a comma/],
    ["a list of objects", { ids: [{}] }, /parameter ids has an object at index 0/],
    ["a string instead of parameters", "ids=1", /listHosts: takes an object of parameters, not a string/],
  ];
  it.each(cases)("%s", async (_what, params, message) => {
    const { server, vm } = await vmAgainst();
    const error = await failure(() => vm.listHosts(params as never));
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as Error).message).toMatch(message);
    expect(error).toMatchObject({ operation: "listHosts" });
    expect(server.requests).toHaveLength(0);
  });

  it("also for document and raw actions", async () => {
    const { server, vm } = await vmAgainst();
    await expect(vm.purgeHosts({ ids: [] as never })).rejects.toThrow(/purgeHosts: parameter ids is an empty list/);
    await expect(vm.fetchReport({ id: Number.POSITIVE_INFINITY })).rejects.toBeInstanceOf(InvalidParameterError);
    expect(server.requests).toHaveLength(0);
  });

  it("checks QPS searches: filters need field, operator and value; limitResults is 1–1000", async () => {
    const { server, vm } = await vmAgainst();
    expect(await failure(() => vm.searchTags({ limitResults: 5000 }))).toMatchObject({ name: "InvalidParameterError", parameter: "limitResults" });
    expect(await failure(() => vm.searchTags({ filters: [{ field: "name", operator: "" as never, value: "x" }] }))).toMatchObject({ parameter: "filters[0]" });
    expect(await failure(() => vm.searchHostAssets({ filters: "name=x" as never }))).toMatchObject({ parameter: "filters" });
    expect(server.requests).toHaveLength(0);
  });
});
