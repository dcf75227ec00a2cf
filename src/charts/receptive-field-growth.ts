/**
 * Receptive-field growth through a stack of layers: after each layer, the receptive field r (how
 * many input pixels one output pixel sees, along one dimension) and the effective stride (how many
 * input pixels apart two neighbouring outputs are), both in input pixels, so they share an axis.
 * Several stacks can be compared with the `series` field.
 *
 * The recurrence behind such data (Araujo et al., "Computing receptive fields of convolutional
 * neural networks", Distill 2019): r_l = r_{l-1} + (k_l - 1) d_l j_{l-1}, j_l = j_{l-1} s_l, with
 * r_0 = j_0 = 1. The chart only draws; the numbers come from the caller (e.g. convkit's cost model).
 */
import * as Plot from "@observablehq/plot";
import { checkBoolean, checkNonEmptyArray, checkOneOf, formatValue } from "../core/validate.js";
import { checkChartOptions, checkRows } from "./chart-options.js";
import { check } from "../core/errors.js";
import { plotChart, type Chart, type ChartOptions } from "./chart-options.js";
import { formatThousands } from "../core/format.js";

/** The state after `layer` layers (0 = the input itself) of one stack. */
export interface ReceptiveFieldDatum {
  /** Which stack, e.g. "3x3 plain" (default: one unnamed stack). */
  series?: string;
  layer: number;
  /** Receptive field, in input pixels. */
  r: number;
  /** Effective stride (jump), in input pixels. */
  stride: number;
}

export interface ReceptiveFieldGrowthOptions extends ChartOptions {
  /** Draw the effective stride too, dashed (default true). */
  showStride?: boolean;
  /** y scale type (default "linear"; "log" when a dilated or strided stack grows exponentially). */
  yType?: "linear" | "log";
}

/** Lines of r (solid) and effective stride (dashed) against the layer index, per series. */
export function receptiveFieldGrowth(
  data: readonly ReceptiveFieldDatum[],
  allOptions: ReceptiveFieldGrowthOptions = {},
): Chart {
  const op = "receptiveFieldGrowth";
  const checked = checkChartOptions(op, allOptions, ["showStride", "yType"]);
  const { showStride = true, yType = "linear", ...options } = checked;
  checkBoolean(op, "showStride", showStride);
  checkOneOf(op, "yType", yType, ["linear", "log"]);
  checkNonEmptyArray(op, "data", data, "layers");
  checkRows(op, "data", data, "{layer, r, stride}");
  for (const d of data) {
    check(
      Number.isInteger(d.layer) && d.layer >= 0,
      op,
      () => `layer must be a non-negative integer, got ${formatValue(d)}`,
    );
    // Transposed convolutions have fractional strides (1/s): any positive stride is fine.
    check(
      d.r >= 1 && d.stride > 0 && Number.isFinite(d.r) && Number.isFinite(d.stride),
      op,
      () => `r must be a finite number >= 1 and stride a finite positive number, got ${formatValue(d)}`,
    );
  }
  const series = [...new Set(data.map((d) => d.series ?? ""))];
  const many = series.length > 1;
  const long = data.flatMap((d) => {
    const s = d.series ?? "";
    const rows = [
      { series: s, key: `${s} r`, quantity: "r", layer: d.layer, value: d.r, label: many ? `${s}: r` : "r" },
    ];
    if (showStride)
      rows.push({
        series: s,
        key: `${s} stride`,
        quantity: "stride",
        layer: d.layer,
        value: d.stride,
        label: many ? `${s}: stride` : "effective stride",
      });
    return rows;
  });
  const layers = [...new Set(data.map((d) => d.layer))].sort((a, b) => a - b);
  return plotChart(
    {
      width: 640,
      height: 380,
      marginRight: many ? 150 : 110,
      x: { label: "layer", ticks: layers.length <= 20 ? layers : undefined, tickFormat: formatThousands, grid: true },
      y: {
        type: yType,
        label: "input pixels",
        grid: true,
        ...(yType === "log" ? { base: 2, tickFormat: formatThousands } : {}),
      },
      color: { type: "categorical", domain: series, scheme: "tableau10" },
      marks: [
        Plot.line(
          long.filter((d) => d.quantity === "r"),
          { x: "layer", y: "value", z: "key", stroke: "series" },
        ),
        Plot.line(
          long.filter((d) => d.quantity === "stride"),
          { x: "layer", y: "value", z: "key", stroke: "series", strokeDasharray: "4,3" },
        ),
        Plot.dot(long, { x: "layer", y: "value", fill: "series", r: 2.5 }),
        Plot.text(endLabels(long), {
          x: "layer",
          y: "value",
          text: "label",
          fill: "series",
          textAnchor: "start",
          dx: 6,
        }),
      ],
    },
    options,
  );
}

type Row = { series: string; key: string; quantity: string; layer: number; value: number; label: string };

/** One label at the last point of each line; lines that end on the same point share one label. */
function endLabels(rows: readonly Row[]): Row[] {
  const last = new Map<string, Row>();
  for (const row of rows) {
    const seen = last.get(row.key);
    if (seen === undefined || row.layer >= seen.layer) last.set(row.key, row);
  }
  const byPoint = new Map<string, Row[]>();
  for (const row of last.values()) {
    const at = `${row.layer}:${row.value}`;
    byPoint.set(at, [...(byPoint.get(at) ?? []), row]);
  }
  return [...byPoint.values()].map((group) => {
    if (group.length === 1) return group[0]!;
    const quantities = [...new Set(group.map((r) => r.quantity))];
    const label =
      quantities.length === 1
        ? `${group.map((r) => r.series).join(", ")}: ${quantities[0]}`
        : group.map((r) => r.label).join("; ");
    return { ...group[0]!, label };
  });
}
