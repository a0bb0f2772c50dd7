export { decodeXml, decodeXmlDocument, type DecodeOptions, type XmlRecordStream, type XmlSource } from "./decode.js";
export { SIMPLE_RETURN, type SimpleReturnDocument } from "./builtin.js";
export type { XmlElement, XmlRoot, XmlScalar } from "./descriptor.js";
