/**
 * What a WAS (QPS REST 3.0, JSON) search or count selects: the ServiceRequest's criteria
 * (`id GREATER lastId` for paging), preferences (limitResults 1–1000, default 100; verbose;
 * startFromOffset), as pure functions of the model. Errors are QPS's: HTTP 200 with
 * responseCode INVALID_REQUEST and responseErrorDetails.
 */
import type { TenantModel } from "./model.js";
import type { WasFindingState, WasWebAppState } from "./webapps.js";

export class WasRequestError extends Error {
  constructor(
    readonly errorMessage: string,
    readonly errorResolution?: string,
  ) {
    super(errorMessage);
  }
}

export interface Criterion {
  readonly field: string;
  readonly operator: string;
  readonly value: string;
}

export interface WasQuery {
  readonly criteria: readonly Criterion[];
  readonly limit: number;
  readonly verbose: boolean;
  /** 1-based offset into the matches (startFromOffset), when given. */
  readonly offset?: number;
}

type Kind = "long" | "date" | "string" | "enum" | "bool";
interface Field<T> {
  readonly kind: Kind;
  readonly of: (record: T, model: TenantModel) => string | number | readonly (string | number)[] | undefined;
}

const APP_FIELDS: Record<string, Field<WasWebAppState>> = {
  id: { kind: "long", of: (a) => a.id },
  name: { kind: "string", of: (a, m) => m.was.renderWebApp(a, false).name as string },
  url: { kind: "string", of: (a, m) => m.was.renderWebApp(a, false).url as string },
  createdDate: { kind: "date", of: (a) => a.created },
  updatedDate: { kind: "date", of: (a) => a.updated },
  "lastScan.date": { kind: "date", of: (a) => a.lastScan?.at },
  "tags.id": { kind: "long", of: (a, m) => ((m.was.renderWebApp(a, true).tags as { list: { Tag: { id: number } }[] }).list.map((t) => t.Tag.id)) },
  "tags.name": { kind: "string", of: (a, m) => ((m.was.renderWebApp(a, true).tags as { list: { Tag: { name: string } }[] }).list.map((t) => t.Tag.name)) },
};

const FINDING_FIELDS: Record<string, Field<WasFindingState>> = {
  id: { kind: "long", of: (f) => f.id },
  qid: { kind: "long", of: (f) => f.qid },
  "webApp.id": { kind: "long", of: (f) => f.webAppId },
  status: { kind: "enum", of: (f) => f.status },
  type: { kind: "enum", of: (f) => f.type },
  severity: { kind: "long", of: (f, m) => m.was.vulnOf(f.qid)?.severity ?? 3 },
  firstDetectedDate: { kind: "date", of: (f) => f.firstDetected },
  lastDetectedDate: { kind: "date", of: (f) => f.lastDetected },
  lastTestedDate: { kind: "date", of: (f) => f.lastTested },
  updatedDate: { kind: "date", of: (f) => f.updated },
  fixedDate: { kind: "date", of: (f) => (f.status === "FIXED" ? f.fixed : undefined) },
};

const OPERATORS: Record<Kind, readonly string[]> = {
  long: ["EQUALS", "NOT EQUALS", "GREATER", "LESSER", "IN"],
  date: ["EQUALS", "NOT EQUALS", "GREATER", "LESSER"],
  string: ["EQUALS", "NOT EQUALS", "CONTAINS", "IN"],
  enum: ["EQUALS", "NOT EQUALS", "IN"],
  bool: ["EQUALS"],
};
const RESOLUTION: Record<Kind, string> = { long: "Specify criteria value(s) as Long.", date: "Specify criteria value(s) as a date (YYYY-MM-DDTHH:MM:SSZ).", string: "Specify criteria value(s) as text.", enum: "Specify one of the documented values.", bool: "Specify true or false." };

function parseValue(kind: Kind, field: string, raw: string): (string | number)[] {
  const parts = raw.split(",").map((v) => v.trim());
  const bad = () => new WasRequestError(`Criteria: Invalid value format for criteria '${field}' (${raw}).`, RESOLUTION[kind]);
  if (kind === "long") {
    if (!parts.every((p) => /^\d+$/.test(p))) throw bad();
    return parts.map(Number);
  }
  if (kind === "date") {
    const ms = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$/.test(raw) ? Date.parse(raw.length === 10 ? `${raw}T00:00:00Z` : raw) : NaN;
    if (!Number.isFinite(ms)) throw bad();
    return [ms];
  }
  return kind === "string" ? [raw] : parts;
}

function compare(kind: Kind, operator: string, have: string | number | readonly (string | number)[] | undefined, want: readonly (string | number)[]): boolean {
  if (have === undefined) return operator === "NOT EQUALS";
  const values = Array.isArray(have) ? have : [have as string | number];
  const norm = (v: string | number) => (typeof v === "string" ? v.toLowerCase() : v);
  const one = (v: string | number): boolean => {
    switch (operator) {
      case "EQUALS":
        return norm(v) === norm(want[0]!);
      case "NOT EQUALS":
        return norm(v) !== norm(want[0]!);
      case "GREATER":
        return (v as number) > (want[0] as number);
      case "LESSER":
        return (v as number) < (want[0] as number);
      case "IN":
        return want.map(norm).includes(norm(v));
      default:
        return String(v).toLowerCase().includes(String(want[0]).toLowerCase());
    }
  };
  return operator === "NOT EQUALS" ? values.every(one) : values.some(one);
}

/** The `{"ServiceRequest": …}` body, checked (an empty body asks for everything). */
export function wasQuery(body: unknown, fields: "webapp" | "finding"): WasQuery & { readonly matcher: (record: never, model: TenantModel) => boolean } {
  const request = ((body ?? {}) as { ServiceRequest?: unknown }).ServiceRequest ?? {};
  if (typeof request !== "object" || request === null) throw new WasRequestError("Invalid ServiceRequest.");
  const { preferences = {}, filters = {} } = request as { preferences?: Record<string, unknown>; filters?: { Criteria?: unknown } };
  const limitText = preferences.limitResults === undefined ? "100" : String(preferences.limitResults);
  if (!/^\d+$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 1000) throw new WasRequestError(`Invalid value for limitResults (${limitText}).`, "Specify a value from 1 to 1000.");
  const offsetText = preferences.startFromOffset === undefined ? undefined : String(preferences.startFromOffset);
  if (offsetText !== undefined && (!/^\d+$/.test(offsetText) || Number(offsetText) < 1)) throw new WasRequestError(`Invalid value for startFromOffset (${offsetText}).`);
  // QualysETL sends a single Criteria object where others send a list.
  const rawCriteria = filters.Criteria === undefined ? [] : Array.isArray(filters.Criteria) ? filters.Criteria : [filters.Criteria];
  const table = (fields === "webapp" ? APP_FIELDS : FINDING_FIELDS) as Record<string, Field<unknown>>;
  const checks = rawCriteria.map((c) => {
    const { field, operator, value } = (c ?? {}) as Record<string, unknown>;
    if (typeof field !== "string" || typeof operator !== "string" || value === undefined) throw new WasRequestError(`Criteria: Invalid criteria ${JSON.stringify(c)}.`);
    const known = table[field];
    if (!known) throw new WasRequestError(`Criteria: Unsupported criteria field '${field}'.`);
    if (!OPERATORS[known.kind].includes(operator)) throw new WasRequestError(`Criteria: Unsupported operator '${operator}' for criteria '${field}'.`);
    const want = parseValue(known.kind, field, String(value));
    return { criterion: { field, operator, value: String(value) }, test: (record: unknown, model: TenantModel) => compare(known.kind, operator, known.of(record, model), want) };
  });
  return {
    criteria: checks.map((c) => c.criterion),
    limit: Number(limitText),
    verbose: preferences.verbose === true || preferences.verbose === "true",
    offset: offsetText === undefined ? undefined : Number(offsetText),
    matcher: (record: never, model: TenantModel) => checks.every((c) => c.test(record, model)),
  };
}

/** Web apps matching a search body's criteria, ascending id, rendered as the search sends them. */
export function expectedWebApps(model: TenantModel, body?: unknown): Record<string, unknown>[] {
  const query = wasQuery(body, "webapp");
  return model.was.webAppStates().filter((a) => query.matcher(a as never, model)).map((a) => model.was.renderWebApp(a, query.verbose));
}

/** Findings matching a search body's criteria, ascending id, rendered as the search sends them. */
export function expectedFindings(model: TenantModel, body?: unknown): Record<string, unknown>[] {
  const query = wasQuery(body, "finding");
  const apps = new Map(model.was.webAppStates().map((a) => [a.id, a]));
  return model.was.findingStates().filter((f) => query.matcher(f as never, model)).map((f) => model.was.renderFinding(f, apps.get(f.webAppId)!, query.verbose));
}
