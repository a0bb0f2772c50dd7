/**
 * Descriptors of the documents every XML endpoint may answer with, whatever its spec says:
 * SIMPLE_RETURN (writes and most errors), QPS ServiceResponse (error and paging fields only),
 * and the v1 (/msp/) GENERIC_RETURN and ERROR error forms. The decoder switches to one of these
 * when the body's root is not the expected one, then raises QualysApiError from it.
 */
import type { XmlElement, XmlRoot } from "./descriptor.js";

const keyValue: XmlElement = { field: "item", children: { KEY: { field: "key", type: "string" }, VALUE: { field: "value", type: "string" } } };

export interface SimpleReturnItem {
  key?: string;
  value?: string;
  extra?: Record<string, unknown>;
}

export interface SimpleReturnDocument {
  /** Only with `echo_request=1`. */
  request?: {
    datetime?: Date;
    userLogin?: string;
    resource?: string;
    paramList?: SimpleReturnItem[];
    postData?: string;
    extra?: Record<string, unknown>;
  };
  response?: {
    datetime?: Date;
    /** Present on errors (numeric). Some successes put their message here instead of TEXT. */
    code?: string;
    text?: string;
    itemList?: SimpleReturnItem[];
    extra?: Record<string, unknown>;
  };
  extra?: Record<string, unknown>;
}

/** SIMPLE_RETURN (simple_return.dtd): REQUEST?, RESPONSE(DATETIME, CODE?, TEXT, ITEM_LIST?). */
export const SIMPLE_RETURN: XmlRoot<never, SimpleReturnDocument> = {
  name: "SIMPLE_RETURN",
  element: {
    field: "root",
    children: {
      REQUEST: {
        field: "request",
        children: {
          DATETIME: { field: "datetime", type: "date-time" },
          USER_LOGIN: { field: "userLogin", type: "string" },
          RESOURCE: { field: "resource", type: "string" },
          PARAM_LIST: { field: "paramList", list: "wrapped", item: { name: "PARAM", element: keyValue } },
          POST_DATA: { field: "postData", type: "string" },
        },
      },
      RESPONSE: {
        field: "response",
        children: {
          DATETIME: { field: "datetime", type: "date-time" },
          CODE: { field: "code", type: "string" },
          TEXT: { field: "text", type: "string" },
          ITEM_LIST: { field: "itemList", list: "wrapped", item: { name: "ITEM", element: keyValue } },
        },
      },
    },
  },
};

export interface ServiceResponseStatus {
  responseCode?: string;
  count?: number;
  hasMoreRecords?: boolean;
  lastId?: number;
  responseErrorDetails?: { errorMessage?: string; errorResolution?: string; extra?: Record<string, unknown> };
  extra?: Record<string, unknown>;
}

/** QPS ServiceResponse, status and paging fields only (`data` stays raw in `extra`). */
export const SERVICE_RESPONSE: XmlRoot<never, ServiceResponseStatus> = {
  name: "ServiceResponse",
  element: {
    field: "root",
    children: {
      responseCode: { field: "responseCode", type: "string" },
      count: { field: "count", type: "integer" },
      hasMoreRecords: { field: "hasMoreRecords", type: "boolean" },
      lastId: { field: "lastId", type: "integer" },
      responseErrorDetails: {
        field: "responseErrorDetails",
        children: { errorMessage: { field: "errorMessage", type: "string" }, errorResolution: { field: "errorResolution", type: "string" } },
      },
    },
  },
};

interface GenericReturnResult {
  status?: string;
  number?: string;
  text?: string;
  message?: string;
  extra?: Record<string, unknown>;
}

export interface GenericReturnDocument {
  api?: { name?: string; username?: string; at?: string; return?: GenericReturnResult; extra?: Record<string, unknown> };
  return?: GenericReturnResult;
  extra?: Record<string, unknown>;
}

const genericResult: XmlElement = {
  field: "return",
  attributes: { status: { field: "status", type: "string" }, number: { field: "number", type: "string" } },
  text: { field: "text", type: "string" },
  // Seen as a plain text body, and with MESSAGE or TEXT children.
  children: { MESSAGE: { field: "message", type: "string" }, TEXT: { field: "text", type: "string" } },
};

/** v1 GENERIC_RETURN: API(@name, @username, @at) and RETURN(@status, @number) with the message. */
export const GENERIC_RETURN: XmlRoot<never, GenericReturnDocument> = {
  name: "GENERIC_RETURN",
  element: {
    field: "root",
    children: {
      API: {
        field: "api",
        attributes: { name: { field: "name", type: "string" }, username: { field: "username", type: "string" }, at: { field: "at", type: "string" } },
        children: { RETURN: genericResult },
      },
      RETURN: genericResult,
    },
  },
};

export interface V1ErrorDocument {
  number?: string;
  text?: string;
  extra?: Record<string, unknown>;
}

/** v1 ERROR root: `<ERROR number="2003">message</ERROR>`. */
export const V1_ERROR: XmlRoot<never, V1ErrorDocument> = {
  name: "ERROR",
  element: { field: "root", attributes: { number: { field: "number", type: "string" } }, text: { field: "text", type: "string" } },
};

/** Error-capable documents by root element name. */
export const ERROR_DOCUMENTS: Readonly<Record<string, XmlRoot<never, unknown>>> = {
  SIMPLE_RETURN,
  ServiceResponse: SERVICE_RESPONSE,
  GENERIC_RETURN,
  ERROR: V1_ERROR,
};
