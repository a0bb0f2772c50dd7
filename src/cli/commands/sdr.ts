/** `qualys sdr controls`: SaaS Detection and Response controls. */
import type { Command } from "commander";
import type { Run } from "../command.js";

export function sdrCommands(program: Command, run: Run): void {
  program
    .command("sdr")
    .description("SaaS Detection and Response")
    .command("controls")
    .description("list SaaS controls")
    .option("--fields <list>", "fields to return, comma-separated")
    .action(
      run(async ({ client, emit, signal }, o: { fields?: string }) => {
        const controls: unknown = await client.saasdr.listControls({ params: { query: { fields: o.fields } }, signal });
        await emit(Array.isArray(controls) ? controls : [controls]);
      }),
    );
}
