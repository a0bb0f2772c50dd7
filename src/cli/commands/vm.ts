/** `qualys vm …`: the VM/PA/PC XML API v2 — hosts, detections, scans, reports, KnowledgeBase. */
import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { InvalidArgumentError, Option, type Command } from "commander";
import { vmActions, type Detection, type DetectionHost, type VmActionName } from "../../generated/vm/index.js";
import { date, idList, int, oneOf, severityList, type Run } from "../command.js";
import { drainInto } from "../output.js";

/** CSV of `vm detections`: one row per detection, its host's key fields first. */
export const DETECTION_COLUMNS = [
  "host.id", "host.ip", "host.dns", "host.netbios", "host.os", "host.trackingMethod", "host.lastScanDatetime",
  "qid", "type", "severity", "status", "port", "protocol", "ssl",
  "firstFoundDatetime", "lastFoundDatetime", "lastFixedDatetime", "timesFound", "isIgnored", "isDisabled",
  "qds.value", "qds.severity", "results",
] as const;

function* detectionRows(host: DetectionHost): Generator<Record<string, unknown>> {
  const { id, ip, dns, netbios, os, trackingMethod, lastScanDatetime } = host;
  const hostPart = { id, ip, dns, netbios, os, trackingMethod, lastScanDatetime };
  const detections: Detection[] = host.detectionList ?? [];
  if (detections.length === 0) yield { host: hostPart };
  for (const detection of detections) yield { host: hostPart, ...detection };
}

/** `--api-version` with the versions the spec knows for the action's endpoint (wins over --api-versions). */
function apiVersionOption(action: VmActionName): Option {
  const meta = vmActions[action] as { version?: string; versions?: Record<string, unknown> };
  return new Option("--api-version <version>", `Qualys API version of the endpoint (default: the current one, ${meta.version}; an older one warns once past its end of support)`).choices(Object.keys(meta.versions ?? {}));
}

const priority = (value: string): number => {
  const n = int(value);
  if (n > 9) throw new InvalidArgumentError("expected 0 (none) to 9 (low).");
  return n;
};

const flag = (on: boolean | undefined): 0 | 1 | undefined => (on === undefined ? undefined : on ? 1 : 0);

export function vmCommands(program: Command, run: Run): void {
  const vm = program.command("vm").description("VM / PA / PC XML API v2 (qualysapi host)");

  vm.command("hosts")
    .description("list hosts, across every truncation page")
    .option("--ids <ids>", "host ids and ranges, e.g. 1,5-9", idList)
    .option("--ips <ips>", "IPs and ranges, e.g. 10.0.0.1-10.0.0.255")
    .option("--ag-ids <ids>", "asset group ids", idList)
    .option("--os-pattern <regex>", "operating system PCRE")
    .addOption(new Option("--details <level>", "detail level").choices(["Basic", "Basic/AGs", "All", "All/AGs", "None"]).default("Basic"))
    .option("--show-tags", "include asset tags")
    .option("--truncation-limit <n>", "hosts per page (Qualys default 1000)", int)
    .addOption(apiVersionOption("listHosts"))
    .action(
      run(async ({ client, progress, emit, signal }, o: { ids?: string; ips?: string; agIds?: string; osPattern?: string; details: "Basic"; showTags?: boolean; truncationLimit?: number; apiVersion?: "2.0" }) =>
        emit(
          client.vm.listHosts(
            { ids: o.ids, ips: o.ips, ag_ids: o.agIds, os_pattern: o.osPattern, details: o.details, show_tags: flag(o.showTags), truncation_limit: o.truncationLimit },
            { signal, apiVersion: o.apiVersion, onPage: () => progress.page() },
          ),
        ),
      ),
    );

  vm.command("detections")
    .description("stream every host with its detections (all pages, constant memory); CSV has one row per detection")
    .option("--ids <ids>", "host ids and ranges", idList)
    .option("--ips <ips>", "IPs and ranges")
    .option("--ag-ids <ids>", "asset group ids", idList)
    .option("--qids <qids>", "QIDs and ranges", idList)
    .option("--severities <list>", "severities, e.g. 4-5", severityList)
    .option("--status <list>", "New,Active,Re-Opened,Fixed", oneOf(["New", "Active", "Re-Opened", "Fixed"]))
    .option("--updated-since <date>", "detections updated since YYYY-MM-DD[THH:MM:SSZ]", date)
    .option("--show-qds", "include QDS scores and their factors")
    .option("--no-results", "leave out the scan results text (much smaller output)")
    .option("--include-ignored", "include ignored detections")
    .option("--include-disabled", "include disabled detections")
    .option("--truncation-limit <n>", "hosts per page (Qualys default 1000)", int)
    .addOption(apiVersionOption("listHostDetections"))
    .action(
      run(
        async (
          { client, progress, emit, signal },
          o: { ids?: string; ips?: string; agIds?: string; qids?: string; severities?: string; status?: string; updatedSince?: string; showQds?: boolean; results: boolean; includeIgnored?: boolean; includeDisabled?: boolean; truncationLimit?: number; apiVersion?: "2.0" },
        ) =>
          emit(
            client.vm.listHostDetections(
              {
                ids: o.ids,
                ips: o.ips,
                ag_ids: o.agIds,
                qids: o.qids,
                severities: o.severities,
                status: o.status,
                detection_updated_since: o.updatedSince,
                show_qds: flag(o.showQds),
                show_qds_factors: flag(o.showQds),
                show_results: o.results ? undefined : 0,
                include_ignored: flag(o.includeIgnored),
                include_disabled: flag(o.includeDisabled),
                truncation_limit: o.truncationLimit,
              },
              { signal, apiVersion: o.apiVersion, onPage: () => progress.page() },
            ),
            { rows: detectionRows, columns: DETECTION_COLUMNS },
          ),
      ),
    );

  const scans = vm.command("scans").description("VM scans");
  scans
    .command("list")
    .description("list scans")
    .option("--state <states>", "Running,Paused,Canceled,Finished,Error,Queued,Loading", oneOf(["Running", "Paused", "Canceled", "Finished", "Error", "Queued", "Loading"]))
    .addOption(new Option("--type <type>", "scan type").choices(["On-Demand", "Scheduled", "API"]))
    .option("--launched-after <date>", "YYYY-MM-DD[THH:MM:SSZ]", date)
    .action(
      run(async ({ client, emit, signal }, o: { state?: string; type?: "API"; launchedAfter?: string }) =>
        emit(client.vm.listScans({ state: o.state, type: o.type, launched_after_datetime: o.launchedAfter }, { signal })),
      ),
    );
  scans
    .command("launch")
    .description("launch a VM scan (give --ip or --asset-group-ids, and an option profile)")
    .requiredOption("--title <title>", "scan title")
    .option("--ip <ips>", "IPs and ranges")
    .option("--asset-group-ids <ids>", "asset group ids", idList)
    .option("--option-id <id>", "option profile id", int)
    .option("--option-title <title>", "option profile title")
    .option("--scanner <name>", "scanner appliance name (default: external scanners)")
    .option("--priority <n>", "0 (none) to 9 (low)", priority)
    .hook("preAction", (command) => {
      const o = command.opts<{ ip?: string; assetGroupIds?: string; optionId?: number; optionTitle?: string }>();
      if (!o.ip && !o.assetGroupIds) command.error("error: give --ip or --asset-group-ids", { exitCode: 2 });
      if (o.optionId === undefined && !o.optionTitle) command.error("error: give --option-id or --option-title", { exitCode: 2 });
    })
    .action(
      run(async ({ client, emit, signal }, o: { title: string; ip?: string; assetGroupIds?: string; optionId?: number; optionTitle?: string; scanner?: string; priority?: number }) => {
        const answer = await client.vm.launchScan(
          { scan_title: o.title, ip: o.ip, asset_group_ids: o.assetGroupIds, option_id: o.optionId, option_title: o.optionTitle, iscanner_name: o.scanner, priority: o.priority },
          { signal },
        );
        // SIMPLE_RETURN: a text and key/value items (ID, REFERENCE of the new scan).
        const items = Object.fromEntries((answer.response?.itemList ?? []).map((i) => [i.key ?? "", i.value]));
        await emit([{ text: answer.response?.text, ...items }]);
      }),
    );

  const reports = vm.command("reports").description("VM reports");
  reports
    .command("list")
    .description("list reports")
    .addOption(new Option("--state <state>", "report state").choices(["Running", "Finished", "Submitted", "Canceled", "Errors"]))
    .action(run(async ({ client, emit, signal }, o: { state?: "Finished" }) => emit(client.vm.listReports({ state: o.state }, { signal }))));
  reports
    .command("fetch")
    .description("download a finished report (PDF, CSV, XML…) to a file or stdout, streamed")
    .argument("<id>", "report id", int)
    .option("-o, --output <file>", "write to this file instead of stdout")
    .action(
      run(async ({ client, stdout, signal }, id: number, o: { output?: string }) => {
        const response = await client.vm.fetchReport({ id }, { signal });
        if (!response.body) return;
        const source = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>);
        if (o.output) await pipeline(source, createWriteStream(o.output));
        else await drainInto(source, stdout);
      }),
    );

  vm.command("kb")
    .description("stream KnowledgeBase vulnerabilities")
    .option("--ids <qids>", "QIDs and ranges", idList)
    .option("--modified-after <date>", "last modified after YYYY-MM-DD[THH:MM:SSZ]", date)
    .option("--published-after <date>", "published after YYYY-MM-DD[THH:MM:SSZ]", date)
    .addOption(new Option("--details <level>", "detail level").choices(["Basic", "All", "None"]))
    .addOption(apiVersionOption("listVulns"))
    .action(
      run(async ({ client, progress, emit, signal }, o: { ids?: string; modifiedAfter?: string; publishedAfter?: string; details?: "Basic"; apiVersion?: "2.0" }) =>
        emit(
          client.vm.listVulns(
            { ids: o.ids, last_modified_after: o.modifiedAfter, published_after: o.publishedAfter, details: o.details },
            { signal, apiVersion: o.apiVersion, onPage: () => progress.page() },
          ),
        ),
      ),
    );
}
