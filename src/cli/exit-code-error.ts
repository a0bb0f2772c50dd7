/** A command that ended with a distinct exit code and a one-line message (e.g. `qualys export`: 3, bad hosts recorded). */
export class ExitCodeError extends Error {
  override name = "ExitCodeError";
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
