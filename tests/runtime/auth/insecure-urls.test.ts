import { describe, expect, it } from "vitest";
import { createAuth } from "../../../src/runtime/auth/index.js";
import { ConfigurationError } from "../../../src/runtime/errors/configuration-error.js";
import { InsecureUrlError } from "../../../src/runtime/errors/insecure-url-error.js";
import { compose } from "../../../src/runtime/pipeline.js";
import type { ApiFamily, Handler } from "../../../src/runtime/types.js";
import { failure, STATIC_TOKEN } from "./helpers.js";

const token = { token: STATIC_TOKEN };
const user = { username: "acme_ab12", password: "pw" };

describe("plain http is refused except to this machine", () => {
  it.each(["http://gateway.example.com", "http://10.0.0.5", "http://[fe80::1]:8080", "ftp://gateway.example.com", "http://127.example.com"])(
    "refuses %s at set-up",
    (url) => {
      const err = (() => {
        try {
          createAuth({ credentials: token, gatewayUrl: url });
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(InsecureUrlError);
      expect(err).toBeInstanceOf(ConfigurationError);
      expect(err).toMatchObject({ setting: "gatewayUrl", origin: expect.stringMatching(/^(http|ftp):\/\//) });
      expect((err as Error).message).toMatch(/use https/);
    },
  );

  it.each(["http://127.0.0.1:9", "http://127.45.6.7", "http://[::1]:9", "http://localhost:9", "http://LOCALHOST", "https://gateway.example.com"])(
    "allows %s",
    (url) => {
      expect(() => createAuth({ credentials: token, gatewayUrl: url, apiUrl: url })).not.toThrow();
    },
  );

  it("refuses URLs that carry a user name or password", () => {
    expect(() => createAuth({ credentials: user, apiUrl: "https://acme:pw@qualysapi.example" })).toThrow(InsecureUrlError);
    expect(() => createAuth({ credentials: user, apiUrl: "https://acme:pw@qualysapi.example" })).toThrow(/must not carry a user name or password/);
  });

  it.each<[ApiFamily, string]>([
    ["vm", "http://qualysapi.example.com/api/2.0/fo/scan/"],
    ["gateway", "http://gateway.example.com/sm/v1/script-types"],
  ])("refuses to send %s credentials to a non-loopback http URL at request time", async (family, url) => {
    const auth = createAuth({ credentials: user, gatewayUrl: "https://gateway.example.com" });
    const sent: Request[] = [];
    const transport: Handler = async (request) => {
      sent.push(request);
      return new Response("must not be sent");
    };
    const handler = compose([auth.layer], transport);
    const err = await failure(handler(new Request(url), { module: "m", family, idempotent: true }));
    expect(err).toBeInstanceOf(InsecureUrlError);
    expect(err).toMatchObject({ setting: "request" });
    expect(sent).toHaveLength(0);
  });
});
