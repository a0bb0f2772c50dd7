import { ConfigurationError } from "./configuration-error.js";

/**
 * A database URL is not one this SDK can open (`sqlite:./file.db`, `postgres://…`). A
 * ConfigurationError, so the CLI treats it as a usage mistake. The message never holds a password.
 */
export class DatabaseUrlError extends ConfigurationError {
  override name = "DatabaseUrlError";
  /** The URL as given, with any password replaced by `***`. */
  readonly url: string;

  constructor(message: string, init: { url: string }) {
    super(message);
    this.url = init.url;
  }
}
