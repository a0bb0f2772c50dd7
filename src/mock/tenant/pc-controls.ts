/** PC controls of the tenant's policies, and the evidence their postures carry. */
import type { PcControl, PostureStatus } from "./posture.js";
import { CONTROL_SETTINGS, CRITICALITIES, INSTANCES, type Family } from "./modules-catalog.js";

/** Control k of a family's pool: every 11th is custom (can end in Error), every 6th has two database instances. */
export function controlOf(family: Family, k: number): PcControl {
  const settings = CONTROL_SETTINGS[family];
  const setting = settings[k % settings.length]!;
  const round = Math.floor(k / settings.length);
  return {
    id: (family === "Linux" ? 1000 : 3000) + k * 7 + 1,
    statement: `Status of ${setting}${round ? ` (check ${round + 1})` : ""}`,
    rationale: `A hardened value of ${setting} reduces the attack surface of the host.`,
    remediation: `Set ${setting} to the value the policy expects, then re-evaluate the host.`,
    reference: k % 3 === 0 ? `CIS ${1 + (k % 6)}.${1 + (k % 9)}.${1 + (k % 4)}` : "",
    criticality: CRITICALITIES[k % CRITICALITIES.length]!,
    custom: k % 11 === 10,
    instances: k % 6 === 5 ? INSTANCES[family] : ["os"],
  };
}

export function expectedValue(control: PcControl): string {
  return `${control.statement.replace(/^Status of /, "")} = expected`;
}

export function evidenceOf(control: PcControl, status: PostureStatus, extended: boolean): Record<string, unknown> {
  return {
    expected: expectedValue(control),
    actual: status === "Passed" ? [expectedValue(control)] : status === "Failed" ? ["value differs from the policy"] : ["evaluation error: the check script failed"],
    ...(extended ? { extendedEvidence: [{ source: control.instances[0] === "os" ? "os" : "database", value: status }] } : {}),
  };
}
