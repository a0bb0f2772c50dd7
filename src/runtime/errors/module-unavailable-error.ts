import { QualysError } from "./qualys-error.js";

/**
 * The subscription does not have a Qualys module (CSAM, WAS, PC…): its first call was refused
 * (401/403, or the module's own "not authorised" answer) although the credentials are good; or
 * the client has no URL for the module's API at all.
 * `qualys export` skips such a module with one line when it was not asked for by name.
 */
export class ModuleUnavailableError extends QualysError {
  override name = "ModuleUnavailableError";
  /** "csam", "was", "pcrs"… */
  readonly module: string;

  /** `unreachable`: the client has no URL for the module's API (a client set up for VM alone), rather than a refusal. */
  constructor(module: string, detail: string, options?: ErrorOptions & { readonly unreachable?: boolean }) {
    super(options?.unreachable ? `${module.toUpperCase()} cannot be reached (${detail})` : `the subscription has no ${module.toUpperCase()} access (${detail})`, options);
    this.module = module;
  }
}
