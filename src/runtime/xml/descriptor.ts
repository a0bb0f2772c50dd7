/**
 * The runtime form of a decoded-XML schema. scripts/generate/xml.ts emits one `XmlRoot` per
 * schema that a spec links with `x-xml-schema` (or `xmlSchema` in an `x-actions` item); the
 * streaming decoder (decode.ts) walks it while saxes reads the body.
 *
 * SCHEMA CONVENTION (OpenAPI 3.1 object schemas in `components.schemas`)
 * - Link: an operation, response or `x-actions` item says `x-xml-schema: '#/components/schemas/Name'`
 *   (`xmlSchema` inside `x-actions`); the wire body itself is `type: string,
 *   contentMediaType: application/xml`.
 * - Root: the linked schema has `xml.name` = the root element (HOST_LIST_VM_DETECTION_OUTPUT).
 * - Properties are camelCase TS fields. A property's element is its `xml.name`, else the
 *   `xml.name` of the schema it `$ref`s, else the property name. `xml: {name, attribute: true}`
 *   reads an attribute instead. Names are matched exactly (case, and prefixes such as `xsi:`,
 *   which are not resolved as namespaces). Every property is optional in the emitted types:
 *   Qualys leaves elements out freely, so `required` is not trusted. `extra` is reserved.
 * - Lists: `type: array` + `xml: {name: HOST_LIST, wrapped: true}` = a wrapper element holding
 *   repeated items, whose element is the item schema's `xml.name`. An array without `wrapped`
 *   = the item element repeats directly in the parent; its element name is the item's
 *   `xml.name`, else the array's `xml.name`, else the property name.
 *   A list is always an array, also with one item. A wrapper that is present but empty gives
 *   `[]`; an absent wrapper (or no occurrence of a repeated element) leaves the property
 *   ABSENT (Qualys leaves out empty lists: an empty HLD page has no HOST_LIST at all).
 *   Two wrappers of the same list in one parent are concatenated.
 * - Scalars: `string`; `integer` / `number` → number (decimal text only; an integer outside
 *   ±2^53 is an error rather than a silently rounded id); `boolean` ← 0/1 or true/false (any
 *   case); `format: date-time` / `date` → Date, from ISO 8601 (`T` or a space between date and
 *   time; no zone means UTC, so results do not depend on the machine's time zone). A value that
 *   does not fit its type is an XmlParseError naming the element and the value, never NaN or an
 *   Invalid Date. Enums stay strings. An empty element (`<TITLE/>`, `<TITLE></TITLE>`,
 *   `<TITLE><![CDATA[]]></TITLE>`) of a string type is `""`, so present-but-empty and absent
 *   stay apart (also as a list item, and as the text of an element with attributes and no
 *   children); an empty integer, number, boolean or date (`<PORT/>`) has no value and is absent.
 * - A property schema without a type (or `type: object` without properties) decodes to an
 *   object whose whole content is kept raw in its `extra`.
 * - Text with attributes: an object schema whose property marked `x-xml-text: true` holds the
 *   element's text (`<QDS severity="HIGH">85</QDS>` → `{severity: "HIGH", value: 85}`).
 * - Records: `x-xml-record: true` on an array property marks the repeating record to stream
 *   (HOST_LIST's HOST, VULN_LIST's VULN…). `decodeXml` yields each record as its element closes
 *   and keeps nothing of it; the property is absent from the rest-of-document object (it stays
 *   in the type, documented as streamed). `decodeXmlDocument` collects records into the list
 *   like any other. A record marker inside a record is ignored (only the outermost streams);
 *   the emitter refuses two streamed lists in one document.
 * - Text rule: XML whitespace (space, tab, CR, LF; not U+00A0 or U+3000, which are data) at the
 *   start and end of an element's text that lies OUTSIDE CDATA is removed; CDATA content and
 *   everything between the first and last CDATA section is kept verbatim. So `<OS>\n  <![CDATA[ Linux ]]>\n</OS>` is " Linux " and `<A>  x y  </A>` is "x y".
 *   Entities (`&lt;` … `&#39;`, `&#x263A;`) are decoded; comments are ignored wherever they are.
 * - Unknown content is never dropped. Every decoded object may carry `extra`:
 *   - an unknown attribute → `extra["@name"]` (string; `xmlns` declarations are not data and
 *     are skipped);
 *   - an unknown child element → `extra[ELEMENT_NAME]` as its raw form: the trimmed text for an
 *     element with neither attributes nor children; otherwise an object of `"@attr"` strings,
 *     child elements (raw, by name) and `"#text"`; an element repeated → an array of raw forms;
 *   - text where the schema expects none → `extra["#text"]`;
 *   - a second occurrence of a single-valued element → `extra[ELEMENT_NAME]` (decoded value);
 *   - content the schema cannot hold in place (attributes or children of an element declared
 *     as a scalar; attributes, text or non-item children of a list wrapper) → the parent's
 *     `extra[ELEMENT_NAME]`, as the raw form of that content;
 *   - a record element where the schema does not put it (a HOST outside HOST_LIST, or inside
 *     another HOST) is unknown content there: kept raw in that parent's `extra`, not streamed.
 * - Limits (DecodeOptions): elements nest at most `maxDepth` levels (256); one element's text,
 *   one attribute value and all attributes of one element hold at most `maxTextBytes` (32 MiB)
 *   of UTF-8. Past either: XmlParseError with the position.
 *
 * ANSWERS THAT ARE NOT THE SCHEMA: whatever the expected root, a SIMPLE_RETURN with a numeric
 * CODE, a QPS ServiceResponse whose responseCode is not SUCCESS, a v1 GENERIC_RETURN whose
 * RETURN status is not SUCCESS, or a v1 ERROR root is a QualysApiError (also under HTTP 200). A
 * SIMPLE_RETURN without CODE (or with the documented non-numeric CODE) is a success where
 * SIMPLE_RETURN is expected, and an XmlParseError saying what it said anywhere else. HTML, non-XML,
 * an empty body, another root, malformed or truncated XML are XmlParseErrors with line, column,
 * byte offset and an excerpt.
 *
 * DESCRIPTOR SHAPE: each element is an `XmlElement`: its `field`, and either a scalar `type`
 * (leaf) or `children` / `attributes` / `text` (object). `list: "wrapped"` puts the repeated
 * item under `item`; `list: "repeat"` means the element itself repeats in its parent. The tree is
 * plain JSON (subtrees shared by several roots are emitted once as module constants), so the
 * generated modules stay small and load without code.
 */

export type XmlScalar = "string" | "integer" | "number" | "boolean" | "date-time" | "date";

/** Where an attribute's or the text's value goes, and its type. */
export interface XmlValue {
  readonly field: string;
  readonly type: XmlScalar;
}

export interface XmlElement {
  /** Field name in the decoded parent object ("item" for the item of a wrapped list, "root" for a root). */
  readonly field: string;
  /** Set on leaves: the element's text, coerced to this type. Unset: the element decodes to an object. */
  readonly type?: XmlScalar;
  /** Known child elements, by element name. */
  readonly children?: Readonly<Record<string, XmlElement>>;
  /** Known attributes, by attribute name. */
  readonly attributes?: Readonly<Record<string, XmlValue>>;
  /** Where the text of an element with attributes goes (`x-xml-text`). */
  readonly text?: XmlValue;
  /**
   * "wrapped": this element wraps repeated `item` elements; "repeat": this element itself
   * repeats in its parent. Either way the field is an array.
   */
  readonly list?: "wrapped" | "repeat";
  /** For wrapped lists: the repeated element's name and descriptor. */
  readonly item?: { readonly name: string; readonly element: XmlElement };
  /** The list's items are records: streamed one by one by `decodeXml`, not collected. */
  readonly record?: boolean;
}

/**
 * A document's descriptor. `R` (the streamed record) and `D` (the rest of the document) only
 * type `decodeXml` / `decodeXmlDocument` results; they are never set at runtime.
 */
export interface XmlRoot<R = unknown, D = unknown> {
  /** Root element name. */
  readonly name: string;
  readonly element: XmlElement;
  /** Type-level only. */
  readonly __record?: R;
  /** Type-level only. */
  readonly __document?: D;
}

/** The record type of a descriptor. */
export type XmlRecordOf<T> = T extends XmlRoot<infer R, unknown> ? R : never;
/** The rest-of-document type of a descriptor. */
export type XmlDocumentOf<T> = T extends XmlRoot<unknown, infer D> ? D : never;
