import { QualysError } from "./qualys-error.js";

/**
 * A feature needs a package the SDK leaves optional (a database driver, the chart engine, Redis,
 * a CLI library), and it is not installed. The message is one line naming what to install.
 */
export class MissingDependencyError extends QualysError {
  override name = "MissingDependencyError";
  /** The npm package to install, e.g. "pg". */
  readonly packageName: string;

  constructor(packageName: string, purpose: string, options?: ErrorOptions) {
    super(`${purpose} needs the package "${packageName}", which is not installed: npm install ${packageName}`, options);
    this.packageName = packageName;
  }
}
