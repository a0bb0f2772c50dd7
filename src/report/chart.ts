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

/** Vega-Lite's warnings (a dropped encoding, an ignored property) mean a chart is not as written: fail instead. */
const strictLogger = {
  level: () => strictLogger,
  error: (...args: readonly unknown[]) => {
    throw new Error(`vega-lite: ${args.join(" ")}`);
  },
  warn: (...args: readonly unknown[]) => strictLogger.error(...args),
  info: () => strictLogger,
  debug: () => strictLogger,
};

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vega = compile({ ...spec, config: { ...CONFIG, ...spec.config } } as TopLevelSpec, { logger: strictLogger as never }).spec;
  const view = new View(parse(vega), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    // Screen readers get the spec's description; `role` says the whole drawing is one image.
    return svg.replace("<svg ", `<svg role="img" aria-label="${escapeAttribute(spec.description ?? "chart")}" `);
  } finally {
    view.finalize();
  }
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}
