/** `qualys was …`: Web Application Scanning (QPS REST 3.0 in JSON, on the API server). */
import { InvalidArgumentError, type Command } from "commander";
import type { QualysClient } from "../../client.js";
import { InvalidParameterError } from "../../runtime/errors/invalid-parameter-error.js";
import { WAS_SINCE_FIELDS, wasSinceCriterion, type WasCriterion, type WasListing } from "../../runtime/was/criteria.js";
import type { Run } from "../command.js";
import { rangedInt } from "./ranges.js";

const OPERATORS: readonly string[] = ["EQUALS", "NOT EQUALS", "GREATER", "LESSER", "IN", "CONTAINS", "NONE", "IS EMPTY"];

/** `webApp.id:IN:1,2`; WAS writes some operators with a space (`NOT EQUALS`). */
function collectCriterion(value: string, previous: WasCriterion[] = []): WasCriterion[] {
  const [field, operator, ...rest] = value.split(":");
  const op = operator?.trim().toUpperCase() ?? "";
  if (!field?.trim() || rest.length === 0) throw new InvalidArgumentError(`expected FIELD:OPERATOR:VALUE, e.g. "webApp.id:EQUALS:238483925".`);
  if (!OPERATORS.includes(op)) throw new InvalidArgumentError(`unknown operator "${op}"; WAS knows ${OPERATORS.join(", ")}.`);
  return [...previous, { field: field.trim(), operator: op as WasCriterion["operator"], value: rest.join(":") }];
}

interface ListOptions {
  filter?: WasCriterion[];
  since?: string;
  sinceField?: string;
  verbose?: boolean;
  pageSize: number;
}

type Searchable = "searchWebApps" | "searchFindings" | "searchScans";
const LISTINGS: Record<"webapps" | "findings" | "scans", { search: Searchable; what: string }> = {
  webapps: { search: "searchWebApps", what: "web applications" },
  findings: { search: "searchFindings", what: "findings (vulnerabilities, sensitive content, information gathered)" },
  scans: { search: "searchScans", what: "scans" },
};

/** Every record of a WAS search, telling the progress line about each page. */
async function* records(client: QualysClient, search: Searchable, body: object, signal: AbortSignal, onPage: () => void): AsyncGenerator<unknown> {
  const fetcher = client.was[search] as unknown as { pages(init: object): AsyncIterable<{ ServiceResponse?: { data?: Record<string, unknown>[] } }> };
  for await (const page of fetcher.pages({ body, signal })) {
    onPage();
    for (const item of page.ServiceResponse?.data ?? []) yield Object.values(item)[0];
  }
}

export function wasCommands(program: Command, run: Run): void {
  const was = program.command("was").description("Web Application Scanning (web apps, findings, scans)");

  for (const [name, { search, what }] of Object.entries(LISTINGS) as [WasListing & keyof typeof LISTINGS, (typeof LISTINGS)["webapps"]][]) {
    const fields = WAS_SINCE_FIELDS[name];
    was
      .command(name)
      .description(`stream ${what} (all pages: id GREATER lastId)`)
      .option("--filter <FIELD:OPERATOR:VALUE>", "criterion, repeatable, e.g. webApp.id:EQUALS:238483925", collectCriterion)
      .option("--since <date>", `only records with ${fields[0]} after this date (2025-07-01, 2025-07-01T12:00:00Z, 7d, 12h)`)
      .option("--since-field <field>", `the date --since compares: ${fields.join(", ")}`)
      .option("--verbose", "full records (findings: status, url, payloads, history…)")
      .option("--page-size <n>", "records per page (1–1000)", rangedInt(1, 1000), 1000)
      .action(
        run(async ({ client, progress, emit, signal }, o: ListOptions) => {
          if (o.sinceField && !o.since) throw new InvalidParameterError("needs --since", { parameter: "--since-field" });
          const since = o.since ? [wasSinceCriterion(name, o.since, o.sinceField)] : [];
          const criteria = [...(o.filter ?? []), ...since];
          const body = {
            ServiceRequest: {
              preferences: { limitResults: o.pageSize, ...(o.verbose && { verbose: true }) },
              ...(criteria.length && { filters: { Criteria: criteria } }),
            },
          };
          await emit(records(client, search, body, signal, () => progress.page()));
        }),
      );
  }
}

