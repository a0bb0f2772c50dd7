/**
 * The export's row values and how rows travel: times written by arithmetic equal what
 * toISOString writes (whole seconds without ".000") across the years 1–9999 and at their edges;
 * rows packed by a decode worker come back as they went, plain and packed parts in order; the
 * fields a detection has no column for land in `extra` whatever they are called.
 */
import { describe, expect, it } from "vitest";
import { copyText } from "../../src/export/copy-text.js";
import { packRows, RowList } from "../../src/export/row-list.js";
import { detectionRows, time, type Row } from "../../src/export/rows.js";
import type { DetectionHost } from "../../src/generated/vm/index.js";

const viaIso = (d: Date) => {
  const iso = d.toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, 19)}Z` : iso;
};

describe("export times", () => {
  it("write every whole second from year 1 to 9999 as toISOString does", () => {
    const edges = [
      Date.UTC(1970, 0, 1), Date.UTC(1969, 11, 31, 23, 59, 59), -62135596800000, 253402300799000, Date.UTC(2000, 1, 29, 23, 59, 59),
      Date.UTC(2100, 1, 28, 12), Date.UTC(2100, 2, 1), Date.UTC(1600, 1, 29), Date.UTC(2024, 11, 31, 23, 59, 59), Date.UTC(2025, 0, 1),
    ];
    // A fixed pseudo-random walk over the whole range (no Math.random: the same dates every run).
    let x = 12345;
    const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const spread = Array.from({ length: 20000 }, () => Math.floor(-62135596800 + next() * (253402300799 + 62135596800)) * 1000);
    for (const ms of [...edges, ...spread]) expect(time(new Date(ms))).toBe(viaIso(new Date(ms)));
  });

  it("write milliseconds and years outside 1–9999 as toISOString does, and refuse an invalid date", () => {
    for (const ms of [Date.UTC(2024, 4, 1, 12, 0, 0, 5), -62135596800001, 253402300800000, Date.UTC(-50, 0, 1), 8.64e15]) expect(time(new Date(ms))).toBe(viaIso(new Date(ms)));
    expect(() => time(new Date(Number.NaN))).toThrow(RangeError);
    expect(time("2024-05-01T12:00:00Z")).toBe("2024-05-01T12:00:00Z");
    expect(time("")).toBeNull();
    expect(time(undefined)).toBeNull();
  });
});

describe("rows between decode worker and store", () => {
  it("come back from packed and plain parts unchanged and in order", () => {
    const rows = (from: number, n: number): Row[] =>
      Array.from({ length: n }, (_, i) => [from + i, `text ${from + i} \t\\ é 😀 \u2028 "q" \ud800 \udfff\ud83d`, null, 1.5, 0.1 + 0.2, 2 ** 53 - 1, -1e-300, (from + i) % 2, "x".repeat((from + i) * 7)]);
    const list = new RowList();
    list.add(packRows(rows(0, 300)));
    list.add(rows(300, 2));
    list.add([]);
    list.add(packRows(rows(302, 1)));
    expect(list.length).toBe(303);
    expect([...list]).toEqual(rows(0, 303));
    // Iterable again: a store may read the rows twice (a retried statement).
    expect([...list].length).toBe(303);
  });

  it("packed as COPY text, go to PostgreSQL byte for byte as the rows would, and are never read back as rows", () => {
    const rows: Row[] = [[1, "tab\there", null, "back\\slash", "line\nbreak\r"], [2, "é 😀", 3.25, "", "\\N"]];
    const list = new RowList();
    list.add(packRows(rows.slice(0, 1), "copy"));
    list.add(rows.slice(1));
    const sent = Buffer.concat([...list.copyChunks()]).toString();
    expect(sent).toBe(Buffer.concat([...copyText(rows)]).toString());
    expect(sent).toBe("1\ttab\\there\t\\N\tback\\\\slash\tline\\nbreak\\r\n2\té 😀\t3.25\t\t\\\\N\n");
    expect(() => [...list]).toThrow(TypeError);
  });

  it("keep every field without a column in extra, whatever its name", () => {
    const host = { id: 7, detectionList: [{ qid: 1, status: "Active", severity: 3, results: "r", newField: "n", constructor: "c", ["__proto__"]: "p" }] };
    Object.defineProperty(host.detectionList[0], "__proto__", { value: "p", enumerable: true });
    const [row] = detectionRows(host as unknown as DetectionHost, 1);
    expect(JSON.parse(String(row!.at(-1)))).toEqual(JSON.parse('{"newField":"n","constructor":"c","__proto__":"p"}'));
  });
});
