/**
 * Credentials for the CLI: the environment first, else a JSON config file
 * (`--config`, or ~/.config/qualys-ts/config.json) with `username`/`password` (or `clientId`/
 * `clientSecret`, or `token`) and `platform` / `apiUrl` / `gatewayUrl`. A file that others can
 * read is refused when it holds a secret.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { credentialsFromEnv, toCredentials, type Credentials } from "../runtime/auth/credentials.js";
import { ConfigurationError } from "../runtime/errors/configuration-error.js";
import type { PlatformInput } from "../runtime/platforms.js";

export interface CliSettings {
  readonly credentials: Credentials;
  readonly platform: PlatformInput;
}

export const defaultConfigPath = () => join(homedir(), ".config", "qualys-ts", "config.json");

export function loadSettings(configPath: string | undefined, env: NodeJS.ProcessEnv = process.env): CliSettings {
  const hasEnv = env.QUALYS_USERNAME || env.QUALYS_PASSWORD || env.QUALYS_TOKEN || env.QUALYS_CLIENT_ID;
  if (hasEnv && !configPath) return credentialsFromEnv(env);
  const path = configPath ?? defaultConfigPath();
  if (!existsSync(path)) {
    if (configPath) throw new ConfigurationError(`Config file ${path} does not exist.`);
    return credentialsFromEnv(env);
  }
  const config = JSON.parse(readFileSync(path, "utf8")) as Record<string, string>;
  if ((config.password || config.clientSecret || config.token) && (statSync(path).mode & 0o077) !== 0) {
    throw new ConfigurationError(`${path} holds a secret but other users can read it: run \`chmod 600 ${path}\`.`);
  }
  const credentials = toCredentials(config as never);
  const platform: PlatformInput | undefined =
    config.apiUrl || config.gatewayUrl ? { apiUrl: config.apiUrl, gatewayUrl: config.gatewayUrl } : (config.platform as PlatformInput | undefined);
  if (!platform) throw new ConfigurationError(`${path} names no platform (e.g. "platform": "US2") or apiUrl / gatewayUrl.`);
  return { credentials, platform };
}
