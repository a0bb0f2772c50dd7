/** `qualys csam …`: CSAM / Global AssetView asset inventory (gateway, JWT). */
import { InvalidArgumentError, Option, type Command } from "commander";
import { CSAM_SINCE_FIELDS, csamSinceFilter, parseCsamFilter, type CsamFilter, type CsamSinceField } from "../../runtime/csam/filters.js";
import { QualysError } from "../../runtime/errors/qualys-error.js";
import type { Run } from "../command.js";
import { rangedInt } from "./ranges.js";

/** A repeatable `--filter`, each value checked as it is parsed (a usage error otherwise). */
function collectFilter(value: string, previous: CsamFilter[] = []): CsamFilter[] {
  try {
    return [...previous, parseCsamFilter(value)];
  } catch (err) {
    if (err instanceof QualysError) throw new InvalidArgumentError(err.message);
    throw err;
  }
}

interface AssetOptions {
  filter?: CsamFilter[];
  or?: boolean;
  since?: string;
  sinceField: CsamSinceField;
  fields?: string;
  excludeFields?: string;
  pageSize: number;
}

export function csamCommands(program: Command, run: Run): void {
  const csam = program.command("csam").description("CSAM / Global AssetView asset inventory");

  csam
    .command("assets")
    .description("stream assets (all pages: lastSeenAssetId cursor)")
    .option("--filter <FIELD:OPERATOR:VALUE>", "filter, repeatable, e.g. operatingSystem.category1:EQUALS:Windows", collectFilter)
    .option("--or", "match any filter instead of all")
    .option("--since <date>", "only assets changed after this date (2025-07-01, 2025-07-01T12:00:00Z, 7d, 12h)")
    .addOption(new Option("--since-field <field>", "which date --since compares: modified (any change) or sensor (sensor updates)").choices(Object.keys(CSAM_SINCE_FIELDS)).default("modified"))
    .option("--fields <sections>", "include only these sections: software,openPort,tag,networkInterface,volume,userAccount,agent,sensor…")
    .option("--exclude-fields <sections>", "leave these sections out (e.g. software)")
    .option("--page-size <n>", "assets per page (1–300)", rangedInt(1, 300), 300)
    .action(
      run(async ({ client, progress, emit, signal }, o: AssetOptions) => {
        const filters = [...(o.filter ?? []), ...(o.since ? [csamSinceFilter(o.since, o.sinceField)] : [])];
        const pages = client.csam.searchAssets.pages({
          params: { query: { pageSize: o.pageSize, includeFields: o.fields, excludeFields: o.excludeFields } },
          body: filters.length ? { filters, operation: o.or ? "OR" : "AND" } : undefined,
          signal,
        });
        await emit(
          (async function* () {
            for await (const page of pages) {
              progress.page();
              yield* page?.assetListData?.asset ?? []; // no page: 204, nothing matched
            }
          })(),
        );
      }),
    );
}
