import { ConfigurationError } from "./configuration-error.js";

/**
 * A URL the SDK would send credentials to is not safe: plain `http://` to a host other than this
 * machine, or a URL with a user name or password in it. A ConfigurationError, so one catch covers
 * every set-up mistake.
 */
export class InsecureUrlError extends ConfigurationError {
  override name = "InsecureUrlError";
  /** Scheme and host only: never the path, query or any user info the URL carried. */
  readonly origin: string;
  /** Which setting or call held the URL ("gatewayUrl", "apiUrl", "request"…). */
  readonly setting: string;

  constructor(message: string, init: { origin: string; setting: string }) {
    super(message);
    this.origin = init.origin;
    this.setting = init.setting;
  }
}
