/**
 * Qualys platforms (pods): the API server (`qualysapi.*`, VM/PA/PC XML API) and the gateway
 * (JWT APIs) of each. Source: gateway-apis.md §6 (qualysdk's platform_picker and several
 * community tables that agree; EU3 is on .it and KSA1 on qualysksa.com). GOV1 has no known
 * qualysapi host, so only its gateway is listed.
 */
import { ConfigurationError } from "./errors/configuration-error.js";

export interface PlatformUrls {
  /** The VM/PA/PC API server; absent where unknown (GOV1). */
  readonly apiUrl?: string;
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
  GOV1: { gatewayUrl: "https://gateway.gov1.qualys.us" },
} as const satisfies Record<string, PlatformUrls>;

export type PlatformName = keyof typeof PLATFORMS;

/** The platform character in a Qualys user name: `<company><platform char><initials><n>`. */
const USERNAME_CHARS: Record<string, PlatformName> = {
  _: "US1", "2": "US2", "3": "US3", "6": "US4", "-": "EU1", "5": "EU2", "!": "EU2", B: "EU3",
  "8": "IN1", "9": "CA1", "7": "AE1", "1": "UK1", "4": "AU1", A: "KSA1",
};

/** Explicit URLs (private cloud, proxy, local mock) or a platform name. */
export type PlatformInput = PlatformName | Lowercase<PlatformName> | Partial<PlatformUrls>;

export function resolvePlatform(platform: PlatformInput): PlatformUrls {
  if (typeof platform === "string") {
    const key = platform.toUpperCase() as PlatformName;
    const urls: PlatformUrls | undefined = PLATFORMS[key];
    if (!urls) {
      throw new ConfigurationError(`Unknown Qualys platform "${platform}". Valid platforms: ${Object.keys(PLATFORMS).join(", ")}.`);
    }
    return urls;
  }
  if (!platform.gatewayUrl && !platform.apiUrl) {
    throw new ConfigurationError("Give a platform name or at least one of apiUrl / gatewayUrl.");
  }
  const apiUrl = platform.apiUrl ? checkUrl(platform.apiUrl, "apiUrl") : undefined;
  const gatewayUrl = platform.gatewayUrl ? checkUrl(platform.gatewayUrl, "gatewayUrl") : "";
  return apiUrl ? { apiUrl, gatewayUrl } : { gatewayUrl };
}

/**
 * A guess from the platform character of a user name (e.g. `acme3ab12` → US3). Qualys does not
 * promise the layout, so this is only a default; an explicit platform always wins.
 */
export function platformFromUsername(username: string): PlatformName | undefined {
  // Lower-case company letters, then the platform character, then the user's initials.
  const char = /^[a-z]+([^a-z])[a-z]/.exec(username)?.[1];
  return char === undefined ? undefined : USERNAME_CHARS[char];
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Credentials travel on every call: plain http is allowed only to this machine (tests, mocks). */
/** Origins already found safe: the check runs on every request. */
const safeOrigins = new Set<string>();

export function assertSecureUrl(url: string | URL, what = "URL"): void {
  if (typeof url === "string") {
    if (url.startsWith("https://")) return;
    const end = url.indexOf("/", url.indexOf("//") + 2);
    if (safeOrigins.has(end === -1 ? url : url.slice(0, end))) return;
  }
  const u = typeof url === "string" ? new URL(url) : url;
  if (u.protocol === "https:") return;
  if (u.protocol === "http:" && isLoopback(u.hostname)) {
    safeOrigins.add(u.origin);
    return;
  }
  throw new ConfigurationError(
    `Refusing to send Qualys credentials over ${u.protocol}//${u.host} (${what}): use https (plain http is allowed only to 127.0.0.1/localhost).`,
  );
}

function checkUrl(url: string, what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigurationError(`${what} is not a URL: "${url}"`);
  }
  assertSecureUrl(parsed, what);
  return parsed.origin + parsed.pathname.replace(/\/+$/, "");
}
