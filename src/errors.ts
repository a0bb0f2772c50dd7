/** Every error the SDK throws; all extend QualysError. */
export { QualysError } from "./runtime/errors/qualys-error.js";
export { AuthenticationError } from "./runtime/errors/authentication-error.js";
export { ConfigurationError } from "./runtime/errors/configuration-error.js";
export { HttpError } from "./runtime/errors/http-error.js";
export { InsecureUrlError } from "./runtime/errors/insecure-url-error.js";
export { InvalidParameterError } from "./runtime/errors/invalid-parameter-error.js";
export { InvalidResponseError } from "./runtime/errors/invalid-response-error.js";
export { NetworkError } from "./runtime/errors/network-error.js";
export { PagingError } from "./runtime/errors/paging-error.js";
export { QualysApiError } from "./runtime/errors/qualys-api-error.js";
export { RateLimitError } from "./runtime/errors/rate-limit-error.js";
export { ReportDownloadError } from "./runtime/errors/report-download-error.js";
export { ReportFailedError } from "./runtime/errors/report-failed-error.js";
export { ReportTimeoutError } from "./runtime/errors/report-timeout-error.js";
export { TimeoutError } from "./runtime/errors/timeout-error.js";
export { XmlParseError } from "./runtime/errors/xml-parse-error.js";
export { ExportDatabaseError } from "./runtime/errors/export-database-error.js";
export { ExportIncompleteError, type FailedBatch } from "./runtime/errors/export-incomplete-error.js";
