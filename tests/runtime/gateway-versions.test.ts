/**
 * Gateway operations past their End-of-Life (CAR v1 script writes): never a default, flagged
 * once per process, and a refusal by the server is an ApiVersionError naming the operation to
 * call instead. Against a 127.0.0.1 server.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { carOperations, createCarClient } from "../../src/generated/car/index.js";
import { apiVersionTable } from "../../src/generated/versions.js";
import { ApiVersionError } from "../../src/runtime/errors/api-version-error.js";
import { HttpError } from "../../src/runtime/errors/http-error.js";
import { compose, fetchTransport } from "../../src/runtime/pipeline.js";
import type { DeprecationWarningInfo } from "../../src/runtime/runtime.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function carAgainst(answer: (path: string, res: ServerResponse) => void, warnings: DeprecationWarningInfo[] = []) {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(new URL(req.url ?? "/", "http://x").pathname);
    req.resume().on("end", () => answer(paths.at(-1)!, res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  const car = createCarClient({ handler: compose([], fetchTransport), baseUrl: () => url, onDeprecated: (w) => warnings.push(w) });
  return { car, paths };
}

const body = { title: "t", typeId: 1, languageId: 2 };

describe("CAR script writes", () => {
  it("are on v5 (create) and v4 (update) by default; the v1 paths are older rows of the version table, past their end of life", () => {
    expect(carOperations.createScript.path).toBe("/sm/v5/script");
    expect(carOperations.updateScript.path).toBe("/sm/v4/script/{id}");
    const create = apiVersionTable.find((r) => r.module === "car" && r.operation === "createScript")!;
    expect(create.current).toMatchObject({ version: "v5", path: "/sm/v5/script" });
    expect(create.older).toEqual([
      expect.objectContaining({ version: "v4", operation: "createScriptV4", endOfSupport: "2025-06" }),
      expect.objectContaining({ version: "v1", operation: "createScriptV1", endOfSupport: "2025-12", endOfLife: "2026-06" }),
    ]);
    const update = apiVersionTable.find((r) => r.module === "car" && r.operation === "updateScript")!;
    expect(update.older).toEqual([expect.objectContaining({ version: "v1", operation: "updateScriptV1", endOfLife: "2026-06" })]);
    // No replacement is deprecated itself, and every deprecated CAR operation has one.
    for (const meta of Object.values(carOperations) as { operationId: string; deprecated?: { replacement?: string } }[]) {
      if (!meta.deprecated) continue;
      const replacement = (carOperations as Record<string, { deprecated?: unknown }>)[meta.deprecated.replacement!];
      expect(replacement, meta.operationId).toBeDefined();
      expect(replacement!.deprecated, meta.operationId).toBeUndefined();
    }
  });

  it("a v1 call refused with 404 is an ApiVersionError naming createScript, after one warning that it is past its end of life", async () => {
    const warnings: DeprecationWarningInfo[] = [];
    const { car, paths } = await carAgainst((_p, res) => (res.writeHead(404, { "Content-Type": "application/json" }), res.end('{"message":"Not Found"}')), warnings);
    const error = await car.createScriptV1({ body }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiVersionError);
    expect(error).toMatchObject({ operation: "createScriptV1", version: "v1", use: "createScript (POST /sm/v5/script)", endOfLife: "2026-06", httpStatus: 404, current: false });
    expect((error as Error).message).toBe(
      "createScriptV1: Qualys refused API v1 (POST /sm/v1/script: HTTP 404): it is past its end of life (2026-06) and retired. Use createScript (POST /sm/v5/script) instead (the SDK's default).",
    );
    expect(paths).toEqual(["/sm/v1/script"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toBe(
      "qualys-ts: car.createScriptV1 (POST /sm/v1/script) is deprecated by Qualys (end of support 2025-12 (past), end of life 2026-06 (past)) and may be refused; use createScript instead.",
    );
  });

  it("a v1 call answered with an HTML page (410 or 200) is an ApiVersionError too", async () => {
    const { car } = await carAgainst((path, res) => {
      if (path.startsWith("/sm/v1/block-commands/")) return res.writeHead(200, { "Content-Type": "text/html" }), res.end("<html><body>This API was retired</body></html>");
      res.writeHead(410, { "Content-Type": "text/html" });
      res.end("<html><body>Gone</body></html>");
    });
    await expect(car.updateScriptV1({ params: { path: { id: 1 } }, body: { comment: "c" } })).rejects.toMatchObject({ name: "ApiVersionError", httpStatus: 410, use: "updateScript (PATCH /sm/v4/script/{id})" });
    await expect(car.getBlockCommandsV1({ params: { path: { id: 1 } } })).rejects.toMatchObject({ name: "ApiVersionError", httpStatus: undefined, use: "searchBlockCommands (POST /sm/v1/block-commands/search)" });
  });

  it("a 404 on a current operation stays an HttpError", async () => {
    const { car } = await carAgainst((_p, res) => (res.writeHead(404, { "Content-Type": "application/json" }), res.end('{"message":"Script not found"}')));
    const error = await car.updateScript({ params: { path: { id: 9 } }, body: { comment: "c" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).not.toBeInstanceOf(ApiVersionError);
  });
});
