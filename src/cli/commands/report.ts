/**
 * `qualys report --db <url> [-o report.html] [--since DATE]`: the risk report from the export
 * database, as one self-contained HTML file. It reads only the database (no Qualys credentials).
 */
import type { Command } from "commander";
import type { CliIo } from "../program.js";

interface ReportFlags {
  db: string;
  output?: string;
  since?: string;
  asOf?: string;
}

export function reportCommand(program: Command, io: CliIo): void {
  program
    .command("report")
    .description("risk report from the export database: one HTML file with charts, tables and the SQL behind every figure")
    .requiredOption("--db <url>", "export database: sqlite:./export.db or postgres://user@host:5432/db")
    .option("-o, --output <file>", "write the HTML to this file instead of stdout")
    .option("--since <date>", "count fixes and export runs from this date on (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)")
    .option("--as-of <date>", "measure the age of open detections against this date instead of now")
    .action(async (flags: ReportFlags) => {
      // Loaded when the command runs: vega and the drivers would slow every other command's start.
      const { writeReport } = await import("../../report/build.js");
      const report = await writeReport({ db: flags.db, since: flags.since, asOf: flags.asOf, out: flags.output ?? io.stdout, signal: io.signal });
      if (flags.output) {
        const open = report.sections.find((s) => s.id === "summary")?.rows[0]?.open_detections;
        io.stderr.write(`qualys report: wrote ${flags.output} (${report.sections.length} sections, ${String(open ?? 0)} open detections, ages as of ${report.asOf})\n`);
      }
    });
}
