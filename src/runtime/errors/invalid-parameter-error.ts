import { QualysError } from "./qualys-error.js";

/**
 * A call's parameters cannot be sent as given (a nested object, NaN, an invalid Date, an empty
 * id list, an API version the endpoint does not have…). Raised before anything is sent.
 */
export class InvalidParameterError extends QualysError {
  override name = "InvalidParameterError";
  readonly operation: string | undefined;
  readonly parameter: string | undefined;

  constructor(message: string, init: { operation?: string; parameter?: string } = {}) {
    super(`${init.operation ? `${init.operation}: ` : ""}${init.parameter ? `parameter ${init.parameter} ` : ""}${message}`);
    this.operation = init.operation;
    this.parameter = init.parameter;
  }
}
