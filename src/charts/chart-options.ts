/**
 * What every chart in convkit/charts shares: the options it accepts and how they meet Plot's.
 * Charts are pure functions `(data, options) => Chart` built with Observable Plot; pass
 * `document` (e.g. linkedom's `parseHTML(...).document`) to render outside a browser.
 */
import * as Plot from "@observablehq/plot";
import { check } from "../core/errors.js";
import { checkFiniteNumber, checkOptions, formatValue } from "../core/validate.js";

/** What a chart returns: Plot's SVG, or a figure/div wrapping it (title, caption, several panels). */
export type Chart = SVGSVGElement | HTMLElement;

/**
 * Plot's top-level options (document, width, height, margins, title, caption, style, className,
 * and scale options such as `x: {label}`), applied over the chart's own: scale options are merged
 * key by key, everything else replaces the chart's value. `marks` belong to the chart.
 */
export type ChartOptions = Omit<Plot.PlotOptions, "marks">;

const SCALES = ["x", "y", "fx", "fy", "color", "opacity", "r", "symbol", "length"] as const;

/**
 * The options a chart passes through to Plot.plot: Plot's top-level options (ChartOptions, that is
 * Plot.PlotOptions without `marks`; test/chart-options.test-d.ts checks that the list covers it),
 * and `axis` and `grid`, which Plot also reads there as defaults for every scale. A chart takes
 * these plus its own options.
 */
export const PLOT_OPTION_KEYS = [
  "width",
  "height",
  "aspectRatio",
  "margin",
  "marginTop",
  "marginRight",
  "marginBottom",
  "marginLeft",
  "style",
  "className",
  "title",
  "subtitle",
  "caption",
  "figure",
  "ariaLabel",
  "ariaDescription",
  "document",
  "clip",
  ...SCALES,
  "projection",
  "facet",
  "inset",
  "insetTop",
  "insetRight",
  "insetBottom",
  "insetLeft",
  "clamp",
  "nice",
  "zero",
  "round",
  "align",
  "padding",
  "axis",
  "grid",
  "label",
  "labelArrow",
] as const;

/**
 * Checks a chart's options object against the chart's own option names and Plot's
 * (PLOT_OPTION_KEYS): a key neither knows, such as a misspelled `baseline` or `marks` (the chart
 * draws its own), is refused with the closest valid name, rather than passed to Plot, which would
 * ignore it.
 */
export function checkChartOptions<T extends object>(op: string, options: T | undefined, own: readonly string[]): T {
  const checked = checkOptions(op, options, [...own, ...PLOT_OPTION_KEYS]);
  const { width, height } = checked as { width?: unknown; height?: unknown };
  // Plot draws every pixel row of a huge chart's axes and grid: past MAX_CHART_SIZE a call would
  // hang or run out of memory instead of drawing anything a page can show.
  // A NaN width is a page before layout, drawn at MIN_CHART_WIDTH as 0 and negative widths are.
  if (width !== undefined && !Number.isNaN(width)) checkFiniteNumber(op, "width", width, { max: MAX_CHART_SIZE });
  if (height !== undefined) checkFiniteNumber(op, "height", height, { max: MAX_CHART_SIZE });
  // Plot writes a title, subtitle or caption as text, or places a DOM node it is given.
  for (const key of ["title", "subtitle", "caption"] as const) {
    const value = (checked as Record<string, unknown>)[key];
    check(
      value === undefined || typeof value === "string" || isNode(value),
      op,
      () => `${key} must be a string or a DOM node, got ${formatValue(value)}`,
    );
  }
  return checked;
}

/** Throws unless `labels` (a chart's labels per field) is an object of strings; returns it. */
export function checkLabels(op: string, labels: unknown): Readonly<Record<string, string>> {
  check(
    isObject(labels) && Object.values(labels).every((v) => typeof v === "string"),
    op,
    () => `labels must be an object of strings per field, got ${formatValue(labels)}`,
  );
  return labels as Readonly<Record<string, string>>;
}

/**
 * Throws unless every element of a chart's `data` is an object (a row), naming the first that is
 * not: "data[0] must be an object like {name, params, macs}, got 1".
 */
export function checkRows(op: string, name: string, data: readonly unknown[], like: string): void {
  data.forEach((row, i) =>
    check(
      typeof row === "object" && row !== null && !Array.isArray(row),
      op,
      () => `${name}[${i}] must be an object like ${like}, got ${formatValue(row)}`,
    ),
  );
}

/** Throws unless `fields` (the data fields a chart draws, e.g. its `metrics`) is a non-empty array of strings. */
export function checkFieldNames(op: string, name: string, fields: unknown): readonly string[] {
  check(
    Array.isArray(fields) && fields.length > 0 && fields.every((f) => typeof f === "string"),
    op,
    () => `${name} must be a non-empty array of field names, got ${formatValue(fields)}`,
  );
  return fields as readonly string[];
}

/** Throws unless `field` (the data field an axis draws, e.g. `xField`) is a string. */
export function checkFieldName(op: string, name: string, field: unknown): string {
  check(typeof field === "string", op, () => `${name} must be a field name, got ${formatValue(field)}`);
  return field as string;
}

/** The widest and tallest chart drawn, in px: larger widths and heights are refused. */
export const MAX_CHART_SIZE = 10_000;

/**
 * The narrowest chart drawn, in px. A page that sizes charts from its column width can ask for
 * 0 or less before layout (Framework's `width` starts at 0 in a hidden or unlaid-out column);
 * Plot would then write negative SVG sizes, which browsers reject.
 */
export const MIN_CHART_WIDTH = 120;
/** The narrowest plot area between a chart's side margins, in px. */
const MIN_PLOT_WIDTH = 20;

/** Plot.plot with the chart's options, overridden by the caller's (scale objects merged). */
export function plotChart(own: Plot.PlotOptions, overrides: ChartOptions = {}): Chart {
  // A chart's own options always hold its marks: without them Plot draws an empty frame.
  check(
    own !== null && typeof own === "object" && !Array.isArray(own) && Array.isArray(own.marks),
    "plotChart",
    () => `own must be an object of Plot options with marks: [...], got ${formatValue(own)}`,
  );
  checkChartOptions("plotChart", overrides, []);
  // An option given as undefined means the chart's own value, as a missing one does.
  const given = Object.fromEntries(Object.entries(overrides ?? {}).filter(([, v]) => v !== undefined));
  const options: Plot.PlotOptions = { ...own, ...given };
  if (typeof options.width === "number") {
    // Never narrower than the chart's side margins plus a sliver of plot: a narrower frame gives
    // the marks a negative width, which browsers refuse (a page can draw before its layout).
    const margins = (Number(options.marginLeft) || 0) + (Number(options.marginRight) || 0);
    const narrowest = Math.max(MIN_CHART_WIDTH, margins + MIN_PLOT_WIDTH);
    options.width = Math.max(narrowest, Number.isFinite(options.width) ? options.width : narrowest);
  }
  const merged = options as Record<string, unknown>;
  for (const scale of SCALES) {
    const a = (own as Record<string, unknown>)[scale];
    const b = (overrides as Record<string, unknown>)[scale];
    if (isObject(a) && isObject(b)) merged[scale] = { ...a, ...b };
  }
  return Plot.plot(options) as Chart;
}

/** Wraps several charts side by side in one element of the same document. */
export function panels(charts: readonly Chart[], document: Document | undefined): Chart {
  check(
    Array.isArray(charts) && charts.length > 0 && charts.every(isNode),
    "panels",
    () => `charts must be a non-empty array of charts (DOM elements), got ${formatValue(charts)}`,
  );
  if (charts.length === 1) return charts[0]!;
  const doc = document ?? charts[0]!.ownerDocument;
  const div = doc.createElement("div");
  div.setAttribute("class", "convkit-panels");
  div.setAttribute("style", "display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start;");
  for (const chart of charts) div.appendChild(chart);
  return div;
}

function isNode(value: unknown): boolean {
  return typeof value === "object" && value !== null && typeof (value as { nodeType?: unknown }).nodeType === "number";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
