export {
  decodeXml,
  decodeXmlDocument,
  DEFAULT_MAX_TEXT_BYTES,
  type DecodeOptions,
  type XmlDecodeStream,
  type XmlDecodeSummary,
  type XmlDecodeWarning,
  type XmlRecordStream,
  type XmlSource,
} from "./decode.js";
export { INVALID_ENCODING_WARNING } from "./warnings.js";
export {
  ERROR_DOCUMENTS,
  GENERIC_RETURN,
  SERVICE_RESPONSE,
  SIMPLE_RETURN,
  V1_ERROR,
  type GenericReturnDocument,
  type ServiceResponseStatus,
  type SimpleReturnDocument,
  type SimpleReturnItem,
  type V1ErrorDocument,
} from "./builtin.js";
export { nextPageUrlOf, qpsPagingOf, truncationWarningOf, type QpsPaging, type TruncationWarning } from "./paging.js";
export { valueAt } from "./lookup.js";
export type { XmlDocumentOf, XmlElement, XmlRecordOf, XmlRoot, XmlScalar, XmlValue } from "./descriptor.js";
