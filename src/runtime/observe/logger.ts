/**
 * Where the client's request log goes. Any object with the four level methods fits (console,
 * pino or winston behind a small adapter); each line is a finished sentence, and the same facts
 * come as fields for structured loggers.
 */
import { ConfigurationError } from "../errors/configuration-error.js";

export type LogLevel = "debug" | "info" | "warn" | "error";
export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

export interface Logger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** `sink` with the levels below `level` dropped. */
export function atLevel(level: LogLevel, sink: Logger): Logger {
  const min = LOG_LEVELS.indexOf(level);
  const out = {} as Record<LogLevel, Logger[LogLevel]>;
  for (const [i, name] of LOG_LEVELS.entries()) out[name] = i >= min ? (message, fields) => sink[name](message, fields) : () => {};
  return out;
}

/** Writes each line (message only) to a stream, e.g. stderr for the CLI. */
export function streamLogger(stream: { write(text: string): unknown }): Logger {
  const line = (level: LogLevel) => (message: string) => void stream.write(`${level === "info" ? "" : `${level}: `}${message}\n`);
  return { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };
}

/** console, message only (fields are for structured loggers). */
export const consoleLogger: Logger = {
  debug: (m) => console.debug(m),
  info: (m) => console.info(m),
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

/** The level QUALYS_LOG asks for, or undefined when unset; a wrong value names the valid ones. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel | undefined {
  const value = env.QUALYS_LOG?.trim().toLowerCase();
  if (!value || value === "off" || value === "none") return undefined;
  if (!(LOG_LEVELS as readonly string[]).includes(value)) throw new ConfigurationError(`QUALYS_LOG="${env.QUALYS_LOG}" is not a log level: use ${LOG_LEVELS.join(", ")} or off.`);
  return value as LogLevel;
}

/**
 * The client's logger: the one given (`false`: none), else console when QUALYS_LOG asks for one —
 * a library stays silent unless told.
 */
export function resolveLogger(option: Logger | false | undefined, env: NodeJS.ProcessEnv = process.env): Logger | undefined {
  if (option === false) return undefined;
  if (option) return option;
  const level = logLevelFromEnv(env);
  return level ? atLevel(level, consoleLogger) : undefined;
}
