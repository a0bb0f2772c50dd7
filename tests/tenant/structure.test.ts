/**
 * The tenant's XML against the structure of the real answers: every element's children, in
 * order, match its content model in the DTDs kept with the fixtures (tests/fixtures/qualys-xml):
 * the 2.0 DTDs for 2.0 answers, and for HLD 5.0 and KB 3.0+ the same models with the elements
 * those versions add (own_*_additions.dtd.fragment: synthetic, as no newer DTD is public).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SaxesParser } from "saxes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTenant, type Tenant } from "../../src/tenant.js";
import { HLD, HOSTS, KB as KB_PATH, raw } from "./raw.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "qualys-xml");

/** ELEMENT declarations as regular expressions over "CHILD;CHILD;" (undeclared elements: unchecked). */
function contentModels(dtd: string): Map<string, RegExp | "text"> {
  const models = new Map<string, RegExp | "text">();
  for (const m of dtd.matchAll(/<!ELEMENT\s+(\S+)\s+([^>]*)>/g)) {
    const model = m[2]!.replace(/\s+/g, "");
    if (model.includes("#PCDATA")) models.set(m[1]!, "text");
    else models.set(m[1]!, new RegExp(`^${model.replace(/\(/g, "(?:").replace(/[A-Z_][A-Z0-9_]*/g, (name) => `(?:${name};)`).replace(/,/g, "")}$`));
  }
  return models;
}

interface Node {
  name: string;
  children: string[];
  text: string;
}

/** Every element with its child element names, in document order. */
function elements(xml: string): Node[] {
  const parser = new SaxesParser();
  const stack: Node[] = [];
  const all: Node[] = [];
  parser.on("opentag", (tag) => {
    stack.at(-1)?.children.push(tag.name);
    const node = { name: tag.name, children: [], text: "" };
    stack.push(node);
    all.push(node);
  });
  parser.on("closetag", () => void stack.pop());
  parser.on("text", (t) => stack.at(-1) && (stack.at(-1)!.text += t));
  parser.on("cdata", (t) => stack.at(-1) && (stack.at(-1)!.text += t));
  parser.write(xml).close();
  return all;
}

function violations(xml: string, models: Map<string, RegExp | "text">): string[] {
  const out: string[] = [];
  for (const node of elements(xml)) {
    const model = models.get(node.name);
    if (model === undefined) continue;
    if (model === "text") {
      if (node.children.length) out.push(`${node.name} holds elements ${node.children.join(",")}`);
    } else if (!model.test(node.children.map((c) => `${c};`).join(""))) {
      out.push(`${node.name} (${node.children.join(", ")}) does not match ${model.source}`);
    }
  }
  return [...new Set(out)];
}

const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const HOST_LIST = contentModels(fixture("qp_host_list_output.dtd.extract"));
const KB = contentModels(fixture("qp_knowledge_base_vuln_list_output.dtd"));
// The HLD DTD fragment starts at HOST; the levels above are from the same DTD as the reference
// notes give them. UNIQUE_VULN_ID leads DETECTION in today's answers (own_hld_qds_truncated_warning.xml)
// but not in the 2022 fragment: allowed in front.
const HLD_2_0_DTD =
  fixture("qp_host_list_vm_detection_output_host.dtd.fragment").replace("<!ELEMENT DETECTION (QID,", "<!ELEMENT DETECTION (UNIQUE_VULN_ID?, QID,") +
  "<!ELEMENT HOST_LIST_VM_DETECTION_OUTPUT (REQUEST?, RESPONSE)><!ELEMENT RESPONSE (DATETIME, HOST_LIST?, WARNING?)><!ELEMENT HOST_LIST (HOST+)><!ELEMENT UNIQUE_VULN_ID (#PCDATA)>";
const HLD_MODELS = contentModels(HLD_2_0_DTD);
// Later declarations win: the 5.0 additions restate DETECTION and METADATA.
const HLD_5_MODELS = contentModels(HLD_2_0_DTD + fixture("own_hld_5_0_additions.dtd.fragment"));
const KB_CURRENT = contentModels(fixture("qp_knowledge_base_vuln_list_output.dtd") + fixture("own_kb_3_0_additions.dtd.fragment"));
const ADDITIONS = ["CVE", "VULNERABILITY_DETECTION_SOURCES", "LATEST_VULNERABILITY_DETECTION_SOURCE", "MITRE_TACTIC_NAME", "MITRE_TACTIC_ID", "MITRE_TECHNIQUE_NAME", "MITRE_TECHNIQUE_ID", "TRURISK_ELIMINATION_STATUS", "ALICLOUD"];

let tenant: Tenant;
beforeAll(async () => {
  // Served too: the retired versions, to check their old shape.
  tenant = await startTenant({ hosts: 150, detectionsPerHost: 8, kbSize: 300, seed: 31, retiredVersions: "serve" });
  tenant.advance({ days: 3, changeFraction: 0.5 });
});
afterAll(() => tenant.close());

describe("the checker", () => {
  it("accepts the real fixtures and catches an element out of order", () => {
    expect(violations(fixture("own_hld_qds_truncated_warning.xml"), HLD_MODELS)).toEqual([]);
    expect(violations(fixture("j1_fixture_detections.xml"), HLD_MODELS)).toEqual([]);
    expect(violations(fixture("own_kb_vuln_full.xml"), KB)).toEqual([]);
    expect(violations(fixture("j1_host_list_output_id_set.xml"), HOST_LIST)).toEqual([]);
    const swapped = fixture("j1_fixture_detections.xml").replace("<TYPE>Confirmed</TYPE>\n                  <SEVERITY>2</SEVERITY>", "<SEVERITY>2</SEVERITY><TYPE>Confirmed</TYPE>");
    expect(violations(swapped, HLD_MODELS)).toEqual([expect.stringMatching(/^DETECTION \(QID, SEVERITY, TYPE/)]);
    // The 5.0 models accept the 2.0 fixtures (the additions are optional) and refuse them where 2.0 has them not.
    expect(violations(fixture("j1_fixture_detections.xml"), HLD_5_MODELS)).toEqual([]);
    const withCve = fixture("j1_fixture_detections.xml").replace("<TYPE>Confirmed</TYPE>", "<TYPE>Confirmed</TYPE><CVE>CVE-2020-0001</CVE>");
    expect(violations(withCve, HLD_MODELS)).toEqual([expect.stringMatching(/^DETECTION \(QID, TYPE, CVE/)]);
    expect(violations(withCve, HLD_5_MODELS)).toEqual([expect.stringMatching(/^DETECTION \(QID, TYPE, CVE/)]);
    expect(violations(fixture("own_kb_vuln_full.xml"), KB_CURRENT)).toEqual([]);
  });
});

describe("tenant answers follow the DTDs", () => {
  it("host detections 5.0 with every optional part on, truncated (WARNING) and not: the 2.0 structure plus the 5.0 elements", async () => {
    const all = await raw(tenant, HLD, "action=list&status=New,Active,Fixed,Re-Opened&show_igs=1&show_qds=1&show_qds_factors=1&show_asset_id=1&host_metadata=all&truncation_limit=40");
    expect(all.text).toContain("<WARNING>");
    for (const status of ["New", "Active", "Fixed", "Re-Opened"]) expect(all.text).toContain(`<STATUS>${status}</STATUS>`);
    expect(all.text).toContain("<PORT>");
    expect(all.text).toContain("<LAST_REOPENED_DATETIME>");
    // Every 5.0 addition occurs, some of them more than once in one detection.
    for (const name of ADDITIONS) expect(all.text, name).toContain(`<${name}>`);
    expect(all.text).toMatch(/<\/CVE>\s*<CVE>/);
    expect(all.text).toMatch(/<\/MITRE_TACTIC_ID>\s*<MITRE_TACTIC_ID>/);
    expect(all.text).toMatch(/<\/VULNERABILITY_DETECTION_SOURCES>\s*<VULNERABILITY_DETECTION_SOURCES>/);
    expect(violations(all.text, HLD_5_MODELS)).toEqual([]);
    // The checker sees them: against the 2.0 models the same answer is refused.
    expect(violations(all.text, HLD_MODELS).length).toBeGreaterThan(0);
    expect(violations((await raw(tenant, HLD, "action=list&show_results=0&truncation_limit=0")).text, HLD_5_MODELS)).toEqual([]);
    // No host matches: RESPONSE holds only DATETIME (no empty HOST_LIST), as Qualys answers.
    const none = await raw(tenant, HLD, "action=list&ids=1-5");
    expect(none.text).not.toContain("HOST_LIST>");
    expect(violations(none.text, HLD_5_MODELS)).toEqual([]);
  });

  it("host detections 2.0 (a retired version, served on request) have the 2.0 structure and none of the 5.0 elements", async () => {
    const old = await raw(tenant, "/api/2.0/fo/asset/host/vm/detection/", "action=list&status=New,Active,Fixed,Re-Opened&show_qds=1&show_qds_factors=1&host_metadata=all&truncation_limit=40");
    expect(old.status).toBe(200);
    expect(old.text).toContain("<DETECTION>");
    for (const name of ADDITIONS) expect(old.text, name).not.toContain(`<${name}>`);
    expect(violations(old.text, HLD_MODELS)).toEqual([]);
  });

  it("host list: ID_SET, Basic and All records", async () => {
    for (const query of ["details=None&truncation_limit=0", "details=None&truncation_limit=20", "details=Basic&show_asset_id=1", "details=All&truncation_limit=30"]) {
      const { text } = await raw(tenant, HOSTS, `action=list&${query}`);
      expect(violations(text, HOST_LIST), query).toEqual([]);
    }
  });

  it("KnowledgeBase 4.0: Basic, All and ID_SET, with PATCH_PUBLISHED_DATE", async () => {
    for (const details of ["Basic", "All", "None"]) {
      const { text } = await raw(tenant, KB_PATH, `action=list&details=${details}`);
      expect(text).toContain(details === "None" ? "<ID_SET>" : "<VULN_LIST>");
      if (details !== "None") expect(text).toContain("<PATCH_PUBLISHED_DATE>");
      expect(violations(text, KB_CURRENT), details).toEqual([]);
    }
  });

  it("KnowledgeBase 2.0 (served on request) has the 2.0 structure, without PATCH_PUBLISHED_DATE", async () => {
    const { text } = await raw(tenant, "/api/2.0/fo/knowledge_base/vuln/", "action=list&details=All");
    expect(text).toContain("<VULN_LIST>");
    expect(text).not.toContain("PATCH_PUBLISHED_DATE");
    expect(violations(text, KB)).toEqual([]);
  });
});
