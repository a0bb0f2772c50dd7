/** `qualys auth check`: are the credentials good, on the gateway and on the VM API? */
import type { Command } from "commander";
import type { Run } from "../command.js";

export function authCommands(program: Command, run: Run): void {
  program
    .command("auth")
    .description("credentials")
    .command("check")
    .description("get a gateway token and call the VM API once (portal version): one record per API, exit 1 if either fails")
    .action(
      run(async ({ client, emit, signal }) => {
        const failures: unknown[] = [];
        const gateway = await client.checkGateway({ signal }).then(
          (check) => ({ api: "gateway", ok: true, url: check.gatewayUrl, tokenExpiresAt: check.expiresAt }),
          (err: unknown) => (failures.push(err), { api: "gateway", ok: false, error: (err as Error).message }),
        );
        const vm = await client.vm.getPortalVersion(undefined, { signal }).then(
          (version) => {
            const portal = version.data?.portalVersion;
            const web = version.data?.qwebVersion;
            return { api: "vm", ok: true, url: client.baseUrl("vm"), portal: portal?.portalApplication, vm: portal?.vm, web: web?.web, scanner: web?.scanner };
          },
          (err: unknown) => (failures.push(err), { api: "vm", ok: false, error: (err as Error).message }),
        );
        await emit([gateway, vm], { columns: ["api", "ok", "url", "tokenExpiresAt", "portal", "vm", "web", "scanner", "error"] });
        if (failures.length) throw failures[0];
      }),
    );
}
