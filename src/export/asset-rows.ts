/**
 * CSAM assets → rows of `assets` and its child tables (schema v3). The repeating sections
 * (`softwareListData.software`, `openPortListData.openPort`, `tagList.tag`,
 * `networkInterfaceListData.networkInterface`, `volumeListData.volume`,
 * `userAccountListData.userAccount`) become child rows keyed by the asset and the item's place in
 * the list; a section sent as one object instead of a list counts as a list of one. Everything
 * without a column stays in `extra`: the nested objects (operatingSystem, hardware, agent, sensor,
 * inventory, cloudProvider…) are kept there whole, their most used fields also in columns.
 */
import { at, Fields, idCell, isObject, listOf, timeCell } from "./record-cells.js";
import type { Cell, Row } from "./rows.js";

type Json = Record<string, unknown>;

export const ASSET_COLUMNS = [
  "asset_id", "asset_uuid", "host_id", "agent_id", "name", "asset_type", "address", "dns_name", "netbios_name",
  "os", "os_category", "os_publisher", "hardware", "hardware_category", "total_memory", "cpu_count", "risk_score",
  "created_date", "last_modified_date", "sensor_last_updated_date", "last_boot", "agent_last_checked_in", "inventory_source", "inventory_last_updated",
  "run_id", "extra",
] as const;

/** Each child table: the asset section and list key it comes from, its columns after (asset_id, seq), and how an item fills them. */
export const ASSET_CHILDREN = {
  asset_software: {
    section: "softwareListData", list: "software",
    columns: ["software_id", "full_name", "software_type", "publisher", "version", "install_date", "last_updated", "is_ignored", "is_package", "lifecycle_stage"],
    cells: (f: Fields, item: Json): Cell[] => {
      // 64-bit ids pass 2^53: always text, so every id compares the same way.
      const id = f.id("id") ?? f.text("id");
      return [id === null ? null : String(id), f.text("fullName"), f.text("softwareType"), f.text("publisher"), f.text("version"), f.time("installDate"), f.time("lastUpdated"), f.bool("isIgnored"), f.bool("isPackage"), textOf(at(item, "lifecycle", "stage"))];
    },
  },
  asset_open_ports: {
    section: "openPortListData", list: "openPort",
    columns: ["port", "protocol", "detected_service", "first_found", "last_updated"],
    cells: (f: Fields): Cell[] => [f.number("port"), f.text("protocol"), f.text("detectedService"), f.time("firstFound"), f.time("lastUpdated")],
  },
  asset_tags: {
    section: "tagList", list: "tag",
    columns: ["tag_id", "tag_name", "business_impact", "criticality_score"],
    cells: (f: Fields): Cell[] => [f.id("tagId"), f.text("tagName"), f.text("businessImpact"), f.number("criticalityScore")],
  },
  asset_network_interfaces: {
    section: "networkInterfaceListData", list: "networkInterface",
    columns: ["interface_name", "mac_address", "ipv4", "ipv6", "gateway_address"],
    cells: (f: Fields): Cell[] => [f.text("interfaceName"), f.text("macAddress"), f.text("addressIpV4"), f.text("addressIpV6"), f.text("gatewayAddress")],
  },
  asset_volumes: {
    section: "volumeListData", list: "volume",
    columns: ["name", "size", "free"],
    cells: (f: Fields): Cell[] => [f.text("name"), f.number("size"), f.number("free")],
  },
  asset_user_accounts: {
    section: "userAccountListData", list: "userAccount",
    columns: ["name"],
    cells: (f: Fields): Cell[] => [f.text("name")],
  },
} as const satisfies Record<string, { section: string; list: string; columns: readonly string[]; cells: (f: Fields, item: Json) => Cell[] }>;

export type AssetChildTable = keyof typeof ASSET_CHILDREN;
export const ASSET_CHILD_TABLES = Object.keys(ASSET_CHILDREN) as AssetChildTable[];

/** A child table's full column list: (asset_id, seq, …its own…, extra). */
export const childColumns = (table: AssetChildTable): string[] => ["asset_id", "seq", ...ASSET_CHILDREN[table].columns, "extra"];

export interface AssetRows {
  readonly asset: Row;
  readonly children: Record<AssetChildTable, Row[]>;
}

const textOf = (v: unknown): Cell => (typeof v === "string" ? v : typeof v === "number" ? String(v) : null);

/** One asset as rows; undefined when it has no usable assetId (the caller counts it as a bad record). */
export function assetRows(asset: Json, runId: number): AssetRows | undefined {
  const assetId = idCell(asset.assetId);
  if (assetId === null) return undefined;
  // The list sections go to child tables; whatever else a section holds stays in extra.
  const rest: Json = { ...asset };
  const children = {} as Record<AssetChildTable, Row[]>;
  for (const table of ASSET_CHILD_TABLES) {
    const { section, list, cells } = ASSET_CHILDREN[table];
    const value = asset[section];
    const items = isObject(value) ? listOf(value[list]) : Array.isArray(value) ? listOf(value) : [];
    if (isObject(value)) {
      const { [list]: _list, ...others } = value;
      if (Object.keys(others).length) rest[section] = others;
      else delete rest[section];
    } else if (Array.isArray(value) || value === null) delete rest[section];
    children[table] = items.map((item, seq) => {
      const f = new Fields(item);
      const row = cells(f, item);
      return [assetId, seq, ...row, f.extra()];
    });
  }
  const f = new Fields(rest);
  f.id("assetId");
  const os = rest.operatingSystem;
  const hw = rest.hardware;
  const row: Row = [
    assetId, f.text("assetUUID"), f.id("hostId"), f.text("agentId"), f.text("assetName"), f.text("assetType"), f.text("address"), f.text("dnsName"), f.text("netbiosName"),
    textOf(at(rest, "operatingSystem", "fullName")), textOf(at(rest, "operatingSystem", "category1") ?? (isObject(os) ? os.category : undefined)), textOf(at(rest, "operatingSystem", "publisher")),
    textOf(at(rest, "hardware", "fullName")), textOf(at(rest, "hardware", "category1") ?? (isObject(hw) ? hw.category : undefined)),
    f.number("totalMemory"), f.number("cpuCount"), f.number("riskScore"),
    f.time("createdDate"), f.time("lastModifiedDate"), f.time("sensorLastUpdatedDate"), f.time("lastBoot"),
    timeCell(at(rest, "agent", "lastCheckedIn")), textOf(at(rest, "inventory", "source")), timeCell(at(rest, "inventory", "lastUpdated")),
    runId,
  ];
  row.push(f.extra());
  return { asset: row, children };
}
