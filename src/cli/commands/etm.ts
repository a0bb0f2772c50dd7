/** `qualys etm findings`: an ETM findings report — submitted, waited for, and streamed. */
import type { Command } from "commander";
import { int, type Run } from "../command.js";

export function etmCommands(program: Command, run: Run): void {
  program
    .command("etm")
    .description("Enterprise TruRisk Management")
    .command("findings")
    .description("run a findings report, wait until it is built, and stream its records")
    .option("--qql <qql>", "findings QQL, e.g. finding.severity:[5]")
    .option("--asset-qql <qql>", "asset QQL")
    .option("--name <name>", "report name")
    .option("--timeout <minutes>", "give up waiting for the report after this long", int, 30)
    .action(
      run(async ({ client, progress, emit, signal }, o: { qql?: string; assetQql?: string; name?: string; timeout: number }) => {
        const report = await client.etm.findingsReport(
          { reportFormat: "JSON", findingsQql: o.qql, assetQql: o.assetQql, name: o.name },
          { signal, timeoutMs: o.timeout * 60_000, pollIntervalMs: 2000, onStatus: (status) => progress.status(`report ${status}`) },
        );
        progress.status(`report ${report.reportId}`);
        await emit(report);
      }),
    );
}
