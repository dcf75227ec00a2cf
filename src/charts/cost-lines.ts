/**
 * Cost against one parameter of a layer (groups, dilation, kernel size, ...): one line with dots
 * per metric, labelled at its end, on a linear or log scale. Lines share the y axis, so put
 * metrics of different units in separate charts, or use a log scale to compare slopes.
 */
import * as Plot from "@observablehq/plot";
import { checkBoolean, checkNonEmptyArray, checkOneOf, formatValue } from "../core/validate.js";
import { checkChartOptions, checkFieldNames, checkLabels, checkRows } from "./chart-options.js";
import { check } from "../core/errors.js";
import { plotChart, type Chart, type ChartOptions } from "./chart-options.js";
import { formatThousands } from "../core/format.js";

/**
 * One configuration: the parameter and the metrics, e.g. `{groups: 4, params: 18432, macs: ...}`.
 * Any object works (costVsGroups' and costVsDilation's points as they are); the fields named by
 * `param` and `metrics` must hold finite numbers.
 */
export type CostPoint = object;

export interface CostLinesOptions extends ChartOptions {
  /** The field on the x axis, e.g. "groups" or "dilation". Required. */
  param: string;
  /** The fields drawn as lines (default ["params", "macs"]). */
  metrics?: readonly string[];
  /** Line labels per field (default: the field's name). */
  labels?: Readonly<Record<string, string>>;
  /** Scale types: "log" helps when a count halves with each doubling of groups. */
  xType?: "linear" | "log";
  yType?: "linear" | "log";
  /** Write each point's value beside it (default false). */
  values?: boolean;
}

const DEFAULT_LABELS: Record<string, string> = { params: "parameters", macs: "MACs", flops: "FLOPs" };

/** Lines of the `metrics` fields of `data` against its `param` field. */
export function costLines(data: readonly CostPoint[], allOptions: CostLinesOptions): Chart {
  const op = "costLines";
  const checked = checkChartOptions(op, allOptions, ["param", "metrics", "labels", "xType", "yType", "values"]);
  const {
    param: x,
    metrics: y = ["params", "macs"],
    labels = {},
    xType = "linear",
    yType = "linear",
    values = false,
    ...options
  } = checked;
  const checkedLabels = checkLabels(op, labels);
  checkOneOf(op, "xType", xType, ["linear", "log"]);
  checkOneOf(op, "yType", yType, ["linear", "log"]);
  checkBoolean(op, "values", values);
  checkFieldNames(op, "metrics", y);
  checkNonEmptyArray(op, "data", data, "points");
  checkRows(op, "data", data, "{groups, params, macs}");
  check(typeof x === "string", op, () => `param must name a field, got ${formatValue(x)}`);
  const points = y.flatMap((metric) =>
    data.map((d) => {
      const xv = (d as Record<string, unknown>)[x];
      const yv = (d as Record<string, unknown>)[metric];
      check(
        typeof xv === "number" && Number.isFinite(xv),
        op,
        () => `point ${formatValue(d)} has no numeric ${formatValue(x)}`,
      );
      check(
        typeof yv === "number" && Number.isFinite(yv),
        op,
        () => `point ${formatValue(d)} has no numeric ${formatValue(metric)}`,
      );
      check(
        (xType !== "log" || xv > 0) && (yType !== "log" || yv > 0),
        op,
        () => `a log scale needs positive values; ${formatValue(d)}`,
      );
      return { metric: checkedLabels[metric] ?? DEFAULT_LABELS[metric] ?? metric, x: xv, y: yv };
    }),
  );
  const xs = [...new Set(points.map((p) => p.x as number))].sort((a, b) => a - b);
  return plotChart(
    {
      width: 640,
      height: 360,
      marginRight: 90,
      marginLeft: 70,
      // Base 2 for a log x: groups and channel counts are mostly powers of two, and d3 labels a
      // log axis's ticks only near powers of its base.
      x: {
        type: xType,
        ...(xType === "log" ? { base: 2 } : {}),
        label: checkedLabels[x] ?? x,
        ticks: xs.length <= 16 ? xs : undefined,
        tickFormat: formatThousands,
        grid: true,
      },
      y: {
        type: yType,
        label: null,
        grid: true,
        tickFormat: Math.max(...points.map((p) => p.y)) < 1000 ? formatThousands : "~s",
      },
      color: { type: "categorical", scheme: "tableau10" },
      marks: [
        Plot.line(points, { x: "x", y: "y", stroke: "metric", z: "metric" }),
        Plot.dot(points, { x: "x", y: "y", fill: "metric", r: 3 }),
        Plot.text(
          points,
          Plot.selectLast({ x: "x", y: "y", z: "metric", text: "metric", fill: "metric", textAnchor: "start", dx: 6 }),
        ),
        ...(values
          ? [
              Plot.text(points, {
                x: "x",
                y: "y",
                text: (d: { y: number }) => formatThousands(d.y),
                dy: -9,
                fontSize: 9,
              }),
            ]
          : []),
      ],
    },
    options,
  );
}
