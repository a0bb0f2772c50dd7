/**
 * Extra certificate authorities for TLS: a PEM text or a file path, added to Node's trusted roots
 * (Node's own `ca` option replaces them, which would break every public host).
 */
import { readFileSync } from "node:fs";
import { rootCertificates } from "node:tls";
import { ConfigurationError } from "../errors/configuration-error.js";

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** One CA (or a bundle): PEM text, or the path of a PEM file. */
export type CaInput = string | readonly string[];

/** The certificates of `input` (each checked to hold at least one PEM certificate). */
export function readCa(input: CaInput): string[] {
  const out: string[] = [];
  for (const entry of typeof input === "string" ? [input] : input) {
    const text = entry.includes("-----BEGIN") ? entry : readPemFile(entry, "ca");
    const certs = text.match(PEM);
    if (!certs) throw new ConfigurationError(`ca ${entry.includes("-----BEGIN") ? "text" : `file ${entry}`} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
    out.push(...certs);
  }
  return out;
}

/**
 * What to trust when the caller adds CAs: Node's roots, the NODE_EXTRA_CA_CERTS file (Node drops
 * it too once `ca` is given), and the caller's.
 */
export function trustedCas(extra: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = env.NODE_EXTRA_CA_CERTS ? (readPemFile(env.NODE_EXTRA_CA_CERTS, "NODE_EXTRA_CA_CERTS").match(PEM) ?? []) : [];
  return [...rootCertificates, ...fromEnv, ...extra];
}

function readPemFile(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new ConfigurationError(`${what}: cannot read ${path} (${code ?? (err as Error).message}); give a PEM file path or the PEM text.`);
  }
}
