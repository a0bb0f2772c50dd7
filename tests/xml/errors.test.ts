/** Qualys error documents become QualysApiError whatever the HTTP status; other surprises are XmlParseError. */
import { describe, expect, it } from "vitest";
import { QualysApiError } from "../../src/runtime/errors/qualys-api-error.js";
import { XmlParseError } from "../../src/runtime/errors/xml-parse-error.js";
import { GENERIC_RETURN, SIMPLE_RETURN, V1_ERROR } from "../../src/runtime/xml/builtin.js";
import * as H from "./generated/hosts.descriptors.js";
import * as Q from "./generated/qps.descriptors.js";
import * as S from "./generated/scans-reports.descriptors.js";
import { documentOf, records, rejection } from "./support.js";

const simpleReturn = (response: string) => `<?xml version="1.0" encoding="UTF-8" ?>\n<SIMPLE_RETURN>\n  <RESPONSE>\n    <DATETIME>2026-11-24T10:00:00Z</DATETIME>\n${response}  </RESPONSE>\n</SIMPLE_RETURN>\n`;

describe("SIMPLE_RETURN", () => {
  it("is an error when CODE is numeric, with the HTTP status and operation carried", async () => {
    const body = simpleReturn("    <CODE>1965</CODE>\n    <TEXT>This API cannot be run again for another 23 seconds.</TEXT>\n");
    const err = (await rejection(documentOf(body, SIMPLE_RETURN, { httpStatus: 409, operation: "launchScan" }))) as QualysApiError;
    expect(err).toBeInstanceOf(QualysApiError);
    expect(err).toMatchObject({ code: "1965", text: "This API cannot be run again for another 23 seconds.", httpStatus: 409, operation: "launchScan", root: "SIMPLE_RETURN" });
    expect(err.message).toBe("launchScan failed with code 1965: This API cannot be run again for another 23 seconds. (HTTP 409)");
  });

  it("is a success without CODE, and with the documented non-numeric CODE quirk", async () => {
    const quirk = simpleReturn("    <CODE>Scan Report Template(s) Created Successfully [89876]</CODE>\n    <TEXT></TEXT>\n");
    expect(await documentOf(quirk, SIMPLE_RETURN)).toEqual({
      response: { datetime: new Date("2026-11-24T10:00:00Z"), code: "Scan Report Template(s) Created Successfully [89876]", text: "" },
    });
    const launched = simpleReturn(
      "    <TEXT>New vm scan launched</TEXT>\n    <ITEM_LIST>\n      <ITEM><KEY>ID</KEY><VALUE>1234</VALUE></ITEM>\n      <ITEM><KEY>REFERENCE</KEY><VALUE>scan/1700000000.1234</VALUE></ITEM>\n    </ITEM_LIST>\n",
    );
    expect((await documentOf(launched, SIMPLE_RETURN)).response?.itemList).toEqual([
      { key: "ID", value: "1234" },
      { key: "REFERENCE", value: "scan/1700000000.1234" },
    ]);
  });

  it("is an XmlParseError naming what it said when a list was expected and it carries no error code", async () => {
    const err = await rejection(documentOf(simpleReturn("    <TEXT>No hosts to list</TEXT>\n"), H.HostListOutput, { httpStatus: 200 }));
    expect(err).toBeInstanceOf(XmlParseError);
    expect((err as Error).message).toBe("Expected <HOST_LIST_OUTPUT> but Qualys answered with <SIMPLE_RETURN> (No hosts to list)");
  });

  it("keeps the echoed REQUEST of an error", async () => {
    const body = `<SIMPLE_RETURN><REQUEST><DATETIME>2026-11-24T10:00:00Z</DATETIME><USER_LOGIN>u1</USER_LOGIN><RESOURCE>https://qualysapi.qualys.com/api/2.0/fo/scan/</RESOURCE><PARAM_LIST><PARAM><KEY>action</KEY><VALUE>launch</VALUE></PARAM></PARAM_LIST></REQUEST><RESPONSE><DATETIME>2026-11-24T10:00:01Z</DATETIME><TEXT>New vm scan launched</TEXT></RESPONSE></SIMPLE_RETURN>`;
    expect((await documentOf(body, SIMPLE_RETURN)).request).toEqual({
      datetime: new Date("2026-11-24T10:00:00Z"),
      userLogin: "u1",
      resource: "https://qualysapi.qualys.com/api/2.0/fo/scan/",
      paramList: [{ key: "action", value: "launch" }],
    });
  });
});

describe("QPS ServiceResponse", () => {
  const qpsError = `<?xml version="1.0" encoding="UTF-8"?>\n<ServiceResponse xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><responseCode>INVALID_API_VERSION</responseCode><responseErrorDetails><errorMessage>Version 1.0 is no longer supported</errorMessage><errorResolution>Use 2.0</errorResolution></responseErrorDetails></ServiceResponse>`;

  it("is an error where an XML API v2 root was expected too", async () => {
    const err = await rejection(records(qpsError, H.HostListVmDetectionOutput, 16, { httpStatus: 200 }));
    expect(err).toBeInstanceOf(QualysApiError);
    expect(err).toMatchObject({ code: "INVALID_API_VERSION", text: "Version 1.0 is no longer supported", resolution: "Use 2.0", httpStatus: 200, root: "ServiceResponse" });
    expect((err as Error).message).toBe("Qualys API failed with code INVALID_API_VERSION: Version 1.0 is no longer supported (HTTP 200) — Use 2.0");
  });

  it("finds responseCode through the expected schema, and in extra when the schema leaves it out", async () => {
    const err = await rejection(documentOf(qpsError, Q.PortalVersionServiceResponse));
    expect(err).toMatchObject({ code: "INVALID_API_VERSION", resolution: "Use 2.0" });
    const success = `<ServiceResponse><responseCode>SUCCESS</responseCode><count>0</count></ServiceResponse>`;
    expect(await documentOf(success, Q.HostAssetServiceResponse)).toEqual({ responseCode: "SUCCESS", count: 0 });
    // A successful QPS answer where an XML API v2 document was expected is not an API error.
    const unexpected = await rejection(documentOf(success, S.ScanListOutput));
    expect(unexpected).toBeInstanceOf(XmlParseError);
    expect((unexpected as Error).message).toBe("Expected <SCAN_LIST_OUTPUT> but Qualys answered with <ServiceResponse> (SUCCESS)");
  });
});

describe("v1 (/msp/) error forms", () => {
  it.each([
    [
      `<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE GENERIC_RETURN SYSTEM "https://qualysapi.qualys.com/generic_return.dtd">\n<GENERIC_RETURN>\n  <API name="index.php" username="u1" at="2026-11-24T10:00:00Z" />\n  <RETURN status="FAILED" number="999">Internal error. Please contact customer support.</RETURN>\n</GENERIC_RETURN>\n<!-- Incident signature: 0123456789abcdef //-->`,
      "999",
      "Internal error. Please contact customer support.",
    ],
    [`<GENERIC_RETURN><API name="login" username="u1" at="2026-11-24T10:00:00Z" /><RETURN status="FAILED" number="2001">\n    Account Expired\n  </RETURN></GENERIC_RETURN>`, "2001", "Account Expired"],
    [`<GENERIC_RETURN><API name="index.php"><RETURN status="FAILED" number="1960"><MESSAGE>Too many concurrent reports.</MESSAGE></RETURN></API></GENERIC_RETURN>`, "1960", "Too many concurrent reports."],
    [`<GENERIC_RETURN><RETURN status="FAILED"><TEXT>Invalid domain</TEXT></RETURN></GENERIC_RETURN>`, "FAILED", "Invalid domain"],
    [`<ERROR number="2003">Registration must be completed before API requests will be served for this account</ERROR>`, "2003", "Registration must be completed before API requests will be served for this account"],
  ])("raises QualysApiError for v1 error %#", async (body, code, text) => {
    for (const root of [S.ReportTemplateList, GENERIC_RETURN, V1_ERROR]) {
      const err = await rejection(documentOf(body, root, { httpStatus: 200 }));
      expect(err).toBeInstanceOf(QualysApiError);
      expect(err).toMatchObject({ code, text, httpStatus: 200 });
    }
  });

  it("decodes a successful GENERIC_RETURN when it is the expected answer", async () => {
    const body = `<GENERIC_RETURN><API name="scheduled_scans.php" username="u1" at="2026-11-24T10:00:00Z"/><RETURN status="SUCCESS"><TEXT>New task created</TEXT></RETURN></GENERIC_RETURN>`;
    expect(await documentOf(body, GENERIC_RETURN)).toEqual({
      api: { name: "scheduled_scans.php", username: "u1", at: "2026-11-24T10:00:00Z" },
      return: { status: "SUCCESS", text: "New task created" },
    });
    const elsewhere = await rejection(documentOf(body, S.ReportTemplateList));
    expect((elsewhere as Error).message).toBe("Expected <REPORT_TEMPLATE_LIST> but Qualys answered with <GENERIC_RETURN>");
  });
});
