/**
 * The Prism mock serves the spec's paths, which are the current versions: the default calls
 * succeed, and an older version — not in the spec — is refused by Prism with a 404, which the
 * SDK raises as an ApiVersionError naming the version to use.
 */
import { describe, expect, it } from "vitest";
import { createVmClient } from "../../src/generated/vm/index.js";
import { ApiVersionError } from "../../src/runtime/errors/api-version-error.js";
import { drain } from "../support/drain.js";
import { mockRuntime } from "../support/contract.js";

const example = (name: string) => ({ headers: { Prefer: `example=${name}` } });

describe("VM versions against the Prism mock", () => {
  const vm = () => createVmClient({ ...mockRuntime("vm"), onDeprecated: () => {} });

  it("serves the current paths: detections 5.0, KnowledgeBase 4.0, host list 5.0, scan list 3.0", async () => {
    expect((await drain(vm().listHostDetections(undefined, example("detections")))).got).toHaveLength(1);
    expect((await drain(vm().listVulns(undefined, example("kbVulns")))).got).toHaveLength(1);
    expect((await drain(vm().listHosts({ details: "None" }, example("hostIdSet")))).error).toBeUndefined();
    expect((await drain(vm().listScans(undefined, example("scanList")))).got).toHaveLength(2);
  });

  it("refuses a retired version (not in the spec) with 404: an ApiVersionError naming the current one", async () => {
    const { error } = await drain(vm().listHostDetections(undefined, { ...example("detections"), apiVersion: "2.0" }));
    expect(error).toBeInstanceOf(ApiVersionError);
    expect(error).toMatchObject({ version: "2.0", use: "API 5.0", httpStatus: 404, path: "/api/2.0/fo/asset/host/vm/detection/" });
  });
});
