/** What a client is set up to do, with no secret in it: its auth modes and the API version of each VM action. */
import { vmActions, type VmClientOptions } from "./generated/vm/index.js";
import { OAuthCredentials, PasswordCredentials, type Credentials } from "./runtime/auth/index.js";

/** How a client is set up, with no secret in it: what `qualys doctor` reports. */
export interface ClientSetup {
  /** The VM API's auth: "basic", "session" or "jwt" (the gateway token as a bearer). */
  readonly vmAuth: "basic" | "session" | "jwt";
  /** Where the gateway JWT comes from: `/auth` (username and password), `/auth/oauth` or `/auth/oidc` (OAuth client), or a static token. */
  readonly gatewayToken: "/auth" | "/auth/oauth" | "/auth/oidc" | "static token";
  /** Every VM action with API versions → the version its calls go to unless a call names one. */
  readonly vmApiVersions: Readonly<Record<string, string>>;
  /** The part of vmApiVersions the client was given (`vm.apiVersions`); the rest is the current version. */
  readonly configuredVmApiVersions: Readonly<Record<string, string>>;
}

export function setupOf(vmAuth: "basic" | "session" | "oidc", credentials: Credentials, vm: VmClientOptions | undefined): ClientSetup {
  const configured = Object.fromEntries(Object.entries(vm?.apiVersions ?? {}).filter(([, v]) => v !== undefined)) as Record<string, string>;
  const versions: Record<string, string> = {};
  for (const [name, meta] of Object.entries(vmActions) as [string, { version?: string }][]) if (meta.version) versions[name] = configured[name] ?? meta.version;
  return {
    vmAuth: vmAuth === "oidc" ? "jwt" : vmAuth,
    gatewayToken: credentials instanceof PasswordCredentials ? "/auth" : credentials instanceof OAuthCredentials ? credentials.tokenEndpoint : "static token",
    vmApiVersions: versions,
    configuredVmApiVersions: configured,
  };
}
