import { QualysError } from "./qualys-error.js";

/** The client was set up wrongly (unknown platform, missing credentials, insecure URL…). */
export class ConfigurationError extends QualysError {
  override name = "ConfigurationError";
}
