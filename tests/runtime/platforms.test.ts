import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/runtime/errors/configuration-error.js";
import { PLATFORMS, platformFromUsername, resolvePlatform } from "../../src/runtime/platforms.js";

describe("platforms", () => {
  it("knows every Qualys platform, with https URLs", () => {
    expect(Object.keys(PLATFORMS)).toEqual(["US1", "US2", "US3", "US4", "EU1", "EU2", "EU3", "IN1", "CA1", "AE1", "UK1", "AU1", "KSA1", "GOV1"]);
    for (const urls of Object.values(PLATFORMS)) {
      expect(urls.gatewayUrl).toMatch(/^https:\/\/gateway\./);
      if ("apiUrl" in urls) expect(urls.apiUrl).toMatch(/^https:\/\/qualysapi\./);
    }
    expect(resolvePlatform("eu3")).toEqual({ apiUrl: "https://qualysapi.qg3.apps.qualys.it", gatewayUrl: "https://gateway.qg3.apps.qualys.it" });
    expect(resolvePlatform("KSA1").gatewayUrl).toBe("https://gateway.qg1.apps.qualysksa.com");
  });

  it("names the valid platforms when given an unknown one", () => {
    expect(() => resolvePlatform("US9" as never)).toThrow(ConfigurationError);
    expect(() => resolvePlatform("US9" as never)).toThrow(/Valid platforms: US1, US2, .*GOV1/);
  });

  it("takes explicit URLs for private clouds and strips trailing slashes", () => {
    expect(resolvePlatform({ apiUrl: "https://qualysapi.acme.example/", gatewayUrl: "https://gw.acme.example" })).toEqual({
      apiUrl: "https://qualysapi.acme.example",
      gatewayUrl: "https://gw.acme.example",
    });
    expect(() => resolvePlatform({ apiUrl: "http://qualysapi.acme.example" })).toThrow(/https/);
    expect(() => resolvePlatform({ apiUrl: "not a url" })).toThrow(/not a URL/);
  });

  it("guesses the platform from the user name's platform character", () => {
    expect(platformFromUsername("acme_ab12")).toBe("US1");
    expect(platformFromUsername("acme3ab12")).toBe("US3");
    expect(platformFromUsername("acme-ab12")).toBe("EU1");
    expect(platformFromUsername("acmeBab12")).toBe("EU3");
    expect(platformFromUsername("acmeab12")).toBeUndefined();
  });
});
