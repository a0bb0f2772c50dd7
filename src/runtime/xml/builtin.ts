import type { XmlRoot } from "./descriptor.js";

/** SIMPLE_RETURN: the answer of writes and of most errors, on every VM endpoint. */
export const SIMPLE_RETURN: XmlRoot = {
  name: "SIMPLE_RETURN",
  element: {
    field: "simpleReturn",
    children: {
      RESPONSE: {
        field: "response",
        children: {
          DATETIME: { field: "datetime", type: "date-time" },
          CODE: { field: "code", type: "string" },
          TEXT: { field: "text", type: "string" },
          ITEM_LIST: {
            field: "itemList",
            list: "wrapped",
            item: { name: "ITEM", element: { field: "item", children: { KEY: { field: "key", type: "string" }, VALUE: { field: "value", type: "string" } } } },
          },
        },
      },
    },
  },
};

export interface SimpleReturnDocument {
  response?: { datetime?: Date; code?: string; text?: string; itemList?: { key?: string; value?: string }[] };
  extra?: Record<string, unknown>;
}

/** QPS ServiceResponse error fields (responseErrorDetails). */
export const SERVICE_RESPONSE_ERROR: XmlRoot = {
  name: "ServiceResponse",
  element: {
    field: "serviceResponse",
    children: {
      responseCode: { field: "responseCode", type: "string" },
      responseErrorDetails: {
        field: "responseErrorDetails",
        children: {
          errorMessage: { field: "errorMessage", type: "string" },
          errorResolution: { field: "errorResolution", type: "string" },
        },
      },
    },
  },
};
