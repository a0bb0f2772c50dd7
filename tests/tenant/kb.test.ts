/** KnowledgeBase through the project's client: by ID ranges, Basic and All, by modification date after advance(). */
import { afterEach, describe, expect, it } from "vitest";
import { expectedVulns, startTenant, TenantModel, type Tenant } from "../../src/tenant.js";
import { drain } from "../support/drain.js";
import { clientOf, decodedVuln } from "./support.js";

let tenant: Tenant | undefined;
afterEach(async () => {
  await tenant?.close();
  tenant = undefined;
});

const OPTIONS = { hosts: 20, kbSize: 500, seed: 9 };

describe("knowledge base", () => {
  it("fetches the whole KB in id_min/id_max chunks, each entry as the model has it", async () => {
    tenant = await startTenant(OPTIONS);
    const model = new TenantModel(OPTIONS);
    const qids = model.vulns().map((v) => v.qid);
    const qualys = clientOf(tenant);
    const got = [];
    for (let i = 0; i < qids.length; i += 200) {
      const chunk = qids.slice(i, i + 200);
      const { got: part, error } = await drain(qualys.vm.listVulns({ id_min: chunk[0]!, id_max: chunk.at(-1)!, details: "All" }));
      expect(error).toBeUndefined();
      got.push(...part);
    }
    expect(got).toEqual(model.vulns().map((v) => decodedVuln(v, true)));
    expect(tenant.stats.byPath["/api/4.0/fo/knowledge_base/vuln/"]!.calls).toBe(3);
    // Every severity level and vuln type occurs.
    expect(new Set(got.map((v) => v.severityLevel))).toEqual(new Set([1, 2, 3, 4, 5]));
    expect(new Set(got.map((v) => v.vulnType))).toEqual(new Set(["Vulnerability", "Potential Vulnerability", "Information Gathered"]));
    await qualys.close();
  });

  it("answers ids lists and ranges with Basic details, dropping unknown QIDs without an error", async () => {
    tenant = await startTenant(OPTIONS);
    const model = new TenantModel(OPTIONS);
    const qids = model.vulns().map((v) => v.qid);
    const ids = `${qids[0]},${qids[5]}-${qids[9]},${qids[0]! + 1 === qids[1] ? 1 : qids[0]! + 1}`;
    const qualys = clientOf(tenant);
    const { got } = await drain(qualys.vm.listVulns({ ids }));
    expect(got).toEqual(expectedVulns(model, { ids }).map((v) => decodedVuln(v, false)));
    expect(got.map((v) => v.qid)).toEqual([qids[0], ...qids.filter((q) => q >= qids[5]! && q <= qids[9]!)]);
    await qualys.close();
  });

  it("returns only entries modified since a date once the clock has moved", async () => {
    tenant = await startTenant(OPTIONS);
    const before = tenant.model.now();
    tenant.advance({ days: 3, changeFraction: 0.5 });
    const since = new Date(before).toISOString().replace(".000Z", "Z");
    const qualys = clientOf(tenant);
    const { got, error } = await drain(qualys.vm.listVulns({ last_modified_after: since }));
    expect(error).toBeUndefined();
    const replay = new TenantModel(OPTIONS);
    replay.advance({ days: 3, changeFraction: 0.5 });
    const expected = expectedVulns(replay, { last_modified_after: since });
    expect(expected.length).toBeGreaterThan(3);
    expect(expected.length).toBeLessThan(replay.vulns().length / 4);
    expect(got).toEqual(expected.map((v) => decodedVuln(v, false)));
    expect(got.every((v) => v.lastServiceModificationDatetime!.getTime() >= before)).toBe(true);
    // QIDs published by the step are among them.
    expect(got.some((v) => v.publishedDatetime!.getTime() > before)).toBe(true);
    await qualys.close();
  });
});
