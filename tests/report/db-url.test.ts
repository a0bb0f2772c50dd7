/** Database URLs and report dates: what is accepted, how it is normalized, and the typed errors otherwise. */
import { describe, expect, it } from "vitest";
import { parseDatabaseUrl, redactUrl } from "../../src/db/url.js";
import { normalizeTime } from "../../src/report/options.js";
import { ConfigurationError, DatabaseUrlError, InvalidParameterError } from "../../src/errors.js";

describe("parseDatabaseUrl", () => {
  it("reads SQLite paths in every spelling", () => {
    expect(parseDatabaseUrl("sqlite:./export.db")).toEqual({ dialect: "sqlite", path: "./export.db", url: "sqlite:./export.db" });
    expect(parseDatabaseUrl("sqlite:/var/lib/q.db")).toMatchObject({ path: "/var/lib/q.db" });
    expect(parseDatabaseUrl("sqlite:///var/lib/q.db")).toMatchObject({ path: "/var/lib/q.db" });
    expect(parseDatabaseUrl("SQLITE:rel.db")).toMatchObject({ dialect: "sqlite", path: "rel.db" });
    expect(parseDatabaseUrl("sqlite::memory:")).toMatchObject({ path: ":memory:" });
    // No scheme: a file (what `qualys export --db ./x.db` has always taken), shown as its URL.
    expect(parseDatabaseUrl("./export.db")).toEqual({ dialect: "sqlite", path: "./export.db", url: "sqlite:./export.db" });
    expect(parseDatabaseUrl("file:///var/lib/q.db")).toMatchObject({ dialect: "sqlite", path: "/var/lib/q.db" });
  });

  it("hands PostgreSQL URLs to the driver as given, and shows them redacted", () => {
    const target = parseDatabaseUrl("postgresql://report:hunter2@db.example:5433/qualys?sslmode=require");
    expect(target).toEqual({
      dialect: "postgres",
      connectionString: "postgresql://report:hunter2@db.example:5433/qualys?sslmode=require",
      url: "postgresql://report:***@db.example:5433/qualys?sslmode=require",
    });
    expect(parseDatabaseUrl("postgres://u@/db?host=/var/run/postgresql")).toMatchObject({ dialect: "postgres" });
  });

  it("redacts passwords in the user info and in the query", () => {
    expect(redactUrl("postgres://u:p%40ss@h/db")).toBe("postgres://u:***@h/db");
    expect(redactUrl("postgres://h/db?user=u&password=pw&sslmode=disable")).toBe("postgres://h/db?user=u&password=***&sslmode=disable");
    expect(redactUrl("postgres://u@h/db")).toBe("postgres://u@h/db");
  });

  it("refuses what it cannot open, with a typed error that never holds the password", () => {
    const cases: [string, RegExp][] = [
      ["mysql://u:pw@h/db", /scheme "mysql:" is not supported/],
      ["postgres://127.0.0.1", /names no database/],
      ["postgres://u:pw@/db", /names no server/],
      ["sqlite:", /names no file/],
      ["postgres://", /names no server or database/],
      ["postgres:db", /names no server or database/],
    ];
    for (const [url, message] of cases) {
      let caught: unknown;
      try {
        parseDatabaseUrl(url);
      } catch (err) {
        caught = err;
      }
      expect(caught, url).toBeInstanceOf(DatabaseUrlError);
      expect(caught, url).toBeInstanceOf(ConfigurationError);
      expect((caught as Error).message, url).toMatch(message);
      expect(JSON.stringify(caught), url).not.toMatch(/:pw@/);
    }
  });
});

describe("normalizeTime", () => {
  it("takes dates, zoned date-times and Dates, as UTC seconds", () => {
    expect(normalizeTime("2024-05-01", "since")).toBe("2024-05-01T00:00:00Z");
    expect(normalizeTime("2024-05-01T12:30Z", "since")).toBe("2024-05-01T12:30:00Z");
    expect(normalizeTime("2024-05-01T12:30:15.999+02:00", "since")).toBe("2024-05-01T10:30:15Z");
    expect(normalizeTime(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 600)), "asOf")).toBe("2024-01-02T03:04:05Z");
  });

  it("refuses zone-less times, impossible days and anything else, naming the parameter", () => {
    for (const bad of ["2024-05-01T12:00:00", "2024-02-30", "01/05/2024", "now", "1969-12-31", "2024-13-01"]) {
      expect(() => normalizeTime(bad, "since"), bad).toThrow(InvalidParameterError);
      expect(() => normalizeTime(bad, "since"), bad).toThrow(/^parameter since /);
    }
    expect(() => normalizeTime(new Date(NaN), "asOf")).toThrow(/parameter asOf is not a valid date/);
  });
});
