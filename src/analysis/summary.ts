/**
 * Whole-network reports, like torchinfo's summary: one row per layer (composites and their
 * children, to a chosen depth), each with shapes, parameters, MACs, FLOPs, memory traffic, the
 * count of a chosen tool's convention, and the receptive field after it; totals; and renderings as
 * a plain-text table (for notebooks and terminals), Markdown, CSV and JSON.
 *
 *   const s = summary(model, [1, 3, 224, 224], {convention: "torchinfo"});
 *   s.totals.macs; s.rows[0].receptiveField.size; console.log(s.toText());
 *
 * Everything comes from shapes (cost.ts, receptive-field.ts); no tensor is allocated.
 */
import { check, shapeText, ConvError } from "../core/errors.js";
import { alignedTable, formatBytes, formatThousands, markdownTable } from "../core/format.js";
import { COUNTING_CONVENTIONS, CONVENTIONS, statsOfResolved, type Convention, type LayerStats } from "./cost.js";
import { resolveModelOf, withOp, type ModelInput, type ResolvedLayer } from "../nn/layer-spec.js";
import {
  describeReceptiveField,
  initialReceptiveField,
  nextReceptiveField,
  spatialRank,
  statsLeaves,
  type ReceptiveField,
  type ReceptiveFieldState,
} from "./receptive-field.js";
import {
  checkBoolean,
  checkFiniteNumber,
  checkInteger,
  checkOneOf,
  checkOptions,
  checkPositiveInteger,
  formatValue,
} from "../core/validate.js";
import { checkShapeSizes } from "../core/arithmetic.js";

export interface SummaryOptions {
  /** Whose count fills the `count` column (default "exact": convkit's MACs). */
  convention?: Convention;
  /** List layers down to this nesting depth; deeper ones fold into their parent's row (default: all). */
  depth?: number;
  /** Title of the report (default "model"). */
  title?: string;
}

const SUMMARY_OPTION_KEYS = ["convention", "depth", "title"] as const;

/** The counts a summary row and the totals share. */
export interface SummaryCounts {
  inputShape: number[];
  outputShape: number[];
  params: number;
  weightParams: number;
  biasParams: number;
  macs: number;
  biasAdds: number;
  otherOps: number;
  flops: number;
  memoryBytes: number;
  /** The count in the summary's convention. */
  count: number;
  /** The count in every convention. */
  counts: Record<Convention, number>;
}

/** One layer of a summary. Counts of a composite row are its children's sums. */
export interface SummaryRow extends SummaryCounts {
  /** Dotted path, e.g. "conv1_1" or "block2.depthwise". */
  name: string;
  type: string;
  /** 1 for the model's own layers, 2 for their children, ... */
  depth: number;
  /** False for composite layers (their children follow when depth allows). */
  leaf: boolean;
  arithmeticIntensity: number;
  /** After this layer, per spatial dimension; null once Linear or Flatten has mixed all positions. */
  receptiveField: ReceptiveField | null;
}

/** The whole model's counts, from its input to its output. */
export type SummaryTotals = SummaryCounts;

/** The summary of a model: rows, totals and renderings. */
export class ModelSummary {
  constructor(
    readonly title: string,
    readonly convention: Convention,
    readonly rows: SummaryRow[],
    readonly totals: SummaryTotals,
  ) {
    const op = "ModelSummary";
    check(typeof title === "string", op, () => `title must be a string, got ${formatValue(title)}`);
    checkOneOf(op, "convention", convention, CONVENTIONS);
    check(Array.isArray(rows), op, () => `rows must be an array of summary rows, got ${formatValue(rows)}`);
    rows.forEach((row, i) => checkRow(op, `rows[${i}]`, row));
    checkCounts(op, "totals", totals);
  }

  /** Header of the convention's column (e.g. "Mult-Adds (torchinfo)"). */
  get countLabel(): string {
    return COUNTING_CONVENTIONS[this.convention].label;
  }

  /** A plain-text table with aligned columns and thousands separators, then the totals. */
  toText(): string {
    const { header, cells, align } = tableCells(this, { indent: true });
    const [head, ...body] = alignedTable(header, cells, align);
    // The last column is right-aligned, so every line spans the table's full width.
    const rule = "=".repeat(head!.length);
    return [rule, head, rule, ...body, rule, ...totalLines(this), rule].join("\n") + "\n";
  }

  toString(): string {
    return this.toText();
  }

  /** A Markdown table (numbers right-aligned), then the totals as a list. */
  toMarkdown(): string {
    const { header, cells, align } = tableCells(this, { indent: false });
    const title = `**${this.title}**, input ${shapeText(this.totals.inputShape)}${this.convention === "exact" ? "" : `, counted as ${COUNTING_CONVENTIONS[this.convention].tool}`}`;
    return (
      [title, "", ...markdownTable(header, cells, align), "", ...totalLines(this).map((l) => `- ${l}`)].join("\n") +
      "\n"
    );
  }

  /** Comma-separated rows, one per layer, raw numbers (no separators); shapes as "[1, 3, 224, 224]". No totals row. */
  toCSV(): string {
    const header = [
      "name",
      "type",
      "depth",
      "leaf",
      "input_shape",
      "output_shape",
      "params",
      "weight_params",
      "bias_params",
      "macs",
      "bias_adds",
      "other_ops",
      "flops",
      "memory_bytes",
      "arithmetic_intensity",
      `count_${this.convention}`,
      "rf_size",
      "rf_stride",
      "rf_padding",
      "rf_center",
    ];
    const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const lines = this.rows.map((r) => {
      const rf = r.receptiveField;
      return [
        r.name,
        r.type,
        r.depth,
        r.leaf,
        shapeText(r.inputShape),
        shapeText(r.outputShape),
        r.params,
        r.weightParams,
        r.biasParams,
        r.macs,
        r.biasAdds,
        r.otherOps,
        r.flops,
        r.memoryBytes,
        round(r.arithmeticIntensity),
        r.count,
        rf ? shapeText(rf.size) : "",
        rf ? shapeText(rf.stride) : "",
        rf ? shapeText(rf.padding) : "",
        rf ? shapeText(rf.center) : "",
      ]
        .map((v) => quote(String(v)))
        .join(",");
    });
    return [header.join(","), ...lines].join("\n") + "\n";
  }

  /** A JSON-ready object (so `JSON.stringify(summary)` works): title, convention, rows, totals. */
  toJSON(): { title: string; convention: Convention; countLabel: string; rows: SummaryRow[]; totals: SummaryTotals } {
    return {
      title: this.title,
      convention: this.convention,
      countLabel: this.countLabel,
      rows: this.rows,
      totals: this.totals,
    };
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** "212" when every dimension agrees, else "212x100". */
function perDim(values: readonly number[]): string {
  if (values.length === 0) return "-";
  return values.every((v) => v === values[0]) ? formatThousands(values[0]!) : values.map(formatThousands).join("x");
}

function tableCells(
  s: ModelSummary,
  { indent }: { indent: boolean },
): { header: string[]; cells: string[][]; align: ("left" | "right")[] } {
  const exact = s.convention === "exact";
  const header = [
    "Layer (type)",
    "Input shape",
    "Output shape",
    "Params",
    "MACs",
    "FLOPs",
    ...(exact ? [] : [s.countLabel]),
    "Memory (bytes)",
    "RF size / stride / padding",
  ];
  const align: ("left" | "right")[] = [
    "left",
    "left",
    "left",
    "right",
    "right",
    "right",
    ...(exact ? [] : ["right" as const]),
    "right",
    "right",
  ];
  const cells = s.rows.map((r) => {
    const rf = r.receptiveField;
    return [
      // Indented text shows the hierarchy, so a child needs only its own name there.
      `${indent ? `${"  ".repeat(r.depth - 1)}${r.name.slice(r.name.lastIndexOf(".") + 1)}` : r.name} (${r.type})`,
      shapeText(r.inputShape),
      shapeText(r.outputShape),
      formatThousands(r.params),
      formatThousands(r.macs),
      formatThousands(r.flops),
      ...(exact ? [] : [formatThousands(r.count)]),
      formatThousands(r.memoryBytes),
      rf ? `${perDim(rf.size)} / ${perDim(rf.stride)} / ${perDim(rf.padding)}` : "whole input",
    ];
  });
  return { header, cells, align };
}

function totalLines(s: ModelSummary): string[] {
  const t = s.totals;
  const mb = (bytes: number) => formatBytes(bytes, { unit: "MB" });
  return [
    `Input ${shapeText(t.inputShape)} -> output ${shapeText(t.outputShape)}`,
    `Total params: ${formatThousands(t.params)} (weights ${formatThousands(t.weightParams)}, biases ${formatThousands(t.biasParams)}; ${mb(4 * t.params)} as float32)`,
    `Total MACs: ${formatThousands(t.macs)}`,
    `Total FLOPs: ${formatThousands(t.flops)} (2 x MACs + ${formatThousands(t.biasAdds)} bias adds + ${formatThousands(t.otherOps)} other ops)`,
    `Memory traffic: ${formatThousands(t.memoryBytes)} bytes (${mb(t.memoryBytes)}), each tensor read or written once`,
    ...(s.convention === "exact" ? [] : [`Total ${s.countLabel}: ${formatThousands(t.count)}`]),
  ];
}

/**
 * Summarizes a model on an input of `inputShape`: per-layer rows (pre-order, composites before
 * their children, to `depth`), totals, and renderings. `model` is a module (a Sequential, or any
 * single layer), a LayerSpec, or an array of modules or specs run in order. Throws ConvError
 * naming the layer, its input shape and the reason when shapes do not chain.
 *
 * @example summary(new Sequential(new Conv2d(3, 8, 3), new ReLU()), [1, 3, 32, 32]).totals.params // 224
 */
export function summary(model: ModelInput, inputShape: readonly number[], options: SummaryOptions = {}): ModelSummary {
  const op = "summary";
  const { convention = "exact", depth = Infinity, title = "model" } = checkOptions(op, options, SUMMARY_OPTION_KEYS);
  checkOneOf(op, "convention", convention, CONVENTIONS);
  if (depth !== Infinity) checkPositiveInteger(op, "depth", depth);
  if (typeof title !== "string") throw new ConvError(op, `title must be a string, got ${formatValue(title)}`);
  checkShapeSizes(op, inputShape, "inputShape");
  const root = resolveModelOf(op, model);
  const top =
    root.kind === "sequence"
      ? root
      : { kind: "sequence" as const, type: "Sequential", children: [["0", root]] as [string, ResolvedLayer][] };
  const stats = withOp(op, "model", () => statsOfResolved({ ...top, type: op }, inputShape));
  const rank = spatialRank(statsLeaves(stats), inputShape);

  const rows: SummaryRow[] = [];
  let state: ReceptiveFieldState | null = initialReceptiveField(rank);
  const walk = (children: { name: string; stats: LayerStats }[], level: number, prefix: string): void => {
    for (const { name, stats: s } of children) {
      const path = prefix ? `${prefix}.${name}` : name;
      const row = level <= depth ? rowOf(path, s, level, convention) : null;
      if (row) rows.push(row);
      if (s.children.length > 0) walk(s.children, level + 1, path);
      else state = nextReceptiveField(state, s.window);
      if (row) row.receptiveField = state ? describeReceptiveField(state) : null;
    }
  };
  walk(stats.children, 1, "");

  const totals: SummaryTotals = {
    inputShape: stats.inputShape,
    outputShape: stats.outputShape,
    params: stats.params.total,
    weightParams: stats.params.weight,
    biasParams: stats.params.bias,
    macs: stats.macs,
    biasAdds: stats.biasAdds,
    otherOps: stats.otherOps,
    flops: stats.flops,
    memoryBytes: stats.memory.totalBytes,
    count: stats.counts[convention],
    counts: { ...stats.counts },
  };
  return new ModelSummary(title, convention, rows, totals);
}

const COUNT_FIELDS = [
  "params",
  "weightParams",
  "biasParams",
  "macs",
  "biasAdds",
  "otherOps",
  "flops",
  "memoryBytes",
  "count",
] as const;

/** Throws unless `value` holds the counts of a summary row or its totals (summary's fields), naming `what`. */
function checkCounts(op: string, what: string, value: unknown): asserts value is SummaryCounts {
  check(
    value !== null && typeof value === "object" && !Array.isArray(value),
    op,
    () => `${what} must be an object of counts like summary()'s, got ${formatValue(value)}`,
  );
  const fields = value as Record<string, unknown>;
  for (const key of ["inputShape", "outputShape"]) checkShapeSizes(op, fields[key] as number[], `${what}.${key}`);
  for (const key of COUNT_FIELDS) checkFiniteNumber(op, `${what}.${key}`, fields[key], { min: 0 });
  const counts = fields.counts as Record<string, unknown> | null;
  check(
    counts !== null && typeof counts === "object",
    op,
    () => `${what}.counts must be an object with a count per convention, got ${formatValue(counts)}`,
  );
  for (const convention of CONVENTIONS)
    checkFiniteNumber(op, `${what}.counts.${convention}`, counts[convention], { min: 0 });
}

/** Throws unless `value` is a summary row (summary()'s rows), naming `what`. */
function checkRow(op: string, what: string, value: unknown): void {
  checkCounts(op, what, value);
  const row = value as unknown as Record<string, unknown>;
  for (const key of ["name", "type"])
    check(typeof row[key] === "string", op, () => `${what}.${key} must be a string, got ${formatValue(row[key])}`);
  checkInteger(op, `${what}.depth`, row.depth, { min: 1 });
  checkBoolean(op, `${what}.leaf`, row.leaf);
  checkFiniteNumber(op, `${what}.arithmeticIntensity`, row.arithmeticIntensity, { min: 0 });
  const rf = row.receptiveField;
  check(
    rf === null ||
      (typeof rf === "object" &&
        ["size", "stride", "padding", "center"].every((k) => Array.isArray((rf as Record<string, unknown>)[k]))),
    op,
    () => `${what}.receptiveField must be null or {size, stride, padding, center}, got ${formatValue(rf)}`,
  );
}

function rowOf(name: string, s: LayerStats, depth: number, convention: Convention): SummaryRow {
  return {
    name,
    type: s.type,
    depth,
    leaf: s.children.length === 0,
    inputShape: s.inputShape,
    outputShape: s.outputShape,
    params: s.params.total,
    weightParams: s.params.weight,
    biasParams: s.params.bias,
    macs: s.macs,
    biasAdds: s.biasAdds,
    otherOps: s.otherOps,
    flops: s.flops,
    memoryBytes: s.memory.totalBytes,
    arithmeticIntensity: s.arithmeticIntensity,
    count: s.counts[convention],
    counts: { ...s.counts },
    receptiveField: null,
  };
}
