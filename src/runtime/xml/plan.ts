/**
 * The descriptor tree as the builder walks it: one Plan per element name under its parent, all
 * of one object shape with the kind worked out once, made lazily as elements first occur and kept
 * for later answers. Generated descriptors come in many shapes, so reading them directly made
 * every property access of the builder megamorphic; and a child's name is looked up in a Map only
 * when the guess (the child that followed the previous sibling last time: Qualys writes the
 * fields of a record in a fixed order) is wrong, because each lookup hashed the tokenizer's fresh
 * name string.
 */
import type { XmlElement, XmlScalar, XmlValue } from "./descriptor.js";

export const SCALAR = 0;
export const OBJECT = 1;
export const LIST = 2;
/** Not in the schema: kept in its raw form. */
export const RAW = 3;
export type Kind = typeof SCALAR | typeof OBJECT | typeof LIST | typeof RAW;

export class Plan {
  readonly kind: Kind;
  readonly field: string;
  /** The scalar type of a SCALAR. */
  readonly type: XmlScalar | undefined;
  /** Where the text of an OBJECT goes (`x-xml-text`). */
  readonly text: XmlValue | undefined;
  readonly attributes: XmlElement["attributes"];
  /** An element that repeats in its parent (`list: "repeat"`). */
  readonly repeats: boolean;
  /** Its list's items are records (`x-xml-record`). */
  readonly record: boolean;
  /** The element name of a LIST's item, when the descriptor names one. */
  readonly itemName: string | undefined;
  /** Its bit in the parent frame's `seen` mask (0: beyond the mask, checked on the object). */
  readonly bit: number;
  /** Learned guesses: the first child seen, and the sibling that followed this element. */
  first: Plan | undefined = undefined;
  next: Plan | undefined = undefined;
  private children: Map<string, Plan> | undefined;
  private itemPlan: Plan | undefined;

  constructor(
    /** The element name. */
    readonly name: string,
    private readonly el: XmlElement,
    /** Its place among the known children of its parent met so far. */
    index = 0,
  ) {
    this.bit = index < 30 ? 1 << index : 0;
    this.kind = el.list === "wrapped" ? LIST : el.type !== undefined ? SCALAR : OBJECT;
    this.field = el.field;
    this.type = el.type;
    this.text = el.text;
    this.attributes = el.attributes;
    this.repeats = el.list === "repeat";
    this.record = el.record === true;
    this.itemName = el.item?.name;
    this.children = undefined;
    this.itemPlan = undefined;
  }

  /** The plan of a LIST's item (check `itemName` first). */
  item(): Plan {
    return (this.itemPlan ??= new Plan(this.el.item!.name, this.el.item!.element));
  }

  /** The plan of the known child `name` of an OBJECT, or undefined when the schema does not know it. */
  child(name: string): Plan | undefined {
    const known = this.children?.get(name);
    if (known !== undefined) return known;
    const children = this.el.children;
    // Only known names are kept: unknown ones could be endless.
    if (children === undefined || !Object.hasOwn(children, name)) return undefined;
    const map = (this.children ??= new Map());
    const plan = new Plan(name, children[name]!, map.size);
    map.set(name, plan);
    return plan;
  }
}

const roots = new WeakMap<XmlElement, Plan>();

/** The plan of a root element, shared by all answers decoded with its descriptor. */
export function rootPlan(name: string, el: XmlElement): Plan {
  let plan = roots.get(el);
  if (plan === undefined || plan.name !== name) {
    plan = new Plan(name, el);
    roots.set(el, plan);
  }
  return plan;
}
