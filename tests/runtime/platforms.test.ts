import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/runtime/errors/configuration-error.js";
import { InsecureUrlError } from "../../src/runtime/errors/insecure-url-error.js";
import { PLATFORM_NAMES, PLATFORMS, platformFromUsername, resolvePlatform, UNVERIFIED_PLATFORMS } from "../../src/runtime/platforms.js";

describe("platforms", () => {
  it("knows every Qualys platform, with https URLs on the right hosts", () => {
    expect(PLATFORM_NAMES).toEqual(["US1", "US2", "US3", "US4", "EU1", "EU2", "EU3", "IN1", "CA1", "AE1", "UK1", "AU1", "KSA1", "GOV1"]);
    for (const [name, urls] of Object.entries(PLATFORMS)) {
      expect(urls.gatewayUrl, name).toMatch(/^https:\/\/gateway\.[a-z0-9.]+$/);
      if ("apiUrl" in urls) expect(urls.apiUrl, name).toMatch(/^https:\/\/qualysapi\.[a-z0-9.]+$/);
    }
    expect(resolvePlatform("US1")).toEqual({ apiUrl: "https://qualysapi.qualys.com", gatewayUrl: "https://gateway.qg1.apps.qualys.com" });
    expect(resolvePlatform("EU1").apiUrl).toBe("https://qualysapi.qualys.eu");
    expect(resolvePlatform("eu3")).toEqual({ apiUrl: "https://qualysapi.qg3.apps.qualys.it", gatewayUrl: "https://gateway.qg3.apps.qualys.it" });
    expect(resolvePlatform("KSA1")).toEqual({ apiUrl: "https://qualysapi.qg1.apps.qualysksa.com", gatewayUrl: "https://gateway.qg1.apps.qualysksa.com" });
    expect(resolvePlatform("UK1").gatewayUrl).toBe("https://gateway.qg1.apps.qualys.co.uk");
  });

  it("gives GOV1 a gateway only, and marks it unverified", () => {
    expect(resolvePlatform("GOV1")).toEqual({ gatewayUrl: "https://gateway.gov1.qualys.us" });
    expect(UNVERIFIED_PLATFORMS).toEqual(["GOV1"]);
  });

  it("names the valid platforms when given an unknown one", () => {
    expect(() => resolvePlatform("US9" as never)).toThrow(ConfigurationError);
    expect(() => resolvePlatform("US9" as never)).toThrow(/Unknown Qualys platform "US9"\. Valid platforms: US1, US2, .*KSA1, GOV1/);
    expect(() => resolvePlatform("constructor" as never)).toThrow(/Unknown Qualys platform/);
    expect(() => resolvePlatform(42 as never)).toThrow(/not number/);
  });

  it("takes explicit URLs for private clouds and strips trailing slashes", () => {
    expect(resolvePlatform({ apiUrl: "https://qualysapi.acme.example/", gatewayUrl: "https://gw.acme.example/base//" })).toEqual({
      apiUrl: "https://qualysapi.acme.example",
      gatewayUrl: "https://gw.acme.example/base",
    });
    expect(resolvePlatform({ apiUrl: "https://qualysapi.acme.example" })).toEqual({ apiUrl: "https://qualysapi.acme.example", gatewayUrl: "" });
    expect(() => resolvePlatform({})).toThrow(/at least one of apiUrl \/ gatewayUrl/);
    expect(() => resolvePlatform({ apiUrl: "http://qualysapi.acme.example" })).toThrow(InsecureUrlError);
    expect(() => resolvePlatform({ apiUrl: "not a url" })).toThrow(/apiUrl is not a URL/);
    expect(resolvePlatform({ apiUrl: "http://127.0.0.1:4010" }).apiUrl).toBe("http://127.0.0.1:4010");
  });

  it("guesses the platform from the user name's platform character (a guess, not a promise)", () => {
    const cases: [string, string | undefined][] = [
      ["acme_ab12", "US1"], ["acme2ab12", "US2"], ["acme3ab12", "US3"], ["acme6ab12", "US4"],
      ["acme-ab12", "EU1"], ["acme5ab12", "EU2"], ["acme!ab12", "EU2"], ["acmeBab12", "EU3"],
      ["acme8ab12", "IN1"], ["acme9ab12", "CA1"], ["acme7ab12", "AE1"], ["acme1ab12", "UK1"],
      ["acme4ab12", "AU1"], ["acmeAab12", "KSA1"],
      ["acmeab12", undefined], ["acme#ab12", undefined], ["", undefined], ["3ab12", undefined],
    ];
    for (const [username, platform] of cases) expect(platformFromUsername(username), username).toBe(platform);
  });
});
