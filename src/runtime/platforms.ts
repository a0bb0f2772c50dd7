/**
 * Qualys platforms (pods): the API server (`qualysapi.*`, VM/PA/PC XML API) and the gateway
 * (JWT APIs) of each. Source: gateway-apis.md §6 (qualysdk's platform_picker and several
 * community tables that agree; the official platform-identification page could not be read).
 * Where sources disagreed we follow the majority — EU3 is on .it and KSA1 on qualysksa.com — and
 * any platform can be overridden with explicit URLs.
 *
 *   resolvePlatform("US2")                                  // both URLs of a shared platform
 *   resolvePlatform({ apiUrl: "https://qualysapi.acme.example", gatewayUrl: "https://gateway.acme.example" }) // private cloud
 */
import { redactUserInfo } from "./redact/url.js";
import { ConfigurationError } from "./errors/configuration-error.js";
import { InsecureUrlError } from "./errors/insecure-url-error.js";

export interface PlatformUrls {
  /** The VM/PA/PC API server; absent where unknown (GOV1). */
  readonly apiUrl?: string;
  /** The gateway (JWT APIs); "" when only an apiUrl was given for a private cloud. */
  readonly gatewayUrl: string;
}

export const PLATFORMS = {
  US1: { apiUrl: "https://qualysapi.qualys.com", gatewayUrl: "https://gateway.qg1.apps.qualys.com" },
  US2: { apiUrl: "https://qualysapi.qg2.apps.qualys.com", gatewayUrl: "https://gateway.qg2.apps.qualys.com" },
  US3: { apiUrl: "https://qualysapi.qg3.apps.qualys.com", gatewayUrl: "https://gateway.qg3.apps.qualys.com" },
  US4: { apiUrl: "https://qualysapi.qg4.apps.qualys.com", gatewayUrl: "https://gateway.qg4.apps.qualys.com" },
  EU1: { apiUrl: "https://qualysapi.qualys.eu", gatewayUrl: "https://gateway.qg1.apps.qualys.eu" },
  EU2: { apiUrl: "https://qualysapi.qg2.apps.qualys.eu", gatewayUrl: "https://gateway.qg2.apps.qualys.eu" },
  EU3: { apiUrl: "https://qualysapi.qg3.apps.qualys.it", gatewayUrl: "https://gateway.qg3.apps.qualys.it" },
  IN1: { apiUrl: "https://qualysapi.qg1.apps.qualys.in", gatewayUrl: "https://gateway.qg1.apps.qualys.in" },
  CA1: { apiUrl: "https://qualysapi.qg1.apps.qualys.ca", gatewayUrl: "https://gateway.qg1.apps.qualys.ca" },
  AE1: { apiUrl: "https://qualysapi.qg1.apps.qualys.ae", gatewayUrl: "https://gateway.qg1.apps.qualys.ae" },
  UK1: { apiUrl: "https://qualysapi.qg1.apps.qualys.co.uk", gatewayUrl: "https://gateway.qg1.apps.qualys.co.uk" },
  AU1: { apiUrl: "https://qualysapi.qg1.apps.qualys.com.au", gatewayUrl: "https://gateway.qg1.apps.qualys.com.au" },
  KSA1: { apiUrl: "https://qualysapi.qg1.apps.qualysksa.com", gatewayUrl: "https://gateway.qg1.apps.qualysksa.com" },
  // UNVERIFIED: the gateway comes from two community READMEs only, and no source names GOV1's
  // qualysapi host, so VM/PA/PC calls on GOV1 need an explicit apiUrl.
  GOV1: { gatewayUrl: "https://gateway.gov1.qualys.us" },
} as const satisfies Record<string, PlatformUrls>;

export type PlatformName = keyof typeof PLATFORMS;

export const PLATFORM_NAMES = Object.keys(PLATFORMS) as readonly PlatformName[];

/** Platforms whose URLs no source confirms, so a caller can warn or ask for explicit URLs. */
export const UNVERIFIED_PLATFORMS: readonly PlatformName[] = ["GOV1"];

/**
 * The platform character in a Qualys user name (`<company><platform char><initials><n>`), from a
 * community table (gateway-apis.md §6). GOV1 has no known character.
 */
const USERNAME_CHARS: Readonly<Record<string, PlatformName>> = {
  _: "US1", "2": "US2", "3": "US3", "6": "US4", "-": "EU1", "5": "EU2", "!": "EU2", B: "EU3",
  "8": "IN1", "9": "CA1", "7": "AE1", "1": "UK1", "4": "AU1", A: "KSA1",
};

/** Explicit URLs (private cloud, proxy, local mock) or a platform name, in any letter case. */
export type PlatformInput = PlatformName | Lowercase<PlatformName> | Partial<PlatformUrls>;

export function isPlatformName(name: string): name is PlatformName {
  return Object.hasOwn(PLATFORMS, name);
}

/**
 * The URLs of a platform. Throws ConfigurationError for an unknown name (the message lists the
 * valid ones) and InsecureUrlError for explicit URLs that are not https (loopback excepted) or
 * that carry a user name or password. Explicit URLs lose any trailing slash.
 */
export function resolvePlatform(platform: PlatformInput): PlatformUrls {
  if (typeof platform === "string") {
    const key = platform.trim().toUpperCase();
    if (!isPlatformName(key)) {
      throw new ConfigurationError(`Unknown Qualys platform "${platform}". Valid platforms: ${PLATFORM_NAMES.join(", ")}; or give explicit { apiUrl, gatewayUrl }.`);
    }
    return PLATFORMS[key];
  }
  if (platform === null || typeof platform !== "object") {
    throw new ConfigurationError(`A platform is a name (${PLATFORM_NAMES.join(", ")}) or { apiUrl, gatewayUrl }, not ${platform === null ? "null" : typeof platform}.`);
  }
  if (!platform.gatewayUrl && !platform.apiUrl) {
    throw new ConfigurationError("Give a platform name or at least one of apiUrl / gatewayUrl.");
  }
  const apiUrl = platform.apiUrl ? normalizeUrl(platform.apiUrl, "apiUrl") : undefined;
  const gatewayUrl = platform.gatewayUrl ? normalizeUrl(platform.gatewayUrl, "gatewayUrl") : "";
  return apiUrl ? { apiUrl, gatewayUrl } : { gatewayUrl };
}

/**
 * A GUESS from the platform character of a user name (e.g. `acme3ab12` → US3, `acme_ab12` → US1).
 * Qualys does not promise this layout and the character table comes from community sources, so
 * use it only as a default when no platform was given; undefined when nothing matches.
 */
export function platformFromUsername(username: string): PlatformName | undefined {
  // Lower-case company letters, then the platform character, then the user's initials.
  const char = /^[a-z]+([^a-z])[a-z]/.exec(username)?.[1];
  return char === undefined ? undefined : USERNAME_CHARS[char];
}

/** 127.0.0.0/8, ::1 and localhost: the only hosts plain http may carry credentials to. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Origins already found safe, so the check on every request costs a string compare. */
const safeOrigins = new Set<string>();

/**
 * Credentials travel on every call: refuses (InsecureUrlError) anything but https, except plain
 * http to this machine (tests, mocks), and URLs with user info in them.
 */
export function assertSecureUrl(url: string | URL, setting = "URL"): void {
  if (typeof url === "string") {
    const end = url.indexOf("/", url.indexOf("//") + 2);
    const origin = end === -1 ? url : url.slice(0, end);
    if (safeOrigins.has(origin)) return;
  }
  let u: URL;
  try {
    u = typeof url === "string" ? new URL(url) : url;
  } catch {
    throw new ConfigurationError(`${setting} is not an absolute URL: "${withoutUserInfo(String(url))}"`);
  }
  if (u.username || u.password) {
    throw new InsecureUrlError(
      `${setting} must not carry a user name or password (${u.protocol}//[redacted]@${u.host}): pass credentials separately.`,
      { origin: `${u.protocol}//${u.host}`, setting },
    );
  }
  if (u.protocol === "https:" || (u.protocol === "http:" && isLoopback(u.hostname))) {
    safeOrigins.add(u.origin);
    return;
  }
  throw new InsecureUrlError(
    `Refusing to send Qualys credentials over ${u.protocol}//${u.host} (${setting}): use https (plain http is allowed only to 127.0.0.1, ::1 and localhost).`,
    { origin: `${u.protocol}//${u.host}`, setting },
  );
}

function normalizeUrl(url: string, setting: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigurationError(`${setting} is not a URL: "${withoutUserInfo(url)}"`);
  }
  assertSecureUrl(parsed, setting);
  return parsed.origin + parsed.pathname.replace(/\/+$/, "");
}

/** A malformed URL may still hold `user:password@`: keep that out of messages. */
function withoutUserInfo(url: string): string {
  return url.includes("://") ? redactUserInfo(url) : url.replace(/^.*@/s, "[redacted]@");
}
