/**
 * Receptive fields of a sequential stack, per layer and per spatial dimension, by the recurrences
 * of Araujo, Norris and Sim, "Computing Receptive Fields of Convolutional Neural Networks",
 * Distill 2019 (https://distill.pub/2019/computing-receptive-fields/). Walking from the input,
 * with r = 1, S = 1, P = 0 before the first layer and, for a layer with effective kernel
 * k_eff = d (k - 1) + 1, stride s and padding p (before):
 *
 *   r <- r + (k_eff - 1) S      receptive-field size, in input pixels
 *   P <- P + p S                effective padding
 *   S <- S s                    effective stride (the "jump" between neighbouring outputs)
 *
 * and output 0 sees input pixels -P .. -P + r - 1, so its center is at -P + (r - 1) / 2. Output i
 * sees -P + i S .. -P + i S + r - 1. Pooling is a window like any other; 1x1 convs, ReLU and
 * batch norm leave everything unchanged.
 *
 * Transposed convolutions have a fractional stride 1/s: they insert s - 1 zeros between input
 * values and run a stride-1 convolution padded by k_eff - 1 - p. So S <- S / s,
 * r <- r + (k_eff - 1) S / s, P <- P + (k_eff - 1 - p) S / s, and r, P and the center may be
 * fractions: a window's span is measured on the zero-inserted grid, and the input values an
 * output depends on lie inside it (for a single transposed layer, exactly the integer positions
 * inside it; after several layers the span is an outer bound). E.g. ConvTranspose(k=2, s=2):
 * r = 1.5, output 0 spans [-0.5, 0], so it sees input 0 only; output 1 spans [0, 0.5], input 0 again.
 *
 * The tutorial's formula, r = sum_i d_i (k_i - 1), is this recurrence with S frozen at 1 and the
 * +1 for the output pixel itself left out: for stacks of stride-1 layers it is exactly r - 1 (off
 * by one); once a stride or a pooling layer scales S, later layers add (k_eff - 1) S where the
 * tutorial adds k_eff - 1, and the gap grows with every layer (VGG-16 after pool5: 212 by the recurrence, 31 by the tutorial's sum).
 */
import { checkShapeSizes, effectiveKernelSize } from "../core/arithmetic.js";
import { check } from "../core/errors.js";
import { checkBoolean, checkInteger, checkOptions, formatValue } from "../core/validate.js";
import { statsOfResolved, type LayerStats, type LayerWindow } from "./cost.js";
import { resolveModelOf, withOp, type ModelInput, type ResolvedLayer } from "../nn/layer-spec.js";

/** Receptive field after a layer, one entry per spatial dimension, in input pixels. */
export interface ReceptiveField {
  /** r: how many input pixels (along each dimension) one output pixel depends on. */
  size: number[];
  /** S: the distance in input pixels between neighbouring outputs (the "jump"). */
  stride: number[];
  /** P: effective padding, so output 0 starts at input coordinate -P. */
  padding: number[];
  /** Input coordinate of the center of output 0's receptive field: -P + (r - 1) / 2. */
  center: number[];
}

/** The recurrence's state: r, S and P per spatial dimension. */
export interface ReceptiveFieldState {
  size: number[];
  stride: number[];
  padding: number[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Throws unless `state` is a recurrence state: size, stride and padding, one finite entry per dimension. */
function checkState(op: string, state: unknown): void {
  const ok =
    isRecord(state) &&
    Array.isArray(state.size) &&
    [state.size, state.stride, state.padding].every(
      (a) =>
        Array.isArray(a) &&
        a.length === (state.size as unknown[]).length &&
        a.every((v) => typeof v === "number" && Number.isFinite(v)),
    );
  check(ok, op, () => `state must be {size, stride, padding} of one number per dimension, got ${formatValue(state)}`);
}

/** Throws unless `stats` is a layer's statistics (layerStats' result), with its children. */
function checkStats(op: string, stats: unknown): void {
  check(
    isRecord(stats) && Array.isArray(stats.children) && isRecord(stats.window),
    op,
    () => `stats must be a layer's statistics (layerStats' result), got ${formatValue(stats)}`,
  );
}

/** Before the first layer: every output is its own input pixel (r = 1, S = 1, P = 0). */
export function initialReceptiveField(rank: number): ReceptiveFieldState {
  check(
    rank === 1 || rank === 2 || rank === 3,
    "initialReceptiveField",
    () => `rank must be 1, 2 or 3 (spatial dimensions), got ${formatValue(rank)}`,
  );
  return {
    size: new Array<number>(rank).fill(1),
    stride: new Array<number>(rank).fill(1),
    padding: new Array<number>(rank).fill(0),
  };
}

/**
 * One step of the recurrence through a layer's window. Returns null once spatial positions are
 * gone (Linear, Flatten: every output then sees the whole input).
 */
export function nextReceptiveField(state: ReceptiveFieldState | null, window: LayerWindow): ReceptiveFieldState | null {
  const op = "nextReceptiveField";
  if (state !== null) checkState(op, state);
  check(
    isRecord(window) && ["pointwise", "sliding", "global", "sequence"].includes(window.kind as string),
    op,
    () => `window must be a layer window like {kind: "sliding", kernel, stride, padding}, got ${formatValue(window)}`,
  );
  if (window.kind === "sliding")
    for (const key of ["kernel", "stride", "padding"] as const)
      check(
        Array.isArray(window[key]) && window[key].every((v) => typeof v === "number" && Number.isFinite(v) && v >= 0),
        op,
        () => `window.${key} must be an array of sizes, got ${formatValue(window[key])}`,
      );
  if (state === null || window.kind === "global") return null;
  if (window.kind === "pointwise" || window.kind === "sequence") return state;
  const { kernel, stride, padding, transposed } = window;
  check(
    kernel.length === state.size.length,
    "receptiveField",
    () => `a layer with a ${kernel.length}-D window follows ${state.size.length}-D layers; a stack mixes spatial ranks`,
  );
  const size = state.size.slice();
  const jump = state.stride.slice();
  const pad = state.padding.slice();
  for (let i = 0; i < kernel.length; i++) {
    const k = kernel[i]!;
    if (transposed) {
      const S = jump[i]! / stride[i]!; // fractional stride 1/s: the zero-inserted grid
      size[i] = size[i]! + (k - 1) * S;
      pad[i] = pad[i]! + (k - 1 - padding[i]!) * S;
      jump[i] = S;
    } else {
      size[i] = size[i]! + (k - 1) * jump[i]!;
      pad[i] = pad[i]! + padding[i]! * jump[i]!;
      jump[i] = jump[i]! * stride[i]!;
    }
  }
  return { size, stride: jump, padding: pad };
}

/** The public view of a state, with the center of output 0. */
export function describeReceptiveField(state: ReceptiveFieldState): ReceptiveField {
  checkState("describeReceptiveField", state);
  return {
    size: state.size.slice(),
    stride: state.stride.slice(),
    padding: state.padding.slice(),
    center: state.size.map((r, i) => -state.padding[i]! + (r - 1) / 2),
  };
}

/** One leaf layer's receptive field, beside the tutorial's formula. */
export interface ReceptiveFieldStep {
  /** Dotted path in the model, e.g. "3" or "block1.depthwise". */
  name: string;
  type: string;
  outputShape: number[];
  /** Null after a Linear or Flatten layer: the whole input. */
  receptiveField: ReceptiveField | null;
  /** The tutorial's sum of d_i (k_i - 1) so far, per dimension (null with receptiveField). */
  tutorialSize: number[] | null;
  /** r minus the tutorial's value: 1 while every stride so far is 1, growing after. */
  tutorialGap: number[] | null;
}

/** Leaves of a stats tree, depth first, with dotted names. A composite without children (an empty model) has none. */
export function statsLeaves(stats: LayerStats, prefix = ""): { name: string; stats: LayerStats }[] {
  checkStats("statsLeaves", stats);
  check(typeof prefix === "string", "statsLeaves", () => `prefix must be a string, got ${formatValue(prefix)}`);
  if (stats.children.length === 0) return stats.window.kind === "sequence" ? [] : [{ name: prefix, stats }];
  return stats.children.flatMap((c) => statsLeaves(c.stats, prefix ? `${prefix}.${c.name}` : c.name));
}

/** Spatial rank of a stack: that of its first sliding window, else of its input (batched). */
export function spatialRank(leaves: readonly { stats: LayerStats }[], inputShape: readonly number[]): number {
  const op = "spatialRank";
  check(
    Array.isArray(leaves) &&
      leaves.every((leaf) => isRecord(leaf) && isRecord(leaf.stats) && isRecord(leaf.stats.window)),
    op,
    () => `leaves must be an array of {name, stats} (statsLeaves' result), got ${formatValue(leaves)}`,
  );
  checkShapeSizes(op, inputShape, "inputShape");
  for (const { stats } of leaves) if (stats.window.kind === "sliding") return stats.window.kernel.length;
  return Math.max(inputShape.length - 2, 0);
}

/**
 * The receptive field after every layer of a sequential model (composites expanded), by the
 * Distill recurrences, with the tutorial's formula beside it. Needs the input shape because
 * shapes decide "same" padding and adaptive pooling windows; validates like layerStats.
 *
 * @example receptiveField(vgg16, [1, 3, 224, 224]).at(-1).receptiveField // {size: [212, 212], stride: [32, 32], padding: [90, 90], ...}
 */
export function receptiveField(model: ModelInput, inputShape: readonly number[]): ReceptiveFieldStep[] {
  const op = "receptiveField";
  checkShapeSizes(op, inputShape, "inputShape");
  const resolved = resolveModelOf(op, model);
  const root =
    resolved.kind === "sequence"
      ? resolved
      : { kind: "sequence" as const, type: "Sequential", children: [["0", resolved]] as [string, ResolvedLayer][] };
  const stats = withOp(op, "model", () => statsOfResolved(root, inputShape));
  const leaves = statsLeaves(stats);
  const rank = spatialRank(leaves, inputShape);
  let state: ReceptiveFieldState | null = initialReceptiveField(rank);
  let tutorial: number[] | null = new Array<number>(rank).fill(0);
  return leaves.map(({ name, stats: s }) => {
    state = nextReceptiveField(state, s.window);
    if (state === null) tutorial = null;
    else if (s.window.kind === "sliding" && tutorial)
      tutorial = tutorial.map((t, i) => t + (s.window as { kernel: number[] }).kernel[i]! - 1);
    const rf = state ? describeReceptiveField(state) : null;
    return {
      name,
      type: s.type,
      outputShape: s.outputShape,
      receptiveField: rf,
      tutorialSize: tutorial ? tutorial.slice() : null,
      tutorialGap: rf && tutorial ? rf.size.map((r, i) => r - tutorial![i]!) : null,
    };
  });
}

/** One layer of a stack given by its numbers, for receptiveFieldOfStack. */
export interface StackLayer {
  kernelSize: number;
  stride?: number;
  /** Padding before (left/top). */
  padding?: number;
  dilation?: number;
  /** A transposed convolution (fractional stride 1 / stride). */
  transposed?: boolean;
}

/**
 * The recurrence along one dimension for a stack given by numbers only, e.g.
 * `receptiveFieldOfStack([{kernelSize: 3, padding: 1}, {kernelSize: 2, stride: 2}])`: per layer
 * r, S, P, center, the tutorial's sum of d (k - 1), and r minus it.
 */
export function receptiveFieldOfStack(
  stack: readonly StackLayer[],
): { size: number; stride: number; padding: number; center: number; tutorialSize: number; tutorialGap: number }[] {
  const op = "receptiveFieldOfStack";
  checkStack(op, stack);
  let state: ReceptiveFieldState | null = initialReceptiveField(1);
  let tutorial = 0;
  return stack.map((layer, i) => {
    const what = `layer ${i}`;
    const {
      kernelSize: k,
      stride = 1,
      padding = 0,
      dilation = 1,
      transposed = false,
    } = checkStackLayer(op, layer, i, STACK_LAYER_KEYS);
    checkInteger(op, `${what}: kernelSize`, k, { min: 1 });
    checkInteger(op, `${what}: stride`, stride, { min: 1 });
    checkInteger(op, `${what}: padding`, padding, { min: 0 });
    checkInteger(op, `${what}: dilation`, dilation, { min: 1 });
    checkBoolean(op, `${what}: transposed`, transposed);
    const kEff = effectiveKernelSize(k, dilation);
    state = nextReceptiveField(state, {
      kind: "sliding",
      kernel: [kEff],
      stride: [stride],
      padding: [padding],
      transposed,
      exact: true,
    })!;
    tutorial += kEff - 1;
    const rf = describeReceptiveField(state);
    return {
      size: rf.size[0]!,
      stride: rf.stride[0]!,
      padding: rf.padding[0]!,
      center: rf.center[0]!,
      tutorialSize: tutorial,
      tutorialGap: rf.size[0]! - tutorial,
    };
  });
}

/**
 * The tutorial's receptive field of a stack of (kernel, dilation) layers: sum of d_i (k_i - 1).
 * Takes the same layers as receptiveFieldOfStack; the formula reads only kernelSize and dilation
 * (leaving out stride and padding is the tutorial's slip it shows).
 */
export function tutorialReceptiveField(stack: readonly { kernelSize: number; dilation?: number }[]): number {
  const op = "tutorialReceptiveField";
  checkStack(op, stack);
  return stack.reduce((sum, layer, i) => {
    const { kernelSize: k, dilation = 1 } = checkStackLayer(op, layer, i, STACK_LAYER_KEYS);
    checkInteger(op, `layer ${i}: kernelSize`, k, { min: 1 });
    checkInteger(op, `layer ${i}: dilation`, dilation, { min: 1 });
    return sum + dilation * (k - 1);
  }, 0);
}

const STACK_LAYER_KEYS = ["kernelSize", "stride", "padding", "dilation", "transposed"] as const;

/** Throws unless `stack` is a non-empty array (of layers, checked one by one with checkStackLayer). */
function checkStack(op: string, stack: unknown): void {
  check(
    Array.isArray(stack),
    op,
    () => `stack must be an array of layers like {kernelSize: 3, stride: 1}, got ${formatValue(stack)}`,
  );
  check(stack.length > 0, op, () => `stack must hold at least one layer, got []`);
}

/** Throws unless layer `i` of a stack is an object with only the keys in `keys`; returns it. */
function checkStackLayer<T extends object>(op: string, layer: T, i: number, keys: readonly string[]): T {
  check(
    layer !== null && typeof layer === "object" && !Array.isArray(layer),
    op,
    () => `layer ${i} must be an object like {kernelSize: 3}, got ${formatValue(layer)}`,
  );
  return checkOptions(op, layer, keys, `layer ${i} option`);
}
