/** Scalar coercion: what each schema type accepts and refuses. */
import { describe, expect, it } from "vitest";
import { coerce, INVALID } from "../../src/runtime/xml/coerce.js";

describe("coerce", () => {
  it("reads integers and numbers from decimal text only", () => {
    expect(["42", "-7", "+3", "0012"].map((t) => coerce(t, "integer"))).toEqual([42, -7, 3, 12]);
    expect(["1.5", "-0.25", ".5", "1e3", "2E-2"].map((t) => coerce(t, "number"))).toEqual([1.5, -0.25, 0.5, 1000, 0.02]);
    for (const bad of ["", "1.0", "0x10", "1e3", "12a", "Infinity", "9007199254740993"]) expect(coerce(bad, "integer")).toBe(INVALID);
    for (const bad of ["-", "NaN", "1,5", "0x1f", "Infinity", "4/10"]) expect(coerce(bad, "number")).toBe(INVALID);
    expect(coerce("5555555555", "integer")).toBe(5555555555);
  });

  it("reads booleans from 0/1 and true/false in any case", () => {
    expect(["1", "0", "true", "FALSE", "True"].map((t) => coerce(t, "boolean"))).toEqual([true, false, true, false, true]);
    for (const bad of ["yes", "2", "on", ""]) expect(coerce(bad, "boolean")).toBe(INVALID);
  });

  it("reads ISO 8601 dates as UTC unless a zone is given, and refuses impossible ones", () => {
    expect(coerce("2018-04-13T03:49:05Z", "date-time")).toEqual(new Date("2018-04-13T03:49:05Z"));
    expect(coerce("2018-04-13 03:49:05", "date-time")).toEqual(new Date("2018-04-13T03:49:05Z"));
    expect(coerce("2018-04-13T03:49", "date-time")).toEqual(new Date("2018-04-13T03:49:00Z"));
    expect(coerce("2018-04-13T03:49:05.250+02:00", "date-time")).toEqual(new Date("2018-04-13T01:49:05.250Z"));
    expect(coerce("2018-04-13T03:49:05-0530", "date-time")).toEqual(new Date("2018-04-13T09:19:05Z"));
    expect(coerce("2024-02-29", "date")).toEqual(new Date("2024-02-29T00:00:00Z"));
    for (const bad of ["2023-02-29", "2018-13-01", "2018-04-13T24:00:00Z", "yesterday", "1", "13/04/2018", "2018-04-13T03:49:60Z"]) {
      expect(coerce(bad, "date-time")).toBe(INVALID);
    }
  });

  it("keeps strings as they are", () => {
    expect(coerce(" a ", "string")).toBe(" a ");
  });
});
