/**
 * `qualys doctor`: for the configured platform and credentials, every endpoint the SDK calls with
 * its API version, auth mode and End-of-Support / End-of-Life status, one line each, then the
 * checks `qualys auth check` makes (a gateway token, one VM call). Exit 1 when a configured
 * version is past its End-of-Life or a check fails. Text by default; records with an explicit
 * --format.
 */
import type { Command } from "commander";
import type { QualysClient } from "../../client.js";
import type { Run } from "../command.js";
import { doctorLines, formatDoctorLines, type DoctorLine } from "../doctor-report.js";

interface Check {
  readonly check: "gateway" | "vm";
  readonly ok: boolean;
  readonly detail: string;
  readonly error?: unknown;
}

async function checks(client: QualysClient, signal: AbortSignal): Promise<Check[]> {
  const gateway = await client.checkGateway({ signal }).then(
    (c): Check => ({ check: "gateway", ok: true, detail: `token from ${c.gatewayUrl}${client.setup.gatewayToken === "static token" ? "" : client.setup.gatewayToken}${c.expiresAt ? `, expires ${c.expiresAt.toISOString()}` : ""}` }),
    (error: unknown): Check => ({ check: "gateway", ok: false, detail: (error as Error).message, error }),
  );
  const vm = await client.vm.getPortalVersion(undefined, { signal }).then(
    (v): Check => {
      const portal = v.data?.portalVersion;
      return { check: "vm", ok: true, detail: `${client.baseUrl("vm")}: portal ${portal?.portalApplication ?? "?"}, vm ${portal?.vm ?? "?"}` };
    },
    (error: unknown): Check => ({ check: "vm", ok: false, detail: (error as Error).message, error }),
  );
  return [gateway, vm];
}

const place = (client: QualysClient, family: "vm" | "gateway") => {
  try {
    return client.baseUrl(family, family === "gateway" ? "auth" : undefined);
  } catch {
    return "(none configured)";
  }
};

export function doctorCommand(program: Command, run: Run, options: { explicitFormat: () => boolean }): void {
  program
    .command("doctor")
    .description("the endpoints the SDK calls with their API versions, auth and end-of-support / end-of-life status, plus the auth checks; exit 1 on a retired version or a failed check")
    .action(
      run(async ({ client, emit, stdout, signal }) => {
        const lines: DoctorLine[] = doctorLines(client.setup);
        const results = await checks(client, signal);
        if (options.explicitFormat()) {
          await emit([...lines.map((l) => ({ kind: "endpoint", ...l })), ...results.map(({ error: _, ...c }) => ({ kind: "check", ...c }))], {
            columns: ["kind", "status", "name", "version", "call", "auth", "state", "configured", "detail", "check", "ok"],
          });
        } else {
          const { vmAuth, gatewayToken } = client.setup;
          stdout.write(`API server ${place(client, "vm")}; gateway ${place(client, "gateway")}\n`);
          const gateway = gatewayToken === "static token" ? "a static token (never renewed)" : `jwt from ${gatewayToken}, renewed before its 4 h run out`;
          stdout.write(`auth: VM API ${vmAuth === "jwt" ? "jwt (the gateway token)" : vmAuth}; gateway ${gateway}\n`);
          for (const text of formatDoctorLines(lines)) stdout.write(`${text}\n`);
          for (const c of results) stdout.write(`check  ${c.check.padEnd(7)}  ${c.ok ? "ok  " : "FAIL"}  ${c.detail.replace(/\s+/g, " ")}\n`);
        }
        const retired = lines.filter((l) => l.status === "end-of-life");
        if (retired.length) {
          throw new Error(
            `${retired.map((l) => `${l.name} is set to API ${l.version}, past its end of life`).join("; ")}: drop the setting (apiVersions / --api-versions / QUALYS_API_VERSIONS) to use the current version.`,
          );
        }
        const failed = results.find((c) => !c.ok);
        if (failed) throw failed.error;
      }),
    );
}
