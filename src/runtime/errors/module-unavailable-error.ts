import { QualysError } from "./qualys-error.js";

/**
 * The subscription does not have a Qualys module (CSAM, WAS, PC…): its first call was refused
 * (401/403, or the module's own "not authorised" answer) although the credentials are good.
 * `qualys export` skips such a module with one line when it was not asked for by name.
 */
export class ModuleUnavailableError extends QualysError {
  override name = "ModuleUnavailableError";
  /** "csam", "was", "pcrs"… */
  readonly module: string;

  /** `message` replaces the default text when the module cannot be reached for another reason (no URL configured for it). */
  constructor(module: string, detail: string, options?: ErrorOptions & { readonly message?: string }) {
    super(options?.message ?? `the subscription has no ${module.toUpperCase()} access (${detail})`, options);
    this.module = module;
  }
}
