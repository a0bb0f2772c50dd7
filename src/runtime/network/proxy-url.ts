/**
 * Proxy URLs may carry credentials (http://user:pass@proxy:3128). They go to undici as given and
 * are shown everywhere else with the user info redacted.
 */
import { ConfigurationError } from "../errors/configuration-error.js";

const REDACTED = "[redacted]";

/** `url` with any user name and password replaced; unparseable text is redacted whole past the scheme. */
export function redactProxyUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return parsed.origin;
    return `${parsed.protocol}//${REDACTED}@${parsed.host}`;
  } catch {
    return url.replace(/\/\/.*@/, `//${REDACTED}@`);
  }
}

/** The user info of a proxy URL, decoded and as written: what must never be printed. */
export function proxySecrets(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const parsed = new URL(url);
    const raw = [parsed.username, parsed.password].filter(Boolean);
    return [...new Set([...raw, ...raw.map(safeDecode), parsed.password && `${parsed.username}:${parsed.password}`].filter(Boolean) as string[])];
  } catch {
    const userinfo = /\/\/(.*)@/.exec(url)?.[1];
    return userinfo ? [userinfo] : [];
  }
}

/** Checks a proxy URL: http(s) only, a host; errors show it redacted. */
export function checkProxyUrl(url: string, source: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigurationError(`${source} is not a URL: ${redactProxyUrl(url)} (expected http://host:port).`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new ConfigurationError(`${source} must be an http:// or https:// proxy URL, not ${parsed.protocol}// (${redactProxyUrl(url)}).`);
  }
  return url;
}

/** Replaces each secret in `text`, longest first ("user:pass" before "pass"). */
export function scrubProxy(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(REDACTED);
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
