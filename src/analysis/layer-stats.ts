/**
 * The shape of a layer's cost (LayerStats) and how it is put together: `statsOf` turns one layer's
 * counts into FLOPs, memory traffic and intensity, `resolvedLayerStats` runs a validated layer tree
 * and adds its children up. The units are cost.ts's; each layer type's own counts live with its
 * definition (src/nn/conv.ts, pool.ts, ...), which calls `statsOf`.
 */
import { checkShapeSizes, numel } from "../core/arithmetic.js";
import { check, shapeText } from "../core/errors.js";
import { formatValue } from "../core/validate.js";
import { definitionOf, describeLayer, SPEC_OP, withContext, type ResolvedLayer } from "../nn/registry.js";

/** Bytes per value: float32. */
export const BYTES_PER_VALUE = 4;

/** The counting conventions `summary` can report in (see COUNTING_CONVENTIONS). */
export type Convention = "exact" | "torchinfo" | "thop" | "fvcore" | "ptflops" | "pytorch";
export const CONVENTIONS: readonly Convention[] = ["exact", "torchinfo", "thop", "fvcore", "ptflops", "pytorch"];

/** Where a layer's outputs look in its input, per spatial dimension, for the receptive-field recurrences. */
export type LayerWindow =
  /** Output position i sees input position i only (ReLU, batch norm, channel shuffle). */
  | { kind: "pointwise" }
  /**
   * A sliding window: `kernel` is the effective (dilated) extent d (k - 1) + 1, `padding` the
   * padding before. For transposed convolutions these are the layer's own k_eff, stride and
   * padding (the receptive-field code turns them into a fractional stride). `exact` is false only
   * for adaptive pooling whose output size does not divide the input size (largest window, mean stride).
   */
  | { kind: "sliding"; kernel: number[]; stride: number[]; padding: number[]; transposed: boolean; exact: boolean }
  /** Every output sees every input position (Linear, Flatten): spatial dimensions end here. */
  | { kind: "global" }
  /** A composite layer: its children's windows, in order. */
  | { kind: "sequence" };

export interface LayerStats {
  /** The layer's class, e.g. "Conv2d". */
  type: string;
  inputShape: number[];
  outputShape: number[];
  /** Learnable parameters: weights and biases apart (batch norm: gamma as weight, beta as bias). */
  params: { weight: number; bias: number; total: number };
  /** Multiply-accumulates of input by weight. */
  macs: number;
  /** Bias additions, one per output element of a conv or linear layer with bias. */
  biasAdds: number;
  /** Comparisons, additions, divisions and scalings that are not MACs (pooling, ReLU, batch norm). */
  otherOps: number;
  /** 2 x macs + biasAdds + otherOps. */
  flops: number;
  /** Compulsory memory traffic in bytes (float32). */
  memory: { inputBytes: number; weightBytes: number; outputBytes: number; totalBytes: number };
  /** FLOPs per byte of memory traffic (0 when nothing moves). */
  arithmeticIntensity: number;
  /** The number each tool reports for this layer (see COUNTING_CONVENTIONS). */
  counts: Record<Convention, number>;
  window: LayerWindow;
  /** Per-child stats of a composite layer, in order (empty for a single layer). */
  children: { name: string; stats: LayerStats }[];
}

function zeroCounts(): Record<Convention, number> {
  return { exact: 0, torchinfo: 0, thop: 0, fvcore: 0, ptflops: 0, pytorch: 0 };
}

/**
 * A leaf layer's stats from its counts: FLOPs, memory traffic and intensity follow from the
 * parameters, MACs, bias adds and other ops given (`reads: false` for a view that moves nothing).
 * Layer definitions (src/nn) call it from their `stats`.
 */
export function statsOf(
  type: string,
  inputShape: readonly number[],
  outputShape: readonly number[],
  {
    weight = 0,
    bias = 0,
    buffers = 0,
    macs = 0,
    biasAdds = 0,
    otherOps = 0,
    reads = true,
    counts = {},
    window,
  }: {
    weight?: number;
    bias?: number;
    buffers?: number;
    macs?: number;
    biasAdds?: number;
    otherOps?: number;
    reads?: boolean;
    counts?: Partial<Record<Convention, number>>;
    window: LayerWindow;
  },
): LayerStats {
  const flops = 2 * macs + biasAdds + otherOps;
  const inputBytes = reads ? numel(inputShape) * BYTES_PER_VALUE : 0;
  const weightBytes = (weight + bias + buffers) * BYTES_PER_VALUE;
  const outputBytes = reads ? numel(outputShape) * BYTES_PER_VALUE : 0;
  const totalBytes = inputBytes + weightBytes + outputBytes;
  return {
    type,
    inputShape: inputShape.slice(),
    outputShape: outputShape.slice(),
    params: { weight, bias, total: weight + bias },
    macs,
    biasAdds,
    otherOps,
    flops,
    memory: { inputBytes, weightBytes, outputBytes, totalBytes },
    arithmeticIntensity: totalBytes > 0 ? flops / totalBytes : 0,
    counts: { ...zeroCounts(), ...counts, exact: macs },
    window,
    children: [],
  };
}

/** Stats of a validated layer (resolveLayer's result); composites run their children in order and add them up. */
export function resolvedLayerStats(layer: ResolvedLayer, inputShape: readonly number[]): LayerStats {
  const op = "resolvedLayerStats";
  check(
    layer !== null && typeof layer === "object" && (layer.kind === "layer" || layer.kind === "sequence"),
    op,
    () => `layer must be a resolved layer (resolveLayer's result), got ${formatValue(layer)}`,
  );
  checkShapeSizes(op, inputShape, "inputShape");
  return statsOn(op, layer, inputShape);
}

/**
 * statsOfResolved for the exported function `op`: its errors start with `op` and name the input
 * shape they are about: `layerStats: on inputShape [1, 4]: Conv2d: expected input of rank 3 ...`.
 */
export function statsOn(op: string, layer: ResolvedLayer, inputShape: readonly number[]): LayerStats {
  return withContext(op, `on inputShape ${shapeText(inputShape)}`, () => statsOfResolved(layer, inputShape));
}

/** resolvedLayerStats without checking its arguments: errors keep the layer's own op, for the caller's context. */
export function statsOfResolved(layer: ResolvedLayer, inputShape: readonly number[]): LayerStats {
  if (layer.kind !== "sequence") {
    const definition = definitionOf(layer.type);
    check(
      definition !== undefined && "stats" in definition,
      SPEC_OP,
      () => `unknown layer type ${formatValue(layer.type)}`,
    );
    return definition.stats(layer.options, inputShape, layer.type);
  }
  const children: { name: string; stats: LayerStats }[] = [];
  let shape: readonly number[] = inputShape;
  layer.children.forEach(([name, child], i) => {
    const stats = withContext(
      layer.type,
      `${describeLayer(i, name)} (${child.type}) on input ${shapeText(shape)}`,
      () => statsOfResolved(child, shape),
    );
    children.push({ name, stats });
    shape = stats.outputShape;
  });
  return sumStats(layer.type, inputShape, shape, children);
}

function sumStats(
  type: string,
  inputShape: readonly number[],
  outputShape: readonly number[],
  children: { name: string; stats: LayerStats }[],
): LayerStats {
  const sum = (f: (s: LayerStats) => number) => children.reduce((t, c) => t + f(c.stats), 0);
  const counts = zeroCounts();
  for (const c of children) for (const k of CONVENTIONS) counts[k] += c.stats.counts[k];
  const memory = {
    inputBytes: sum((s) => s.memory.inputBytes),
    weightBytes: sum((s) => s.memory.weightBytes),
    outputBytes: sum((s) => s.memory.outputBytes),
    totalBytes: sum((s) => s.memory.totalBytes),
  };
  const flops = sum((s) => s.flops);
  return {
    type,
    inputShape: inputShape.slice(),
    outputShape: outputShape.slice(),
    params: { weight: sum((s) => s.params.weight), bias: sum((s) => s.params.bias), total: sum((s) => s.params.total) },
    macs: sum((s) => s.macs),
    biasAdds: sum((s) => s.biasAdds),
    otherOps: sum((s) => s.otherOps),
    flops,
    memory,
    arithmeticIntensity: memory.totalBytes > 0 ? flops / memory.totalBytes : 0,
    counts,
    window: { kind: "sequence" },
    children,
  };
}
