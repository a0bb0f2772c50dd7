/**
 * Vega-Lite specs rendered to SVG text in Node: vega-lite compiles the spec to Vega, a headless
 * Vega View renders it with the SVG string renderer (no canvas, no DOM, no network). Text
 * widths are estimated, not measured, which is fine for axis layout.
 */
import type { TopLevelSpec } from "vega-lite";
import { importOptional } from "../runtime/optional-import.js";

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

/** vega and vega-lite, loaded on first use: optional packages that only the report needs (11 MB). */
export interface ChartEngine {
  readonly vega: typeof import("vega");
  readonly vegaLite: typeof import("vega-lite");
}

let engine: Promise<ChartEngine> | undefined;

/** Loads the chart engine once; a missing package is a MissingDependencyError naming it. */
export function loadChartEngine(): Promise<ChartEngine> {
  engine ??= (async () => ({
    vega: await importOptional<typeof import("vega")>("vega", "The report's chart engine"),
    vegaLite: await importOptional<typeof import("vega-lite")>("vega-lite", "The report's chart engine"),
  }))();
  // A failed load is not remembered: installing the package mid-process makes the next call work.
  engine.catch(() => (engine = undefined));
  return engine;
}

export async function renderSvg(spec: TopLevelSpec): Promise<RenderedChart> {
  const { vega: { parse, View }, vegaLite: { compile } } = await loadChartEngine();
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
