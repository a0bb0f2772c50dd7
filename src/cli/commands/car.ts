/** `qualys car …`: Custom Assessment and Remediation (gateway, JWT). */
import type { Command } from "commander";
import { int, type Run } from "../command.js";

export function carCommands(program: Command, run: Run): void {
  const car = program.command("car").description("Custom Assessment and Remediation");

  car
    .command("scripts")
    .description("script types and languages (the ids scripts are created with)")
    .action(
      run(async ({ client, emit, signal }) => {
        const [types, languages] = await Promise.all([client.car.listScriptTypes({ signal }), client.car.listScriptLanguages({ signal })]);
        await emit([...(types.body?.list ?? []).map((t) => ({ kind: "type", ...t })), ...(languages.body?.list ?? []).map((l) => ({ kind: "language", ...l }))]);
      }),
    );

  car
    .command("jobs")
    .description("stream script jobs, newest first (sort + searchAfter: past the 10,000-record window)")
    .option("--filter <qql>", "QQL filter, e.g. script.name:backup")
    .option("--page-size <n>", "records per page", int, 1000)
    .action(
      run(async ({ client, progress, emit, signal }, o: { filter?: string; pageSize: number }) => {
        const pages = client.car.searchJobs.pages({ body: { filter: o.filter, sort: [{ "created.dateTime": "desc" }, { id: "desc" }], pageSize: o.pageSize }, signal });
        await emit(
          (async function* () {
            for await (const page of pages) {
              progress.page();
              for (const item of page.body?.list ?? []) yield item.data;
            }
          })(),
        );
      }),
    );
}
