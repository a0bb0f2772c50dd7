/**
 * Credentials for the CLI. `--config <file>` when given; else the environment (QUALYS_USERNAME /
 * QUALYS_PASSWORD, QUALYS_CLIENT_ID / QUALYS_CLIENT_SECRET (+ QUALYS_CLIENT_LEVEL) or
 * QUALYS_TOKEN, with QUALYS_PLATFORM, QUALYS_API_URL, QUALYS_GATEWAY_URL) when it holds
 * credentials; else ~/.config/qualys-ts/config.json. The file is JSON:
 *
 *   { "username": "acme2ab12", "password": "…", "platform": "US2" }
 *
 * (or `clientId`/`clientSecret` with an optional `clientLevel` "subscription" | "user", or
 * `token`; `apiUrl`/`gatewayUrl` instead of `platform`; optional `vmAuth`, and `apiVersions`: an
 * object of VM action → API version, e.g. {"listVulns": "3.0"}, for the actions that must stay on
 * an older version). A file holding a secret that other users can read is refused.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { credentialsFromEnv, PasswordCredentials, toCredentials, type Credentials, type VmAuthMode } from "../runtime/auth/index.js";
import { ConfigurationError } from "../runtime/errors/configuration-error.js";
import { platformFromUsername, type PlatformInput } from "../runtime/platforms.js";
import { apiVersionProblem } from "./api-versions.js";

export interface CliSettings {
  readonly credentials: Credentials;
  readonly platform: PlatformInput;
  readonly vmAuth?: VmAuthMode;
  /** VM action → API version (the config file's `apiVersions`). */
  readonly apiVersions?: Readonly<Record<string, string>>;
}

export const defaultConfigPath = (env: NodeJS.ProcessEnv = process.env): string =>
  join(env.XDG_CONFIG_HOME || join(homedir(), ".config"), "qualys-ts", "config.json");

const CREDENTIAL_VARS = ["QUALYS_USERNAME", "QUALYS_PASSWORD", "QUALYS_CLIENT_ID", "QUALYS_CLIENT_SECRET", "QUALYS_TOKEN"];
const FIELDS = ["username", "password", "clientId", "clientSecret", "clientLevel", "token", "platform", "apiUrl", "gatewayUrl", "vmAuth", "apiVersions"];

export function loadSettings(configPath: string | undefined, env: NodeJS.ProcessEnv = process.env): CliSettings {
  if (configPath) {
    if (!existsSync(configPath)) throw new ConfigurationError(`Config file ${configPath} does not exist.`);
    return readConfigFile(configPath, env);
  }
  if (CREDENTIAL_VARS.some((name) => env[name])) return credentialsFromEnv(env);
  const path = defaultConfigPath(env);
  if (existsSync(path)) return readConfigFile(path, env);
  throw new ConfigurationError(
    `No Qualys credentials: set QUALYS_USERNAME and QUALYS_PASSWORD (or QUALYS_CLIENT_ID and QUALYS_CLIENT_SECRET, or QUALYS_TOKEN) and QUALYS_PLATFORM, or write them to ${path} (chmod 600), or try --mock.`,
  );
}

function readConfigFile(path: string, env: NodeJS.ProcessEnv): CliSettings {
  let text: string;
  try {
    if (statSync(path).isDirectory()) throw new ConfigurationError(`Config file ${path} is a directory, not a JSON file.`);
    text = readFileSync(path, "utf8");
  } catch (err) {
    if (err instanceof ConfigurationError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigurationError(`Config file ${path} cannot be read (${code === "EACCES" || code === "EPERM" ? "permission denied" : code ?? "unknown error"}).`);
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (err) {
    // JSON.parse quotes the text around the fault, and that may be the password: say where only.
    const at = /position (\d+)/.exec((err as Error).message)?.[1];
    const where = at === undefined ? "" : ` (line ${text.slice(0, Number(at)).split("\n").length})`;
    throw new ConfigurationError(`${path} is not valid JSON${where}.`);
  }
  if (config === null || typeof config !== "object" || Array.isArray(config)) throw new ConfigurationError(`${path} must hold a JSON object.`);
  const fields = config as Record<string, unknown>;
  const { apiVersions, ...rest } = fields;
  for (const [key, value] of Object.entries(rest)) {
    if (!FIELDS.includes(key)) throw new ConfigurationError(`${path}: unknown field "${key}" (known: ${FIELDS.join(", ")}).`);
    if (typeof value !== "string") throw new ConfigurationError(`${path}: "${key}" must be a string.`);
  }
  const versions = checkApiVersions(path, apiVersions);
  const s = rest as Record<string, string | undefined>;
  if ((s.password || s.clientSecret || s.token) && process.platform !== "win32" && (statSync(path).mode & 0o077) !== 0) {
    throw new ConfigurationError(`${path} holds a secret but other users can read it: run \`chmod 600 ${path}\` first.`);
  }
  let credentials: Credentials;
  try {
    credentials = toCredentials(s as never);
  } catch (err) {
    throw new ConfigurationError(`${path}: ${(err as Error).message}`);
  }
  const platform: PlatformInput | undefined =
    s.apiUrl || s.gatewayUrl
      ? { apiUrl: s.apiUrl, gatewayUrl: s.gatewayUrl }
      : ((s.platform ?? env.QUALYS_PLATFORM) as PlatformInput | undefined) ??
        (credentials instanceof PasswordCredentials ? platformFromUsername(credentials.username) : undefined);
  if (!platform) throw new ConfigurationError(`${path} names no platform: add "platform" (e.g. "US2") or "apiUrl" / "gatewayUrl".`);
  if (s.vmAuth !== undefined && !["basic", "session", "jwt", "oidc"].includes(s.vmAuth)) {
    throw new ConfigurationError(`${path}: "vmAuth" must be "basic", "session" or "jwt" (also "oidc").`);
  }
  return { credentials, platform, vmAuth: s.vmAuth as VmAuthMode | undefined, ...(versions ? { apiVersions: versions } : {}) };
}

/** `apiVersions`: an object of VM action → a version that action has. */
function checkApiVersions(path: string, value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new ConfigurationError(`${path}: "apiVersions" must be an object of VM action → API version, e.g. {"listVulns": "3.0"}.`);
  for (const [action, version] of Object.entries(value)) {
    const problem = apiVersionProblem(action, version);
    if (problem) throw new ConfigurationError(`${path}: "apiVersions": ${problem}.`);
  }
  return value as Record<string, string>;
}
