/**
 * CSAM's asset inventory: every live VM host is an asset (same hostId, same assetId as the host
 * list's show_asset_id), and some assets have no VM host (found by a passive sensor or a cloud
 * connector). Each asset's sensor updates are its scans; tag changes modify it without a sensor
 * update, so `lastModifiedDate` and `sensorLastUpdatedDate` move apart as on Qualys. Assets without
 * a host come and go with the steps like hosts do. Pure: a function of the options and the steps.
 */
import { candidateOf, hostId, hostIdentity, type HostIdentity } from "./hosts.js";
import { hostScanTimes, timeInStep } from "./host-scans.js";
import { MTag } from "./module-keys.js";
import { EXTRA_KINDS, SOFTWARE, TAGS, technologyOf, type Family } from "./modules-catalog.js";
import type { HostSource, PcModel } from "./posture.js";
import { hash, Rng, unit } from "./random.js";
import { SERVICES } from "./catalog.js";
import type { TenantStep } from "./steps.js";
import { DAY_MS, HOUR_MS, toSecond } from "./time.js";

/** An asset exactly as CSAM's search sends it (all sections). */
export type CsamAsset = Record<string, unknown> & {
  readonly assetId: number;
  readonly hostId: number | null;
  readonly lastModifiedDate: string;
  readonly sensorLastUpdatedDate: string;
};

/** The section names includeFields / excludeFields take, and the key each one fills. */
export const ASSET_SECTIONS = {
  software: "softwareListData",
  openPort: "openPortListData",
  networkInterface: "networkInterfaceListData",
  tag: "tagList",
  sensor: "sensor",
  inventory: "inventory",
  operatingSystem: "operatingSystem",
} as const;

const EXTRA_ASSET_BASE = 90_000_000;
/** elastic's qualys_gav sample id: past Number.MAX_SAFE_INTEGER. */
const BIG_SOFTWARE_ID = 8_464_359_598_295_418_000n;
const HOST_ASSET_BASE = 20_000_000;

interface Key {
  readonly kind: "host" | "extra";
  /** Host candidate, or extra-asset number. */
  readonly n: number;
  readonly assetId: number;
}

/** What an asset went through: sensor updates (scans) and tag changes, with their steps. */
interface Timeline {
  readonly created: number;
  readonly sensor: { step: number; at: number }[];
  readonly tagStep: number;
  readonly tagAt: number | undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class CsamModel {
  /** Live extra assets, ascending number. */
  private extras: number[] = [];
  private readonly extraBorn = new Map<number, number>();
  private nextExtra = 0;
  private stepsSeen = 0;
  private keysCache: { steps: number; keys: Key[] } | undefined;

  constructor(
    private readonly tenant: HostSource,
    private readonly pc: PcModel,
    initialExtras: number,
  ) {
    this.extras = this.take(initialExtras, 0);
  }

  /** Every live asset's id, ascending (the order search pages in). */
  assetIds(): number[] {
    return this.keys().map((k) => k.assetId);
  }

  /** Every live asset, ascending assetId, all sections. */
  assets(): CsamAsset[] {
    return this.keys().map((k) => this.render(k));
  }

  asset(assetId: number): CsamAsset | undefined {
    const key = this.keyOf(assetId);
    return key && this.render(key);
  }

  /** Live asset keys from `fromAssetId` on (exclusive), ascending: what a page walks. */
  *keysAfter(lastSeen: number): Generator<{ assetId: number; asset: () => CsamAsset }> {
    const keys = this.keys();
    for (let i = lowerBound(keys, lastSeen + 1); i < keys.length; i++) {
      const key = keys[i]!;
      yield { assetId: key.assetId, asset: () => this.render(key) };
    }
  }

  private keys(): Key[] {
    this.sync();
    const steps = this.tenant.steps.length;
    if (this.keysCache?.steps === steps) return this.keysCache.keys;
    const hosts: Key[] = this.tenant.hostIds().map((id) => ({ kind: "host", n: candidateOf(id), assetId: hostIdentity(this.tenant.seed, candidateOf(id)).assetId }));
    const extras: Key[] = this.extras.map((k) => ({ kind: "extra", n: k, assetId: this.extraAssetId(k) }));
    const keys = [...hosts, ...extras].sort((a, b) => a.assetId - b.assetId);
    this.keysCache = { steps, keys };
    return keys;
  }

  private keyOf(assetId: number): Key | undefined {
    const keys = this.keys();
    const i = lowerBound(keys, assetId);
    return keys[i]?.assetId === assetId ? keys[i] : undefined;
  }

  private extraAssetId(k: number): number {
    return EXTRA_ASSET_BASE + k * 3 + (hash(this.tenant.seed, MTag.extraIdentity, k) % 3);
  }

  /** Replays the steps the extra assets have not seen: some leave, as many new ones come. */
  private sync(): void {
    const steps = this.tenant.steps;
    for (; this.stepsSeen < steps.length; this.stepsSeen++) {
      const step = steps[this.stepsSeen]!;
      const before = this.extras.length;
      this.extras = this.extras.filter((k) => unit(this.tenant.seed, MTag.extraRemove, k, step.index) >= step.hostChurn);
      this.extras.push(...this.take(Math.round(before * step.hostChurn), step.index));
    }
  }

  private take(count: number, step: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < count; i++, this.nextExtra++) {
      this.extraBorn.set(this.nextExtra, step);
      out.push(this.nextExtra);
    }
    return out;
  }

  private stepsAfter(born: number): readonly TenantStep[] {
    return this.tenant.steps.slice(born);
  }

  private timeline(key: Key, born: number): Timeline {
    const seed = this.tenant.seed;
    const salt = key.kind === "host" ? key.n : 50_000_000 + key.n;
    let sensor: { step: number; at: number }[];
    let created: number;
    if (key.kind === "host") {
      sensor = hostScanTimes(seed, this.tenant.start, this.tenant.steps, key.n, born);
      created = born === 0 ? toSecond(this.tenant.start - (30 + (hash(seed, MTag.asset, salt) % 900)) * DAY_MS) : this.tenant.steps[born - 1]!.previousAt;
    } else {
      created = born === 0 ? toSecond(this.tenant.start - (10 + (hash(seed, MTag.asset, salt) % 600)) * DAY_MS) : timeInStep(this.tenant.steps[born - 1]!, seed, MTag.extraSensorTime, salt, 0);
      sensor = [{ step: born, at: born === 0 ? toSecond(this.tenant.start - (hash(seed, MTag.extraSensorTime, salt) % 72) * HOUR_MS) : created }];
      for (const step of this.stepsAfter(born)) {
        if (unit(seed, MTag.extraSensor, salt, step.index) < step.changeFraction) sensor.push({ step: step.index, at: timeInStep(step, seed, MTag.extraSensorTime, salt, step.index) });
      }
    }
    let tagStep = born;
    let tagAt: number | undefined;
    for (const step of this.stepsAfter(born)) {
      if (unit(seed, MTag.assetTagEvent, salt, step.index) < step.changeFraction * 0.3) {
        tagStep = step.index;
        tagAt = timeInStep(step, seed, MTag.assetTagEventTime, salt, step.index);
      }
    }
    return { created, sensor, tagStep, tagAt };
  }

  private render(key: Key): CsamAsset {
    const seed = this.tenant.seed;
    const salt = key.kind === "host" ? key.n : 50_000_000 + key.n;
    const born = key.kind === "host" ? (this.tenant.hostBirth(hostId(key.n)) ?? 0) : (this.extraBorn.get(key.n) ?? 0);
    const t = this.timeline(key, born);
    const lastSensor = t.sensor.at(-1)!;
    const identity = key.kind === "host" ? hostIdentity(seed, key.n) : undefined;
    const pcScans = identity && this.pc.isPcHost(key.n, identity) ? this.pc.complianceScans(identity.id) : [];
    // Any event modifies an asset: a scan, a tag change, a compliance scan (date_para.htm).
    const modified = Math.max(t.created, lastSensor.at, t.tagAt ?? 0, pcScans.at(-1) ?? 0);
    const extra = EXTRA_KINDS[hash(seed, MTag.extraIdentity, key.n, 1) % EXTRA_KINDS.length]!;
    const os = identity?.os ?? extra.os;
    const family: Family | "Other" = technologyOf(os)?.family ?? "Other";
    const ip = identity?.ip ?? `172.${16 + (key.n >> 16) % 16}.${(key.n >> 8) & 255}.${(key.n & 255) || 1}`;
    const name = identity?.dns ?? `${extra.prefix}-${String(key.n).padStart(5, "0")}.cloud.example`;
    const rng = new Rng(hash(seed, MTag.asset, salt, 7));
    const uuid = () => [8, 4, 4, 4, 12].map((n) => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join("")).join("-");
    const assetUUID = uuid();
    return {
      assetId: key.assetId,
      assetUUID,
      hostId: identity?.id ?? null,
      agentId: identity?.qgHostId ?? null,
      assetName: name,
      assetType: extra.type,
      address: ip,
      dnsName: identity?.dns ?? name,
      netbiosName: identity?.netbios || null,
      createdDate: iso(t.created),
      lastModifiedDate: iso(modified),
      sensorLastUpdatedDate: iso(lastSensor.at),
      operatingSystem: { fullName: os, category1: family === "Other" ? "Embedded" : family, category2: os.split(" ")[0]!, publisher: publisherOf(os) },
      softwareListData: { software: this.software(salt, family, t) },
      openPortListData: { openPort: this.ports(salt, t, lastSensor.at) },
      networkInterfaceListData: { networkInterface: interfaces(seed, salt, ip, identity) },
      tagList: { tag: this.tags(salt, t.tagStep) },
      sensor: {
        activatedForModules: identity ? ["VM", "GAV", ...(pcScans.length ? ["PC"] : [])] : ["GAV"],
        lastVMScan: identity ? lastSensor.at : null,
        lastComplianceScan: pcScans.at(-1) ?? null,
      },
      inventory: { source: identity ? (identity.trackingMethod === "AGENT" ? "QAGENT" : "VM Scanner") : extra.source, created: t.created, lastUpdated: lastSensor.at },
    };
  }

  /** Installed software: a fixed set per asset; each sensor update bumps some versions. */
  private software(salt: number, family: Family | "Other", t: Timeline): Record<string, unknown>[] {
    const seed = this.tenant.seed;
    const catalog = SOFTWARE[family];
    const rng = new Rng(hash(seed, MTag.software, salt));
    const count = Math.min(catalog.length, rng.int(2, 8));
    const picked = new Set<number>();
    while (picked.size < count) picked.add(rng.int(0, catalog.length - 1));
    return [...picked]
      .sort((a, b) => a - b)
      .map((i) => {
        const item = catalog[i]!;
        let version = hash(seed, MTag.software, salt, i) % 2;
        let updated = t.created + HOUR_MS;
        for (const s of t.sensor.slice(1)) {
          if (version < item.versions.length - 1 && unit(seed, MTag.software, salt, i, s.step) < 0.3) {
            version += 1;
            updated = s.at;
          }
        }
        const local = (family === "Windows" ? 0 : family === "Linux" ? 100_000 : 200_000) + i * 100 + version;
        return {
          // Every third catalogue item has a 64-bit id past 2^53, as real CSAM software ids do: kept as its exact decimal text.
          id: i % 3 === 0 ? String(BIG_SOFTWARE_ID + BigInt(local)) : 1_000_000_000_000 + local,
          fullName: `${item.name} ${item.versions[version]}`,
          softwareType: "Application",
          isIgnored: false,
          version: item.versions[version]!,
          installDate: new Date(t.created + HOUR_MS).toISOString(),
          lastUpdated: new Date(updated).toISOString(),
          isPackage: family === "Linux",
          publisher: item.publisher,
        };
      });
  }

  private ports(salt: number, t: Timeline, lastSensor: number): Record<string, unknown>[] {
    const rng = new Rng(hash(this.tenant.seed, MTag.asset, salt, 3));
    const count = rng.int(1, 4);
    const picked = new Set<number>();
    while (picked.size < count) picked.add(rng.int(0, SERVICES.length - 1));
    return [...picked]
      .sort((a, b) => SERVICES[a]!.port - SERVICES[b]!.port)
      .map((i) => ({
        port: SERVICES[i]!.port,
        protocol: SERVICES[i]!.protocol.toUpperCase(),
        detectedService: SERVICES[i]!.service,
        firstFound: iso(t.created + 2 * HOUR_MS),
        lastUpdated: iso(lastSensor),
      }));
  }

  private tags(salt: number, tagStep: number): Record<string, unknown>[] {
    const rng = new Rng(hash(this.tenant.seed, MTag.assetTagEvent, salt, tagStep, 9));
    const count = rng.int(1, 3);
    const picked = new Set<number>();
    while (picked.size < count) picked.add(rng.int(0, TAGS.length - 1));
    return [...picked]
      .sort((a, b) => a - b)
      .map((i) => {
        const tag = TAGS[i]!;
        return { tagId: tag.id, tagName: tag.name, foregroundColor: 0xffffff, backgroundColor: tag.color, businessImpact: tag.impact, criticalityScore: tag.score };
      });
  }
}

/** The first key with an assetId at or above `id`. */
function lowerBound(keys: readonly Key[], id: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]!.assetId < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function publisherOf(os: string): string {
  if (os.startsWith("Windows")) return "Microsoft";
  if (os.startsWith("Red Hat")) return "Red Hat";
  if (os.startsWith("Ubuntu")) return "Canonical";
  if (os.startsWith("Amazon")) return "Amazon";
  return os.split(" ")[0]!;
}

function interfaces(seed: number, salt: number, ip: string, identity: HostIdentity | undefined): Record<string, unknown>[] {
  const rng = new Rng(hash(seed, MTag.asset, salt, 5));
  const mac = () => Array.from({ length: 6 }, (_, i) => (i === 0 ? 0x00 : i === 1 ? 0x50 : rng.int(0, 255)).toString(16).padStart(2, "0")).join(":");
  const windows = identity?.os.startsWith("Windows") ?? false;
  const first = { interfaceName: windows ? "Ethernet0" : "eth0", macAddress: mac(), addressIpV4: ip, addressIpV6: `fe80::250:56ff:fe${rng.int(16, 255).toString(16)}:${rng.int(4096, 65535).toString(16)}`, gatewayAddress: ip.replace(/\.\d+$/, ".1") };
  if (!rng.chance(0.3)) return [first];
  const backup = `192.168.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  return [first, { interfaceName: windows ? "Ethernet1" : "eth1", macAddress: mac(), addressIpV4: backup, addressIpV6: null, gatewayAddress: null }];
}
