import { inject, it } from "vitest";
import { compose, fetchTransport } from "../../src/runtime/pipeline.js";
import type { Runtime } from "../../src/runtime/runtime.js";
import type { Layer } from "../../src/runtime/types.js";

/**
 * Declares the contract test of one operation. tests/contract/coverage.test.ts reads these calls
 * (module, operation) from the test sources and fails when a spec operation has none.
 */
export function contractTest(module: string, operation: string, fn: () => Promise<void>): void {
  it(`${module}.${operation} answers as its spec says`, fn);
}

export function prismUrl(module: string): string {
  const url = inject("prismUrls")[module];
  if (!url) throw new Error(`no Prism mock for "${module}": is it in redocly.yaml, and is QUALYS_TS_SKIP_PRISM unset?`);
  return url;
}

/** Prism checks that a bearer token is present, not which one; the VM API also wants X-Requested-With. */
const mockBearer: Layer = (next) => (request, ctx) => {
  if (ctx.family === "vm") request.headers.set("X-Requested-With", "qualys-ts contract tests");
  if (!ctx.skipAuth) request.headers.set("Authorization", "Bearer mock-token");
  return next(request, ctx);
};

/** A runtime aimed at the Prism mocks: every module goes to its own mock. */
export function mockRuntime(module?: string): Runtime {
  if (module) prismUrl(module);
  return { handler: compose([mockBearer], fetchTransport), baseUrl: (_family, m) => prismUrl(m ?? module ?? "") };
}
