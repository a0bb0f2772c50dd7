/**
 * A small slice of the XML fuzz run (`npm run fuzz` runs the large one, over 10,000 inputs): every
 * kind of hostile input at least once, in worker processes with a watchdog. No crash (an error
 * that is not typed), no hang, and no partial or wrongly decoded record.
 */
import { describe, expect, it } from "vitest";
import { runXmlFuzz } from "./run-xml.js";

describe("XML fuzz, small slice", () => {
  it("ends every input with records or a typed error, never a crash, a hang or a partial record", async () => {
    const summary = await runXmlFuzz({ scale: "small", seed: 20261130, hangMs: 30_000 });
    expect(summary.failures).toEqual([]);
    expect(summary.crashes).toBe(0);
    expect(summary.hangs).toBe(0);
    expect(summary.partialRecords).toBe(0);
    // Both outcomes really happen: the slice is not all-accept or all-reject.
    expect(summary.typedErrors).toBeGreaterThan(100);
    expect(summary.accepted).toBeGreaterThan(10);
    expect(Object.keys(summary.byKind).length).toBeGreaterThanOrEqual(20);
  }, 240_000);
});
