import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CSAM_SINCE_FIELDS, csamSinceFilter, parseCsamFilter } from "../../src/runtime/csam/filters.js";
import { sinceTimestamp } from "../../src/runtime/since.js";
import { wasSinceCriterion } from "../../src/runtime/was/criteria.js";

const now = () => Date.parse("2026-11-30T12:34:56.789Z");

describe("since", () => {
  it("turns dates, zoned date-times and spans back into UTC YYYY-MM-DDTHH:MM:SSZ", () => {
    expect(sinceTimestamp("2025-07-01", now)).toBe("2025-07-01T00:00:00Z");
    expect(sinceTimestamp("2025-07-01T12:30+02:00", now)).toBe("2025-07-01T10:30:00Z");
    expect(sinceTimestamp("2025-07-01T12:30:15.250Z", now)).toBe("2025-07-01T12:30:15Z");
    expect(sinceTimestamp("7d", now)).toBe("2026-11-23T12:34:56Z");
    expect(sinceTimestamp("12h", now)).toBe("2026-11-30T00:34:56Z");
    expect(sinceTimestamp(new Date("2025-01-02T03:04:05Z"))).toBe("2025-01-02T03:04:05Z");
  });

  it("refuses what is not a date, a zone-less date-time included (it would depend on the machine's zone)", () => {
    for (const bad of ["yesterday", "2025-13-01", "2025-07-01T12:00", "07/01/2025", "", "-3d"]) {
      expect(() => sinceTimestamp(bad, now), bad).toThrow(expect.objectContaining({ name: "InvalidParameterError", parameter: "since" }));
    }
  });
});

describe("CSAM filters", () => {
  it("parses FIELD:OPERATOR:VALUE, keeping colons in the value", () => {
    expect(parseCsamFilter("asset.lastUpdated:greater:2025-07-01T00:00:00Z")).toEqual({ field: "asset.lastUpdated", operator: "GREATER", value: "2025-07-01T00:00:00Z" });
    expect(parseCsamFilter("networkInterface.addressIpV6:EQUALS:fe80::1")).toEqual({ field: "networkInterface.addressIpV6", operator: "EQUALS", value: "fe80::1" });
    expect(parseCsamFilter("asset.name:EQUALS:")).toEqual({ field: "asset.name", operator: "EQUALS", value: "" });
    for (const bad of ["asset.name", "asset.name:EQUALS", ":EQUALS:x", "asset.name:NOT EQUALS:x"]) expect(() => parseCsamFilter(bad), bad).toThrow(/filter/);
  });

  it("filters since on the token the spec's x-incremental names for each date", () => {
    const spec = parse(readFileSync(join(import.meta.dirname, "..", "..", "specs", "csam.yaml"), "utf8")) as {
      paths: Record<string, { post: { "x-incremental": Record<string, { field: string }> } }>;
    };
    const incremental = spec.paths["/rest/2.0/search/am/asset"]!.post["x-incremental"];
    for (const [which, field] of Object.entries(CSAM_SINCE_FIELDS)) expect(incremental[which]?.field, which).toBe(field);
    expect(csamSinceFilter("2025-07-01", "sensor")).toEqual({ field: "inventory.lastUpdated", operator: "GREATER", value: "2025-07-01T00:00:00Z" });
    expect(() => csamSinceFilter("2025-07-01", "created" as never)).toThrow(/modified or sensor/);
  });
});

describe("WAS since criteria", () => {
  it("uses each listing's date, lastDetectedDate for findings unless told lastTestedDate", () => {
    expect(wasSinceCriterion("findings", "2025-07-01")).toEqual({ field: "lastDetectedDate", operator: "GREATER", value: "2025-07-01T00:00:00Z" });
    expect(wasSinceCriterion("findings", "2025-07-01", "lastTestedDate").field).toBe("lastTestedDate");
    expect(wasSinceCriterion("webapps", "2025-07-01").field).toBe("updatedDate");
    expect(wasSinceCriterion("scans", "2025-07-01").field).toBe("launchedDate");
    expect(() => wasSinceCriterion("scans", "2025-07-01", "updatedDate")).toThrow(/launchedDate/);
  });
});
