/**
 * A WAS finding's verbose `resultList`: where it was found and the payload that showed it, with
 * the request headers and the response base64-encoded and Qualys's own `payloadResponce` spelling
 * (elastic's qualys_was README, qualysdk's Finding class).
 */
import type { WasFindingState } from "./webapps.js";

export function resultListOf(f: WasFindingState, appIndex: number, path: string, param: string): Record<string, unknown> {
  const base = `https://app${appIndex}.example.com`;
  const payload = f.type === "INFORMATION_GATHERED" ? "" : `${param}=%3Cscript%3Ealert(${f.id})%3C%2Fscript%3E`;
  const request = `GET ${path}?${payload} HTTP/1.1\r\nHost: app${appIndex}.example.com\r\n`;
  const response = `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>${payload}</html>`;
  return {
    count: 1,
    list: [
      {
        Result: {
          accessPath: { count: 1, list: [{ Url: `${base}/` }] },
          payloads: {
            count: 1,
            list: [
              {
                PayloadInstance: {
                  payload,
                  request: { method: "GET", link: `${base}${path}?${payload}`, headers: Buffer.from(request).toString("base64"), body: "" },
                  response: Buffer.from(response).toString("base64"),
                  payloadResponce: { offset: response.indexOf(payload || "<html>"), length: Math.max(payload.length, 6) },
                },
              },
            ],
          },
        },
      },
    ],
  };
}
