/**
 * Base class of every error this SDK throws, so callers can catch them all with one `instanceof`.
 * Subclasses never put credentials in `message`; `toJSON` keeps them out of logs too.
 */
export class QualysError extends Error {
  override name = "QualysError";

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, message: this.message };
    for (const [key, value] of Object.entries(this)) {
      if (key !== "cause" && typeof value !== "function") out[key] = value;
    }
    return out;
  }
}
