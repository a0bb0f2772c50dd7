/**
 * Custom CAs against a local HTTPS server whose certificate a throwaway CA (made in the test with
 * openssl) signs: refused without the CA with a TlsError that names the certificate problem,
 * accepted with it — for module calls, retries and auth calls, on both transports.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigurationError, NetworkError, TlsError } from "../../../src/errors.js";
import { readCa, trustedCas } from "../../../src/runtime/network/ca.js";
import { carServer, certificates, clientFor, rejection, SCRIPT_TYPES, TOKEN } from "./support.js";

describe("an HTTPS server signed by a private CA", () => {
  it.each(["undici", "fetch"] as const)("is refused without the CA: a TlsError naming the certificate problem, not retried (%s)", async (transport) => {
    const server = await carServer(true);
    const retries: unknown[] = [];
    const err = await rejection(clientFor(server.url, { transport, hooks: { onRetry: (i) => retries.push(i) } }).car.listScriptTypes());
    expect(err).toBeInstanceOf(TlsError);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.message).toContain("self-signed certificate in certificate chain");
    expect(err.message).toContain("listScriptTypes");
    expect(err.message).toMatch(/--ca-file|NODE_EXTRA_CA_CERTS/);
    expect((err as TlsError).code).toBe("SELF_SIGNED_CERT_IN_CHAIN");
    expect(err.message).not.toContain("fetch failed");
    expect(retries).toHaveLength(0);
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ["PEM text", "undici"],
    ["file path", "undici"],
    ["PEM text", "fetch"],
    ["file path", "fetch"],
  ] as const)("is accepted with the CA as %s (%s)", async (form, transport) => {
    const server = await carServer(true);
    const ca = form === "PEM text" ? certificates().caPem : certificates().caFile;
    expect(await clientFor(server.url, { ca, transport }).car.listScriptTypes()).toEqual(SCRIPT_TYPES);
    expect(server.requests).toHaveLength(1);
  });

  it("applies the CA to retries and to the auth call that gets the JWT", async () => {
    let scriptCalls = 0;
    const server = await carServer(true, (req) => {
      if (req.path === "/auth") return { body: TOKEN };
      return ++scriptCalls === 1 ? { status: 503, body: { message: "busy" } } : { body: SCRIPT_TYPES };
    });
    const retries: unknown[] = [];
    const client = clientFor(server.url, {
      credentials: { username: "acme3ab12", password: "s3cr3t-Pa55word!" },
      ca: certificates().caPem,
      hooks: { onRetry: (i) => retries.push(i) },
    });
    expect(await client.car.listScriptTypes()).toEqual(SCRIPT_TYPES);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /auth", "GET /sm/v1/script-types", "GET /sm/v1/script-types"]);
    expect(retries).toHaveLength(1);
  });

  it("adds the CA to Node's roots and NODE_EXTRA_CA_CERTS rather than replacing them", () => {
    const extra = readCa(certificates().caFile);
    const dir = mkdtempSync(join(tmpdir(), "qualys-ts-ca-"));
    const envFile = join(dir, "extra.pem");
    const other = certificates().cert.split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n";
    writeFileSync(envFile, other);
    const trusted = trustedCas(extra, { NODE_EXTRA_CA_CERTS: envFile });
    expect(trusted.length).toBeGreaterThan(100);
    expect(trusted).toContain(extra[0]);
    expect(trusted.map((c) => c.trim())).toContain(other.trim());
  });

  it("names a CA file it cannot read, and CA text with no certificate", () => {
    expect(() => readCa("/nonexistent/ca.pem")).toThrow(ConfigurationError);
    expect(() => readCa("/nonexistent/ca.pem")).toThrow(/cannot read \/nonexistent\/ca.pem \(ENOENT\)/);
    expect(() => readCa("-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----")).toThrow(/holds no PEM certificate/);
    expect(() => clientFor("https://127.0.0.1:1", { ca: "/nonexistent/ca.pem" })).toThrow(ConfigurationError);
  });
});
