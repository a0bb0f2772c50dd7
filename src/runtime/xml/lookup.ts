import type { XmlElement } from "./descriptor.js";

/**
 * The decoded value at a path of element names (`@name` for an attribute, `#text` for the text)
 * under a descriptor, found where the schema put it or, when the schema does not declare it,
 * where the decoder kept it (`extra`). Lets the runtime read Qualys's fixed fields (CODE,
 * WARNING, responseCode…) whatever the spec named them.
 */
export function valueAt(value: unknown, element: XmlElement | undefined, path: readonly string[]): unknown {
  let current = value;
  let el = element;
  for (const segment of path) {
    if (Array.isArray(current)) current = current[0];
    if (segment === "#text") {
      if (current === null || typeof current !== "object") return current;
      const obj = current as Record<string, unknown>;
      if (el?.text) return obj[el.text.field];
      return el ? extraOf(obj)?.["#text"] : own(obj, "#text");
    }
    if (current === null || typeof current !== "object") return undefined;
    const obj = current as Record<string, unknown>;
    if (segment.startsWith("@")) {
      const attr = el?.attributes?.[segment.slice(1)];
      if (attr) return obj[attr.field];
      return el ? extraOf(obj)?.[segment] : own(obj, segment);
    }
    const child = el?.children && Object.hasOwn(el.children, segment) ? el.children[segment] : undefined;
    if (child) {
      current = obj[child.field];
      el = child;
    } else {
      current = el ? own(extraOf(obj), segment) : own(obj, segment);
      el = undefined;
    }
    if (current === undefined) return undefined;
  }
  return Array.isArray(current) && el?.list === undefined ? current[0] : current;
}

function extraOf(obj: Record<string, unknown>): Record<string, unknown> | undefined {
  const extra = own(obj, "extra");
  return extra && typeof extra === "object" ? (extra as Record<string, unknown>) : undefined;
}

function own(obj: Record<string, unknown> | undefined, key: string): unknown {
  return obj !== undefined && Object.hasOwn(obj, key) ? obj[key] : undefined;
}
