/**
 * The runtime form of a decoded-XML schema, emitted by scripts/generate/xml.ts from the specs.
 *
 * Convention of the OpenAPI schemas it comes from (specs/vm.yaml):
 * - the root schema has `xml.name` = the root element; properties are camelCase fields whose
 *   element is `xml.name` (default: the property name); `xml.attribute: true` reads an attribute;
 * - `type: array` + `xml.wrapped: true`: a wrapper element holding repeated items (the item's
 *   `xml.name`); an array without `wrapped`: the item element repeats directly in the parent;
 *   a list is always an array, even with one item, and absent when its wrapper is absent;
 * - scalars: string, integer / number → number, boolean (0/1, true/false) → boolean,
 *   `format: date-time` / `date` → Date; an element with attributes and text keeps the text in
 *   the property marked `x-xml-text: true`;
 * - `x-xml-record: true` on an array: its items are streamed one by one, not collected;
 * - elements and attributes the schema does not know are kept in the object's `extra`.
 */

export type XmlScalar = "string" | "integer" | "number" | "boolean" | "date-time" | "date";

export interface XmlElement {
  /** Field name in the decoded object. */
  readonly field: string;
  /** Leaf element: its text, coerced to this type. */
  readonly type?: XmlScalar;
  /** Child elements by element name. */
  readonly children?: Readonly<Record<string, XmlElement>>;
  /** Attributes by attribute name. */
  readonly attributes?: Readonly<Record<string, { readonly field: string; readonly type: XmlScalar }>>;
  /** Where the text of an element with attributes goes. */
  readonly text?: { readonly field: string; readonly type: XmlScalar };
  /**
   * "wrapped": this element wraps repeated `item` elements; "repeat": this element itself
   * repeats in its parent. Either way the field is an array.
   */
  readonly list?: "wrapped" | "repeat";
  /** For wrapped lists: the repeated element's name and descriptor. */
  readonly item?: { readonly name: string; readonly element: XmlElement };
  /** The list's items are records: streamed, not collected. */
  readonly record?: boolean;
}

export interface XmlRoot {
  /** Root element name. */
  readonly name: string;
  readonly element: XmlElement;
}
