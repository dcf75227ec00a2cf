/**
 * Cost bars: parameters, MACs or any other count per variant, one horizontal bar per variant and
 * one panel per metric (metrics differ by orders of magnitude, so they do not share an axis).
 * With a baseline, each bar is labelled with its ratio to the baseline's value.
 */
import * as Plot from "@observablehq/plot";
import { checkNonEmptyArray, formatValue } from "../core/validate.js";
import { checkChartOptions, checkFieldNames, checkLabels, checkRows } from "./chart-options.js";
import { check } from "../core/errors.js";
import { panels, plotChart, type Chart, type ChartOptions } from "./chart-options.js";
import { formatThousands } from "../core/format.js";

/** One variant: a name and its counts, e.g. `{name: "grouped g=2", params: 190, macs: 1620}`. */
export interface CostDatum {
  name: string;
  [metric: string]: string | number;
}

export interface CostBarsOptions extends ChartOptions {
  /** The numeric fields to draw, one panel each (default ["params", "macs"]). */
  metrics?: readonly string[];
  /** Axis labels per metric (default: the metric's name). */
  labels?: Readonly<Record<string, string>>;
  /** The name of the variant the others are compared with (labels show "value (x ratio)"). */
  baseline?: string;
}

const DEFAULT_LABELS: Record<string, string> = {
  params: "parameters",
  macs: "multiply-accumulates (MACs)",
  flops: "FLOPs",
};

/** One bar chart per metric of `data`; a single metric returns the SVG, several a row of panels. */
export function costBars(data: readonly CostDatum[], allOptions: CostBarsOptions = {}): Chart {
  const op = "costBars";
  const checked = checkChartOptions(op, allOptions, ["metrics", "labels", "baseline"]);
  const { metrics = ["params", "macs"], labels = {}, baseline, ...options } = checked;
  checkLabels(op, labels);
  checkFieldNames(op, "metrics", metrics);
  checkNonEmptyArray(op, "data", data, "variants");
  checkRows(op, "data", data, "{name, params, macs}");
  const base = baseline === undefined ? undefined : data.find((d) => d.name === baseline);
  check(
    baseline === undefined || base !== undefined,
    op,
    () => `baseline ${formatValue(baseline)} is not one of the variants ${formatValue(data.map((d) => d.name))}`,
  );
  const names = data.map((d) => d.name);
  const width = options.width ?? (metrics.length > 1 ? 420 : 640);
  const charts = metrics.map((metric) => {
    const rows = data.map((d) => {
      const value = d[metric];
      check(
        typeof value === "number" && Number.isFinite(value),
        op,
        () => `variant ${formatValue(d.name)} has no numeric ${formatValue(metric)}: ${formatValue(value)}`,
      );
      const ratio = base === undefined ? undefined : value / (base[metric] as number);
      const label =
        ratio === undefined || d === base
          ? formatThousands(value)
          : `${formatThousands(value)} (×${formatThousands(ratio)})`;
      return { name: d.name, value, label };
    });
    return plotChart(
      {
        width,
        height: 50 + 28 * rows.length,
        marginLeft: Math.min(200, 12 + 6.2 * Math.max(...names.map((n) => n.length))),
        marginRight: 110,
        x: { label: labels[metric] ?? DEFAULT_LABELS[metric] ?? metric, grid: true, nice: true },
        y: { domain: names, label: null },
        marks: [
          Plot.barX(rows, {
            x: "value",
            y: "name",
            fill: (d: { name: string }) => (d.name === baseline ? "#9a9a9a" : "#4269d0"),
          }),
          Plot.text(rows, { x: "value", y: "name", text: "label", textAnchor: "start", dx: 4 }),
          Plot.ruleX([0]),
        ],
      },
      { ...options, width },
    );
  });
  return panels(charts, options.document);
}
