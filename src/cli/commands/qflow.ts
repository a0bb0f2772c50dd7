/** `qualys qflow …`: QFlow workflows and their runs. */
import type { Command } from "commander";
import { int, json, type Run } from "../command.js";

/** The items of every page, telling the progress line about each page. */
async function* itemsOf<I>(pages: AsyncIterable<{ items?: readonly I[] }>, onPage: () => void): AsyncGenerator<I> {
  for await (const page of pages) {
    onPage();
    for (const item of page.items ?? []) yield item;
  }
}

export function qflowCommands(program: Command, run: Run): void {
  const qflow = program.command("qflow").description("QFlow workflows");

  qflow
    .command("workflows")
    .description("list workflows (all pages)")
    .option("--query <qql>", "QQL, e.g. qflow.name: RDS")
    .option("--page-size <n>", "records per page", int, 100)
    .action(
      run(async ({ client, progress, emit, signal }, o: { query?: string; pageSize: number }) =>
        emit(itemsOf(client.qflow.listWorkflows.pages({ params: { query: { pageSize: o.pageSize, pageNumber: 1, query: o.query } }, signal }), () => progress.page())),
      ),
    );

  qflow
    .command("executions")
    .description("list a workflow's runs of the last 30 days (all pages)")
    .argument("<workflowId>")
    .option("--page-size <n>", "records per page", int, 100)
    .action(
      run(async ({ client, progress, emit, signal }, workflowId: string, o: { pageSize: number }) =>
        emit(itemsOf(client.qflow.listWorkflowExecutions.pages({ params: { path: { workflowId }, query: { pageSize: o.pageSize, pageNumber: 1 } }, signal }), () => progress.page())),
      ),
    );

  qflow
    .command("run")
    .description("run a workflow; prints the new execution (its executionId)")
    .argument("<workflowId>")
    .option("--input <json>", 'workflow input as a JSON object, e.g. \'{"buckets":["b1"]}\'', json)
    .option("--variables <json>", "variable overrides as a JSON object (connectorId, regions…)", json)
    .action(
      run(async ({ client, emit, signal }, workflowId: string, o: { input?: Record<string, unknown>; variables?: Record<string, unknown> }) => {
        const started = await client.qflow.runWorkflow({ params: { path: { workflowId } }, body: { input: o.input, variables: o.variables }, signal });
        await emit([started.data]);
      }),
    );
}
