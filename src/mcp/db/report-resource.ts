/** The risk report of the export database (`qualys report`) as an MCP resource, built when read. */

export interface ReportResource {
  readonly resource: { readonly uri: string; readonly name: string; readonly title: string; readonly mimeType: string; readonly description: string };
  read(): Promise<string>;
}

export function reportResource(db: string): ReportResource {
  return {
    resource: {
      uri: "qualys-report://report.html",
      name: "report.html",
      title: "Qualys risk report",
      mimeType: "text/html",
      description: "The risk report of the export database as one self-contained HTML page (charts, tables and the SQL behind every figure), built when read.",
    },
    async read() {
      // Loaded when read: vega and the chart code would slow the server's start.
      const { buildReport } = await import("../../report/build.js");
      return (await buildReport({ db })).html;
    },
  };
}
