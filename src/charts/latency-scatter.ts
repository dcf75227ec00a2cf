/**
 * Time against work: one dot per variant on log-log axes (by default measured time against MACs),
 * labelled with its name. With a baseline, a dashed line through the baseline's dot with slope 1
 * shows where a variant would sit if time were proportional to MACs at the baseline's rate; a dot
 * above it pays more per MAC than the baseline does ("FLOPs are not latency").
 */
import * as Plot from "@observablehq/plot";
import { checkNonEmptyArray, formatValue } from "../core/validate.js";
import { checkChartOptions, checkFieldName, checkLabels, checkRows } from "./chart-options.js";
import { check } from "../core/errors.js";
import { plotChart, type Chart, type ChartOptions } from "./chart-options.js";
import { formatThousands } from "../core/format.js";

/** One variant: a name and numeric fields, e.g. latencyRows' rows as they are. */
export interface LatencyPoint {
  name: string;
}

export interface LatencyScatterOptions extends ChartOptions {
  /** The field on the x axis (default "macs"). */
  xField?: string;
  /** The field on the y axis (default "medianMs"). */
  yField?: string;
  /** Axis labels per field. */
  labels?: Readonly<Record<string, string>>;
  /** The variant the proportional line goes through (no line without it). */
  baseline?: string;
}

const DEFAULT_LABELS: Record<string, string> = {
  macs: "multiply-accumulates (MACs)",
  flops: "FLOPs",
  medianMs: "median time per call (ms)",
  gflops: "achieved GFLOP/s",
  memoryBytes: "memory traffic (bytes)",
};

/** A dot per variant of `data`, `y` against `x` on log scales, with the baseline's proportional line. */
export function latencyScatter(data: readonly LatencyPoint[], allOptions: LatencyScatterOptions = {}): Chart {
  const op = "latencyScatter";
  const checked = checkChartOptions(op, allOptions, ["xField", "yField", "labels", "baseline"]);
  const { xField: x = "macs", yField: y = "medianMs", labels = {}, baseline, ...options } = checked;
  checkLabels(op, labels);
  checkFieldName(op, "xField", x);
  checkFieldName(op, "yField", y);
  checkNonEmptyArray(op, "data", data, "variants");
  checkRows(op, "data", data, "{name, macs, medianMs}");
  const points = data.map((d) => {
    const r = d as unknown as Record<string, unknown>;
    const [xv, yv] = [r[x], r[y]];
    check(
      typeof xv === "number" && Number.isFinite(xv) && xv > 0,
      op,
      () => `variant ${formatValue(d.name)} needs a positive ${formatValue(x)} for a log scale, got ${formatValue(xv)}`,
    );
    check(
      typeof yv === "number" && Number.isFinite(yv) && yv > 0,
      op,
      () => `variant ${formatValue(d.name)} needs a positive ${formatValue(y)} for a log scale, got ${formatValue(yv)}`,
    );
    return { name: d.name, x: xv, y: yv, anchor: "start" as "start" | "end" };
  });
  const base = baseline === undefined ? undefined : points.find((p) => p.name === baseline);
  check(
    baseline === undefined || base !== undefined,
    op,
    () => `baseline ${formatValue(baseline)} is not one of the variants ${formatValue(points.map((p) => p.name))}`,
  );
  // Variants with the same x (e.g. a dilated conv beside the regular one): labels alternate sides.
  const byX = new Map<number, typeof points>();
  for (const p of points) byX.set(p.x, [...(byX.get(p.x) ?? []), p]);
  for (const group of byX.values())
    group.sort((a, b) => b.y - a.y).forEach((p, i) => (p.anchor = i % 2 ? "end" : "start"));
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  // Domains from the dots alone, padded on the log scale; the proportional line is clipped to them.
  const [x0, x1] = [Math.min(...xs) / 1.5, Math.max(...xs) * 1.5];
  const [y0, y1] = [Math.min(...ys) / 1.3, Math.max(...ys) * 1.3];
  const line = base === undefined ? [] : [x0, x1].map((v) => ({ x: v, y: (base.y * v) / base.x }));
  const title = (p: { name: string; x: number; y: number }) =>
    `${p.name}\n${labels[x] ?? x}: ${formatThousands(round3(p.x))}\n${labels[y] ?? y}: ${formatThousands(round3(p.y))}`;
  return plotChart(
    {
      width: 640,
      height: 400,
      marginLeft: 60,
      marginRight: 20,
      x: { type: "log", label: labels[x] ?? DEFAULT_LABELS[x] ?? x, grid: true, domain: [x0, x1], tickFormat: "~s" },
      y: {
        type: "log",
        label: labels[y] ?? DEFAULT_LABELS[y] ?? y,
        grid: true,
        domain: [y0, y1],
        tickFormat: formatThousands,
      },
      marks: [
        ...(base === undefined
          ? []
          : [
              Plot.line(line, { x: "x", y: "y", stroke: "#9a9a9a", strokeDasharray: "4,3", clip: true }),
              Plot.text([`dashed: time ∝ MACs at ${base.name}'s rate`], {
                frameAnchor: "top-left",
                textAnchor: "start",
                dx: 6,
                dy: 6,
                fill: "#767676",
              }),
            ]),
        Plot.dot(points, {
          x: "x",
          y: "y",
          r: 4,
          fill: (p: { name: string }) => (p.name === baseline ? "#9a9a9a" : "#4269d0"),
          title,
        }),
        Plot.text(
          points.filter((p) => p.anchor === "start"),
          { x: "x", y: "y", text: "name", textAnchor: "start", dx: 7 },
        ),
        Plot.text(
          points.filter((p) => p.anchor === "end"),
          { x: "x", y: "y", text: "name", textAnchor: "end", dx: -7 },
        ),
      ],
    },
    options,
  );
}

const round3 = (n: number) => (Math.abs(n) >= 1 ? Math.round(n * 1000) / 1000 : Number(n.toPrecision(3)));
