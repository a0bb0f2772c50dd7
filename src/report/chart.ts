/**
 * Vega-Lite specs rendered to SVG text in Node: vega-lite compiles the spec to Vega, a headless
 * Vega View renders it with the SVG string renderer (no canvas, no DOM, no network). Text
 * widths are estimated, not measured, which is fine for axis layout.
 */
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** System fonts only: the page must open with no network, and print the same everywhere. */
const FONT = "Helvetica, Arial, 'Liberation Sans', sans-serif";

const CONFIG = {
  font: FONT,
  background: "#ffffff",
  padding: 8,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: "normal", gridColor: "#e6e6e6" },
  legend: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: "normal" },
} as const;

export interface RenderedChart {
  readonly svg: string;
  /**
   * Vega-Lite's and Vega's warnings (a dropped encoding, an ignored property): the chart is not
   * quite as written. Kept, not printed to the console; the tests require none.
   */
  readonly warnings: readonly string[];
}

/** A Vega logger that keeps warnings and errors instead of printing them. */
function collectingLogger(warnings: string[]) {
  const logger = {
    level: () => logger,
    error: (...args: readonly unknown[]) => void warnings.push(args.map(String).join(" ")),
    warn: (...args: readonly unknown[]) => void warnings.push(args.map(String).join(" ")),
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

export async function renderSvg(spec: TopLevelSpec): Promise<RenderedChart> {
  const warnings: string[] = [];
  const logger = collectingLogger(warnings);
  const vega = compile({ ...spec, config: { ...CONFIG, ...spec.config } } as TopLevelSpec, { logger: logger as never }).spec;
  const view = new View(parse(vega), { renderer: "none", logger: logger as never });
  try {
    const svg = await view.toSVG();
    // Screen readers get the spec's description; `role` says the whole drawing is one image.
    return { svg: svg.replace("<svg ", `<svg role="img" aria-label="${escapeAttribute(spec.description ?? "chart")}" `), warnings };
  } finally {
    view.finalize();
  }
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}
