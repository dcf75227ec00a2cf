/**
 * Kernel footprint: which input cells one output cell of a 2-D convolution reads, with padding,
 * stride and dilation visible (the picture of Dumoulin & Visin's conv_arithmetic animations).
 *
 * Output cell (oy, ox) applies kernel tap (i, j) to padded-input cell
 * (oy s_h - p_top + i d_h, ox s_w - p_left + j d_w), in input coordinates (negative or >= the
 * input size inside the padding). The sizes, the padding ("same", "valid" or numbers) and the
 * validity of the configuration come from convkit's convInfo, so an impossible configuration
 * throws the library's ConvError.
 */
import * as Plot from "@observablehq/plot";
import { convInfo, type PaddingMode } from "../core/arithmetic.js";
import { check } from "../core/errors.js";
import { checkFiniteNumber, checkOptions, formatValue } from "../core/validate.js";
import { checkChartOptions, plotChart, type Chart, type ChartOptions } from "./chart-options.js";

type Pair = number | readonly [number, number];

export interface FootprintConfig {
  /** Input height and width (one number for a square input). */
  inputSize: Pair;
  kernelSize: Pair;
  stride?: Pair;
  padding?: Pair | "same" | "valid";
  dilation?: Pair;
  paddingMode?: PaddingMode;
  /** The output cell [row, col] to trace (default [0, 0]). */
  output?: readonly [number, number];
}

/** One kernel tap of the traced output cell. */
export interface FootprintTap {
  /** Kernel index [i, j]. */
  kernel: [number, number];
  /** Where the tap lands, in input coordinates (may lie in the padding). */
  row: number;
  col: number;
  padded: boolean;
  /** The input cell the tap reads: itself, or for a padded tap the cell that reflect/replicate/circular padding copies (null for zeros). */
  source: [number, number] | null;
}

export interface Footprint {
  inSize: [number, number];
  outSize: [number, number];
  padBefore: [number, number];
  padAfter: [number, number];
  output: [number, number];
  taps: FootprintTap[];
  /** Every cell of the padded input, row by row. */
  cells: { row: number; col: number; padded: boolean; tap: boolean; source: boolean }[];
}

/** Where padding of `mode` takes the value of position `i` (outside [0, n)) from (PyTorch's pad modes). */
function padSource(i: number, n: number, mode: PaddingMode): number | null {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case "zeros":
      return null;
    case "reflect": // mirror without repeating the edge: -1 -> 1, n -> n - 2
      return i < 0 ? -i : 2 * (n - 1) - i;
    case "replicate":
      return Math.min(Math.max(i, 0), n - 1);
    case "circular":
      return ((i % n) + n) % n;
  }
}

/** The most cells (input plus padding) a footprint lists and draws: a 100 x 100 grid. */
export const MAX_FOOTPRINT_CELLS = 10_000;

/** The taps and cells of one output cell's footprint (validated by convInfo). */
export function kernelFootprintData(config: FootprintConfig): Footprint {
  const op = "kernelFootprint";
  const keys = ["inputSize", "kernelSize", "stride", "padding", "dilation", "paddingMode", "output"];
  check(
    typeof config === "object" && config !== null && !Array.isArray(config) && !ArrayBuffer.isView(config),
    op,
    () => `config must be an object like {inputSize: 5, kernelSize: 3}, got ${formatValue(config)}`,
  );
  const {
    inputSize,
    kernelSize,
    stride = 1,
    padding = 0,
    dilation = 1,
    paddingMode = "zeros",
    output = [0, 0],
  } = checkOptions(op, config, keys, "field");
  for (const [name, v] of [
    ["inputSize", inputSize],
    ["kernelSize", kernelSize],
  ] as const) {
    const isSize = (s: unknown) => typeof s === "number" && Number.isInteger(s) && s >= 1;
    check(
      isSize(v) || (Array.isArray(v) && v.length === 2 && v.every(isSize)),
      op,
      () => `${name} must be a positive integer or [height, width] of them, got ${formatValue(v)}`,
    );
  }
  check(
    Array.isArray(output) && output.length === 2,
    op,
    () => `output must be a cell [row, col], got ${formatValue(output)}`,
  );
  const pair = (v: Pair): [number, number] => (typeof v === "number" ? [v, v] : [v[0], v[1]]);
  const [kh, kw] = pair(kernelSize);
  const info = convInfo(op, 2, [1, ...pair(inputSize)], [1, 1, kh, kw], null, {
    stride,
    padding,
    dilation,
    paddingMode,
  });
  const [h, w] = info.inSize as [number, number];
  const [oh, ow] = info.outSize as [number, number];
  const [oy, ox] = output;
  check(
    Number.isInteger(oy) && Number.isInteger(ox) && oy >= 0 && oy < oh && ox >= 0 && ox < ow,
    op,
    () => `output cell [${oy}, ${ox}] is outside the output (${oh}, ${ow}); input (${h}, ${w})`,
  );
  const [pt, pl] = info.padBefore as [number, number];
  const [pb, pr] = info.padAfter as [number, number];
  const cellCount = (h + pt + pb) * (w + pl + pr);
  check(
    cellCount <= MAX_FOOTPRINT_CELLS,
    op,
    () =>
      `inputSize ${formatValue(inputSize)} with padding ${formatValue(padding)} makes ${cellCount} cells; a footprint draws at most ${MAX_FOOTPRINT_CELLS}`,
  );
  const [sh, sw] = info.stride as [number, number];
  const [dh, dw] = info.dilation as [number, number];
  const taps: FootprintTap[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const row = oy * sh - pt + i * dh;
      const col = ox * sw - pl + j * dw;
      const r = padSource(row, h, info.paddingMode);
      const c = padSource(col, w, info.paddingMode);
      taps.push({
        kernel: [i, j],
        row,
        col,
        padded: row < 0 || row >= h || col < 0 || col >= w,
        source: r === null || c === null ? null : [r, c],
      });
    }
  }
  const tapAt = new Set(taps.map((t) => `${t.row},${t.col}`));
  const sourceAt = new Set(taps.filter((t) => t.padded && t.source).map((t) => `${t.source![0]},${t.source![1]}`));
  const cells: Footprint["cells"] = [];
  for (let row = -pt; row < h + pb; row++) {
    for (let col = -pl; col < w + pr; col++) {
      cells.push({
        row,
        col,
        padded: row < 0 || row >= h || col < 0 || col >= w,
        tap: tapAt.has(`${row},${col}`),
        source: sourceAt.has(`${row},${col}`),
      });
    }
  }
  return { inSize: [h, w], outSize: [oh, ow], padBefore: [pt, pl], padAfter: [pb, pr], output: [oy, ox], taps, cells };
}

/** ", padding 1", ", padding rows 1+2, cols 1+2 (reflect)", or "" without padding. */
function paddingLabel({ padBefore: [pt, pl], padAfter: [pb, pr] }: Footprint, mode: PaddingMode): string {
  if (pt + pb + pl + pr === 0) return "";
  const side = (a: number, b: number) => (a === b ? `${a}` : `${a}+${b}`);
  const amount = pt === pb && pl === pr && pt === pl ? `${pt}` : `rows ${side(pt, pb)}, cols ${side(pl, pr)}`;
  return `, padding ${amount}${mode === "zeros" ? "" : ` (${mode})`}`;
}

export interface KernelFootprintOptions extends ChartOptions {
  /** Pixel size of one cell (default 22). */
  cellSize?: number;
}

const COLORS = {
  input: "#dfe7f5",
  padding: "#ffffff",
  tap: "#4269d0",
  paddedTap: "#9fb3e6",
  source: "#efb118",
  output: "#eeeeee",
  selected: "#4269d0",
};

/**
 * The padded input (padding dashed) with the traced output cell's taps filled, and the output grid
 * beside it with that cell filled. For reflect/replicate/circular padding, the input cells that
 * padded taps copy are outlined in amber.
 */
export function kernelFootprint(config: FootprintConfig, allOptions: KernelFootprintOptions = {}): Chart {
  const { cellSize = 22, ...options } = checkChartOptions("kernelFootprint", allOptions, ["cellSize"]);
  checkFiniteNumber("kernelFootprint", "cellSize", cellSize, { min: 1 });
  const fp = kernelFootprintData(config);
  const [h, w] = fp.inSize;
  const [oh, ow] = fp.outSize;
  const [pt, pl] = fp.padBefore;
  const [pb, pr] = fp.padAfter;
  const gap = 2;
  const xOut = w + pr + gap; // left edge of the output grid
  const rows = Math.max(h + pt + pb, oh);
  const cols = xOut + ow + pl;
  const inputCells = fp.cells.map((c) => ({
    ...c,
    fill: c.tap ? (c.padded ? COLORS.paddedTap : COLORS.tap) : c.padded ? COLORS.padding : COLORS.input,
  }));
  const outputCells = Array.from({ length: oh * ow }, (_, k) => {
    const row = Math.floor(k / ow);
    const col = k % ow;
    const selected = row === fp.output[0] && col === fp.output[1];
    return { row: row - pt, col: xOut + col, fill: selected ? COLORS.selected : COLORS.output };
  });
  const sources = fp.cells.filter((c) => c.source);
  const rect = {
    x1: "col",
    x2: (d: { col: number }) => d.col + 1,
    y1: "row",
    y2: (d: { row: number }) => d.row + 1,
    inset: 1,
  } as const;
  const outputLabel = `output ${oh}×${ow}`;
  const labelWidth = 7 * outputLabel.length; // about 7 px per character at Plot's 10px font
  const margin = { top: 30, bottom: 10, left: 10, right: Math.max(10, labelWidth - ow * cellSize) };
  return plotChart(
    {
      width: margin.left + margin.right + cols * cellSize,
      height: margin.top + margin.bottom + rows * cellSize,
      marginTop: margin.top,
      marginBottom: margin.bottom,
      marginLeft: margin.left,
      marginRight: margin.right,
      x: { domain: [-pl, xOut + ow], axis: null },
      y: { domain: [-pt, rows - pt], reverse: true, axis: null },
      marks: [
        Plot.rect(
          inputCells.filter((c) => c.padded),
          { ...rect, fill: "fill", stroke: "#999999", strokeDasharray: "3,2" },
        ),
        Plot.rect(
          inputCells.filter((c) => !c.padded),
          { ...rect, fill: "fill", stroke: "#7a8fb8" },
        ),
        Plot.rect(sources, { ...rect, fill: "none", stroke: COLORS.source, strokeWidth: 2.5, inset: 2 }),
        Plot.rect(outputCells, { ...rect, fill: "fill", stroke: "#999999" }),
        Plot.text(
          [
            { x: -pl, label: `input ${h}×${w}${paddingLabel(fp, config.paddingMode ?? "zeros")}` },
            { x: xOut, label: outputLabel },
          ],
          { x: "x", y: -pt, text: "label", textAnchor: "start", lineAnchor: "bottom", dy: -6 },
        ),
      ],
    },
    options,
  );
}
