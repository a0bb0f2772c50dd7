/** `qualys pcrs …`: Policy Compliance posture, streamed (PCRS, gateway, JWT). */
import { InvalidArgumentError, Option, type Command } from "commander";
import { sinceTimestamp } from "../../runtime/since.js";
import type { Run } from "../command.js";
import { rangedInt } from "./ranges.js";

/** `4677689,4677690`: policy ids, whole numbers (no ranges: PCRS takes a plain list). */
function policyIds(value: string): string[] {
  const ids = value.split(",").map((p) => p.trim());
  if (ids.some((id) => !/^\d+$/.test(id))) throw new InvalidArgumentError(`expected policy ids such as 4677689,4677690, not "${value}".`);
  return ids;
}

interface PolicyOptions {
  since?: string;
  tags?: boolean;
}

interface PostureOptions {
  policy?: string[];
  includeInactive?: boolean;
  since?: string;
  sinceField: "evaluated" | "statusChanged";
  evidence?: boolean;
  batchSize: number;
}

export function pcrsCommands(program: Command, run: Run): void {
  const pcrs = program.command("pcrs").description("Policy Compliance posture, streamed (PC Posture Streaming API)");

  pcrs
    .command("policies")
    .description("list compliance policies")
    .option("--since <date>", "only policies evaluated since this date (2026-11-01, 2026-11-01T12:00:00Z, 7d, 12h)")
    .option("--tags", "with each policy's include/exclude tags")
    .action(
      run(async ({ client, emit, signal }, o: PolicyOptions) => {
        const answer = await client.pcrs.getPolicyList({
          params: { query: { ...(o.since && { lastEvaluationDate: sinceTimestamp(o.since) }), ...(o.tags && { requireTagInfo: 1 as const }) } },
          signal,
        });
        await emit(answer?.policyList ?? []);
      }),
    );

  pcrs
    .command("posture")
    .description("stream posture records: policy list → host ids → posture info in host slices (gzip, decoded as it arrives)")
    .option("--policy <ids>", "these policies (default: every active policy)", policyIds)
    .option("--include-inactive", "without --policy: inactive policies too")
    .option("--since <date>", "only what changed since this date (2026-11-01, 2026-11-01T12:00:00Z, 7d, 12h)")
    .addOption(new Option("--since-field <field>", "evaluated (hosts scanned, postures evaluated since) or statusChanged (status changed since; Manager accounts)").choices(["evaluated", "statusChanged"]).default("evaluated"))
    .option("--evidence", "with each record's evidence (large)")
    .option("--batch-size <n>", "hosts per posture call", rangedInt(1, 100_000), 250)
    .action(
      run(async ({ client, progress, emit, signal }, o: PostureOptions) => {
        await emit(
          client.pcrs.postureRecords({
            policyIds: o.policy,
            includeInactive: o.includeInactive,
            since: o.since,
            sinceField: o.sinceField,
            evidence: o.evidence,
            batchSize: o.batchSize,
            signal,
            onSlice: () => progress.page(),
          }),
        );
      }),
    );
}
