import { describe, expect } from "vitest";
import { createSaasdrClient } from "../../src/generated/saasdr/index.js";
import { HttpError } from "../../src/runtime/errors/http-error.js";
import { contractTest, mockRuntime } from "../support/contract.js";

const pinControlName =
  "Ensure that 'Max PIN attempts' setting is configured in '1 to 6' range for the iOS device app protection policy";

describe("SaaSDR against its Prism mock", () => {
  const sdr = () => createSaasdrClient(mockRuntime("saasdr"));

  contractTest("saasdr", "listControls", async () => {
    const controls = await sdr().listControls({ params: { query: { fields: "cid,name,criticality" } } });
    expect(controls.map((c) => c.cid)).toEqual(["10021", "10022"]);
    expect(controls[0]?.name).toBe(pinControlName);
    expect(controls[0]?.connectorType).toBe("OFFICE365");
  });

  contractTest("saasdr", "createCustomControls", async () => {
    const created = await sdr().createCustomControls({
      params: { query: { policyId: "1001" } },
      body: [
        {
          cid: "10021",
          criticality: "High",
          criticalityNo: 3,
          predicate: "$.[?(@.maximumPinRetries >= 1 && @.maximumPinRetries <= 4)]",
        },
      ],
    });
    expect(created).toHaveLength(1);
    expect(created[0]?.predicate).toBe("$.[?(@.maximumPinRetries >= 1 && @.maximumPinRetries <= 4)]");
    // policyId is mandatory.
    const failure = await sdr()
      .createCustomControls({ body: [{ cid: "10021" }] } as never)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(HttpError);
    expect((failure as HttpError).status).toBe(400);
  });

  contractTest("saasdr", "updateCustomControl", async () => {
    const updated = await sdr().updateCustomControl({ body: { cid: "10021", criticality: "High" } });
    expect(updated.cid).toBe("10021");
    expect(updated.entityType).toBe("IOS Managed App Protection Policy");
  });

  contractTest("saasdr", "getCustomControl", async () => {
    const control = await sdr().getCustomControl({ params: { path: { cID: "xxxxx" } } });
    expect(control.name).toBe(pinControlName);
    expect(control.criticality).toBe("Low");
    expect(control.criticalityNo).toBe(3);
    expect(control.predicate).toBe("$.[?(@.maximumPinRetries >= 1 && @.maximumPinRetries <= 6)]");
    expect(control.evidences).toEqual([
      { evidenceKey: "Max PIN attempts", evidenceSuccess: "$.maximumPinRetries", evidenceFail: "$.maximumPinRetries" },
    ]);
    expect(control.xpath).toBe("$.value");
  });

  contractTest("saasdr", "listCustomControls", async () => {
    const controls = await sdr().listCustomControls();
    expect(controls).toHaveLength(1);
    expect(controls[0]?.cid).toBe("10021");
  });
});
