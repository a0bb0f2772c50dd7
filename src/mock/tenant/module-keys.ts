/** Hash tags of the CSAM, WAS and PC data, apart from the VM ones in random.ts (which stay below 100). */
export const MTag = {
  pcHost: 101,
  pcScan: 102,
  pcScanTime: 103,
  posture: 104,
  postureFlip: 105,
  policyControls: 106,
  assetTagEvent: 111,
  assetTagEventTime: 112,
  asset: 113,
  software: 114,
  extraRemove: 115,
  extraSensor: 116,
  extraSensorTime: 117,
  extraIdentity: 118,
  webApp: 121,
  webAppScan: 122,
  webAppScanTime: 123,
  finding: 124,
  findingCount: 125,
  findingChange: 126,
  findingNew: 127,
  webAppUpdate: 128,
} as const;

/** Module data options (sizes) of the tenant, with their defaults applied and checked. */
export interface ModuleSizes {
  readonly extraAssets: number;
  readonly webApps: number;
  readonly findingsPerWebApp: number;
  readonly policies: number;
  readonly controlsPerPolicy: number;
  readonly pcHostShare: number;
}

export interface ModuleDataOptions {
  /** CSAM assets without a VM host (passive sensor, cloud connectors). Default: hosts / 10, rounded. */
  readonly extraAssets?: number;
  /** WAS web applications at the start. Default 10. */
  readonly webApps?: number;
  /** Average WAS findings per web application at the start. Default 8. */
  readonly findingsPerWebApp?: number;
  /** PC policies (Linux and Windows in turn; with 3 or more, the last is inactive). Default 3, at most 100. */
  readonly policies?: number;
  /** Controls per PC policy. Default 12, at most 100. */
  readonly controlsPerPolicy?: number;
  /** Share of the Windows and Linux hosts with PC posture. Default 0.5. */
  readonly pcHostShare?: number;
}

export function moduleSizes(options: ModuleDataOptions, hosts: number): ModuleSizes {
  const count = (name: string, value: number, max: number) => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`tenant: ${name} must be an integer from 0 to ${max}, not ${String(value)}`);
    return value;
  };
  const share = options.pcHostShare ?? 0.5;
  if (typeof share !== "number" || !(share >= 0 && share <= 1)) throw new RangeError(`tenant: pcHostShare must be from 0 to 1, not ${String(share)}`);
  const findings = options.findingsPerWebApp ?? 8;
  if (typeof findings !== "number" || !(findings >= 0 && findings <= 500)) throw new RangeError(`tenant: findingsPerWebApp must be a number from 0 to 500, not ${String(findings)}`);
  return {
    extraAssets: count("extraAssets", options.extraAssets ?? Math.round(hosts / 10), 10_000_000),
    webApps: count("webApps", options.webApps ?? 10, 100_000),
    findingsPerWebApp: findings,
    policies: count("policies", options.policies ?? 3, 100),
    controlsPerPolicy: count("controlsPerPolicy", options.controlsPerPolicy ?? 12, 100),
    pcHostShare: share,
  };
}
