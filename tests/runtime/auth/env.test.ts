import { describe, expect, it } from "vitest";
import { credentialsFromEnv, envCredentials, envPlatform, OAuthCredentials, PasswordCredentials, TokenCredentials } from "../../../src/runtime/auth/index.js";
import { ConfigurationError } from "../../../src/runtime/errors/configuration-error.js";
import { PLATFORMS } from "../../../src/runtime/platforms.js";

const USER = { QUALYS_USERNAME: "acme3ab12", QUALYS_PASSWORD: "pw-from-env" };

describe("credentialsFromEnv", () => {
  it("reads a username and password, guessing the platform from the user name", () => {
    const env = credentialsFromEnv(USER);
    expect(env.platform).toBe("US3");
    expect(env.credentials).toBeInstanceOf(PasswordCredentials);
    expect((env.credentials as PasswordCredentials).username).toBe("acme3ab12");
    expect((env.credentials as PasswordCredentials).revealPassword()).toBe("pw-from-env");
  });

  it("prefers QUALYS_PLATFORM over the guess, in any case, and rejects an unknown one by name", () => {
    expect(credentialsFromEnv({ ...USER, QUALYS_PLATFORM: "eu2" }).platform).toBe("EU2");
    expect(() => credentialsFromEnv({ ...USER, QUALYS_PLATFORM: "EU9" })).toThrow(ConfigurationError);
    expect(() => credentialsFromEnv({ ...USER, QUALYS_PLATFORM: "EU9" })).toThrow(/QUALYS_PLATFORM="EU9".*Valid platforms: US1.*KSA1, GOV1/);
  });

  it("lets QUALYS_API_URL / QUALYS_GATEWAY_URL override one URL of the platform each", () => {
    expect(credentialsFromEnv({ ...USER, QUALYS_PLATFORM: "US2", QUALYS_API_URL: "https://proxy.example" }).platform).toEqual({
      apiUrl: "https://proxy.example",
      gatewayUrl: PLATFORMS.US2.gatewayUrl,
    });
    expect(credentialsFromEnv({ ...USER, QUALYS_PLATFORM: "US2", QUALYS_GATEWAY_URL: "https://gw.example" }).platform).toEqual({
      apiUrl: PLATFORMS.US2.apiUrl,
      gatewayUrl: "https://gw.example",
    });
    // Alone they are the whole platform (a private cloud): no guess from the user name.
    expect(credentialsFromEnv({ ...USER, QUALYS_API_URL: "https://qualysapi.acme.example" }).platform).toEqual({
      apiUrl: "https://qualysapi.acme.example",
      gatewayUrl: undefined,
    });
  });

  it("reads the OAuth client's level from QUALYS_CLIENT_LEVEL: subscription (default, /auth/oauth) or user (/auth/oidc)", () => {
    const base = { QUALYS_CLIENT_ID: "cid", QUALYS_CLIENT_SECRET: "csecret", QUALYS_PLATFORM: "CA1" };
    expect((credentialsFromEnv(base).credentials as OAuthCredentials).tokenEndpoint).toBe("/auth/oauth");
    const user = credentialsFromEnv({ ...base, QUALYS_CLIENT_LEVEL: "User" }).credentials as OAuthCredentials;
    expect([user.level, user.tokenEndpoint]).toEqual(["user", "/auth/oidc"]);
    expect(() => credentialsFromEnv({ ...base, QUALYS_CLIENT_LEVEL: "team" })).toThrow(/QUALYS_CLIENT_LEVEL is "team"/);
  });

  it("reads an OAuth client or a static token, the token first", () => {
    const oauth = credentialsFromEnv({ QUALYS_CLIENT_ID: "cid", QUALYS_CLIENT_SECRET: "csecret", QUALYS_PLATFORM: "CA1" });
    expect(oauth.credentials).toBeInstanceOf(OAuthCredentials);
    expect((oauth.credentials as OAuthCredentials).clientId).toBe("cid");
    const token = credentialsFromEnv({ ...USER, QUALYS_TOKEN: "a.b.c", QUALYS_PLATFORM: "GOV1" });
    expect(token.credentials).toBeInstanceOf(TokenCredentials);
    expect(token.platform).toBe("GOV1");
  });

  it("says which variable is missing", () => {
    expect(() => credentialsFromEnv({})).toThrow(/QUALYS_USERNAME and QUALYS_PASSWORD/);
    expect(() => credentialsFromEnv({ QUALYS_USERNAME: "u" })).toThrow(/^QUALYS_PASSWORD is not set/);
    expect(() => credentialsFromEnv({ QUALYS_PASSWORD: "p" })).toThrow(/^QUALYS_USERNAME is not set/);
    expect(() => credentialsFromEnv({ QUALYS_CLIENT_ID: "c" })).toThrow(/^QUALYS_CLIENT_SECRET is not set/);
    expect(() => credentialsFromEnv({ QUALYS_TOKEN: "t" })).toThrow(/QUALYS_PLATFORM/);
    // A user name without a known platform character cannot be guessed from.
    expect(() => credentialsFromEnv({ QUALYS_USERNAME: "admin", QUALYS_PASSWORD: "p" })).toThrow(/QUALYS_PLATFORM/);
  });

  it("reads process.env by default", () => {
    const saved = { ...process.env };
    try {
      process.env.QUALYS_TOKEN = "x.y.z";
      process.env.QUALYS_PLATFORM = "AU1";
      expect(credentialsFromEnv().platform).toBe("AU1");
    } finally {
      for (const key of ["QUALYS_TOKEN", "QUALYS_PLATFORM"]) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });

  it("offers its two halves alone: credentials only, and the platform without the guess", () => {
    expect(envCredentials({ QUALYS_TOKEN: "a.b.c" })).toBeInstanceOf(TokenCredentials);
    expect(() => envCredentials({ QUALYS_USERNAME: "u" })).toThrow(/QUALYS_PASSWORD/);
    expect(envPlatform(USER)).toBeUndefined();
    expect(envPlatform({ QUALYS_PLATFORM: "in1" })).toBe("IN1");
    expect(envPlatform({ QUALYS_PLATFORM: "US1", QUALYS_API_URL: " " })).toBe("US1");
    expect(() => envPlatform({ QUALYS_PLATFORM: "mars" })).toThrow(/QUALYS_PLATFORM/);
  });
});
