/**
 * The tutorial's comparison table, recomputed: a (5, 5, 4) sample (channels first: (4, 5, 5))
 * taken to 10 channels by each convolution variant, with parameters and multiplications from the
 * cost model (layerStats), not typed in. Two cells of the tutorial are off; each row says what
 * the tutorial printed where it differs, and why.
 */
import { layerStats } from "./cost.js";
import { check, shapeText } from "../core/errors.js";
import { checkOneOf, formatValue } from "../core/validate.js";
import type { LayerSpec } from "../nn/layer-spec.js";
import { alignedTable, formatThousands, markdownTable, type ColumnAlign } from "../core/format.js";

/** One variant of the table. */
export interface TutorialRow {
  variant: string;
  /** The layer, as a spec (build it with buildLayer). */
  layer: LayerSpec;
  inputShape: number[];
  outputShape: number[];
  /** Weights + biases. */
  params: number;
  /** Multiplications of input by weight (MACs). */
  multiplications: number;
  /** What the tutorial printed where it differs from the count; null where it agrees. */
  tutorialSays: { params?: number; multiplications?: number } | null;
  /** How the numbers come about, and the tutorial's slip if any. */
  note: string;
}

const SAMPLE = [4, 5, 5];

/**
 * The table: regular 370 / 3240, grouped (g=2) 190 / 1620, depthwise 40 / 324 (tutorial: 320),
 * pointwise 50 / 360, depthwise-separable 90 / 684 (tutorial: 680), GDSConv (g=2) 70 / 504,
 * dilated (d=2, output 1x1) 370 / 360.
 */
export function tutorialTable(): TutorialRow[] {
  const variants: {
    variant: string;
    layer: LayerSpec;
    input?: number[];
    tutorialSays?: TutorialRow["tutorialSays"];
    note: string;
  }[] = [
    {
      variant: "regular",
      layer: { type: "Conv2d", inChannels: 4, outChannels: 10, kernelSize: 3 },
      note: "10 filters of 4 x 3 x 3 (+10 biases), each at 3 x 3 positions: 10 x 36 x 9",
    },
    {
      variant: "grouped (g=2)",
      layer: { type: "Conv2d", inChannels: 4, outChannels: 10, kernelSize: 3, groups: 2 },
      note: "each filter sees 4 / 2 = 2 channels: half the weights and multiplications",
    },
    {
      variant: "depthwise",
      layer: { type: "DepthwiseConv2d", channels: 4, kernelSize: 3 },
      tutorialSays: { multiplications: 320 },
      note: "4 filters of 3 x 3 (+4 biases) at 3 x 3 positions: 4 x 9 x 9 = 324; the tutorial prints 320",
    },
    {
      variant: "pointwise",
      layer: { type: "PointwiseConv2d", inChannels: 4, outChannels: 10 },
      input: [4, 3, 3],
      note: "1 x 1 x 4 filters on the depthwise output (4, 3, 3): 10 x 4 x 9",
    },
    {
      variant: "depthwise-separable",
      layer: { type: "SeparableConv2d", inChannels: 4, outChannels: 10, kernelSize: 3 },
      tutorialSays: { multiplications: 680 },
      note: "depthwise then pointwise: 40 + 50 parameters, 324 + 360 = 684 multiplications; the tutorial's 680 carries its depthwise 320",
    },
    {
      variant: "GDSConv (g=2)",
      layer: { type: "GroupedSeparableConv2d", inChannels: 4, outChannels: 10, kernelSize: 3, groups: 2 },
      note: "depthwise (40 / 324), then a 1 x 1 conv with 2 groups (30 / 180)",
    },
    {
      variant: "dilated (d=2)",
      layer: { type: "Conv2d", inChannels: 4, outChannels: 10, kernelSize: 3, dilation: 2 },
      note: "the 3 x 3 kernel spans 5 x 5, so the 5 x 5 input gives a 1 x 1 output: the regular layer's 370 parameters, 10 x 36 x 1 multiplications",
    },
  ];
  return variants.map(({ variant, layer, input = SAMPLE, tutorialSays = null, note }) => {
    const stats = layerStats(layer, input);
    return {
      variant,
      layer,
      inputShape: input.slice(),
      outputShape: stats.outputShape,
      params: stats.params.total,
      multiplications: stats.macs,
      tutorialSays,
      note,
    };
  });
}

/** The table as Markdown (default) or aligned plain text, the tutorial's slips marked. */
export function formatTutorialTable(
  rows: readonly TutorialRow[] = tutorialTable(),
  format: "markdown" | "text" = "markdown",
): string {
  check(
    Array.isArray(rows as unknown) &&
      rows.length > 0 &&
      rows.every(
        (r) =>
          typeof r === "object" &&
          r !== null &&
          typeof r.variant === "string" &&
          Array.isArray(r.inputShape) &&
          Array.isArray(r.outputShape),
      ),
    "formatTutorialTable",
    () => `rows must be a non-empty array of tutorialTable() rows, got ${formatValue(rows)}`,
  );
  checkOneOf("formatTutorialTable", "format", format, ["markdown", "text"]);
  const header = ["variant", "input", "output", "params", "multiplications", "tutorial"];
  const cells = rows.map((r) => [
    r.variant,
    shapeText(r.inputShape),
    shapeText(r.outputShape),
    formatThousands(r.params),
    formatThousands(r.multiplications),
    r.tutorialSays
      ? Object.entries(r.tutorialSays)
          .map(([k, v]) => `says ${formatThousands(v)} ${k}`)
          .join(", ")
      : "agrees",
  ]);
  const align: ColumnAlign[] = ["left", "left", "left", "right", "right", "left"];
  const lines = format === "markdown" ? markdownTable(header, cells, align) : alignedTable(header, cells, align);
  return lines.join("\n") + "\n";
}
