import { describe, expect } from "vitest";
import { createAuthClient } from "../../src/generated/auth/index.js";
import { HttpError } from "../../src/runtime/errors/http-error.js";
import { contractTest, mockRuntime } from "../support/contract.js";

describe("gateway auth against its Prism mock", () => {
  contractTest("auth", "createToken", async () => {
    const auth = createAuthClient(mockRuntime("auth"));
    const token = await auth.createToken({
      body: { username: "acme_ab12", password: "example-password", token: true, permissions: true },
    });
    expect(typeof token).toBe("string");
    expect(token.split(".")).toHaveLength(3);
    // Prism serves the documented 401 when asked; the fetcher turns it into a typed error.
    const failure = await auth
      .createToken({
        body: { username: "u", password: "p", token: true },
        headers: { Prefer: "code=401" },
      })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(HttpError);
    expect((failure as HttpError).status).toBe(401);
  });

  contractTest("auth", "createOAuthToken", async () => {
    const auth = createAuthClient(mockRuntime("auth"));
    const token = await auth.createOAuthToken({
      params: { header: { clientId: "3f6c1e2a-0000-4000-8000-000000000001", clientSecret: "s" } },
    });
    expect(token.split(".")).toHaveLength(3);
  });

  contractTest("auth", "createOidcToken", async () => {
    const auth = createAuthClient(mockRuntime("auth"));
    const token = await auth.createOidcToken({
      params: { header: { clientId: "3f6c1e2a-0000-4000-8000-000000000002", clientSecret: "s" } },
    });
    expect(token.split(".")).toHaveLength(3);
  });
});
