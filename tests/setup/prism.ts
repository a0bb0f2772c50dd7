/**
 * Vitest global setup: one Prism mock per spec in redocly.yaml (through the same `startQualysMock`
 * users get from `qualys-ts/mock`). Tests read the URLs with `inject("prismUrls")`.
 * Set QUALYS_TS_SKIP_PRISM=1 to skip them when running tests that don't need the mocks.
 */
import type { TestProject } from "vitest/node";
import { startQualysMock } from "../../src/mock/index.js";

declare module "vitest" {
  export interface ProvidedContext {
    prismUrls: Record<string, string>;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.QUALYS_TS_SKIP_PRISM === "1") {
    project.provide("prismUrls", {});
    return async () => {};
  }
  const mock = await startQualysMock();
  project.provide("prismUrls", { ...mock.urls });
  return () => mock.close();
}
