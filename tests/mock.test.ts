import { describe, expect, it } from "vitest";
import { createAuthClient } from "../src/generated/auth/index.js";
import { startQualysMock } from "../src/mock/index.js";
import { compose, fetchTransport } from "../src/runtime/pipeline.js";

describe("qualys-ts/mock", () => {
  it("starts the chosen modules on 127.0.0.1 and stops them", async () => {
    const mock = await startQualysMock({ modules: ["auth"] });
    expect(Object.keys(mock.urls)).toEqual(["auth"]);
    expect(mock.urls.auth).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const auth = createAuthClient({ handler: compose([], fetchTransport), baseUrl: () => mock.urls.auth! });
    const token = await auth.createToken({ body: { username: "u", password: "p", token: true } });
    expect(token.split(".")).toHaveLength(3);
    await mock.close();
    await expect(fetch(mock.urls.auth!)).rejects.toThrow();
  }, 60_000);

  it("names the modules it knows when asked for another", async () => {
    await expect(startQualysMock({ modules: ["nope"] })).rejects.toThrow(/unknown module\(s\) nope; known: auth, car, csam, etm, pcrs, qflow, saasdr, vm, was/);
  });
});
