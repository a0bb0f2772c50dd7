/**
 * Host identities: candidate number c gives host ID 1000000 + c, unless c falls in one of the
 * small gaps real subscriptions have (purged hosts), which is what makes ID_SET use both ID and
 * ID_RANGE. Everything about a host that does not change with time is a pure function of (seed, c).
 */
import { DOMAINS, HOST_ROLES, OPERATING_SYSTEMS, TRACKING_METHODS } from "./catalog.js";
import { aliCloudOf, type AliCloudInstance } from "./current-fields.js";
import { hash, Rng, Tag, unit } from "./random.js";

export const HOST_ID_BASE = 1_000_000;
const GAP_RATE = 0.03;

export interface HostIdentity {
  readonly id: number;
  readonly assetId: number;
  /** 10.x.y.z, unique per candidate. */
  readonly ip: string;
  readonly trackingMethod: string;
  readonly os: string;
  readonly hostname: string;
  readonly domain: string;
  /** HOSTNAME.DOMAIN. */
  readonly dns: string;
  readonly netbios: string;
  /** Agent-tracked hosts have a QG_HOSTID. */
  readonly qgHostId?: string;
  /** Agent or authenticated scans record an auth scan date. */
  readonly authenticated: boolean;
  /** An Alibaba Cloud instance (HLD 5.0 METADATA/ALICLOUD with host_metadata=all). */
  readonly alicloud?: AliCloudInstance;
}

export function isHostCandidate(seed: number, c: number): boolean {
  return unit(seed, Tag.idGap, c) >= GAP_RATE;
}

export function hostId(c: number): number {
  return HOST_ID_BASE + c;
}

export function candidateOf(id: number): number {
  return id - HOST_ID_BASE;
}

/** 10.x.y.z with z in 1..254: unique for the first 16.6 million candidates. */
export function ipOf(c: number): string {
  const z = (c % 254) + 1;
  const rest = Math.floor(c / 254);
  return `10.${Math.floor(rest / 256) % 256}.${rest % 256}.${z}`;
}

export function hostIdentity(seed: number, c: number): HostIdentity {
  const rng = new Rng(hash(seed, Tag.host, c));
  const os = rng.pick(OPERATING_SYSTEMS);
  const windows = os.startsWith("Windows");
  const trackingMethod = rng.pick(TRACKING_METHODS);
  const role = rng.pick(HOST_ROLES);
  const domain = rng.pick(DOMAINS);
  const hostname = `${role}${String(c).padStart(5, "0")}`;
  const agent = trackingMethod === "AGENT";
  const qgHostId = agent ? uuid(rng) : undefined;
  const alicloud = aliCloudOf(seed, c);
  return {
    id: hostId(c),
    assetId: 20_000_000 + c * 3 + (hash(seed, Tag.host, c, 1) % 3),
    ip: ipOf(c),
    trackingMethod,
    os,
    hostname,
    domain,
    dns: `${hostname}.${domain}`,
    netbios: windows ? hostname.toUpperCase().slice(0, 15) : "",
    ...(qgHostId ? { qgHostId } : {}),
    authenticated: agent || rng.chance(0.6),
    ...(alicloud ? { alicloud } : {}),
  };
}

function uuid(rng: Rng): string {
  const hex = (n: number) => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join("");
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
}
