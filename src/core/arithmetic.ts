/**
 * Convolution arithmetic: the one place where effective kernels, padding, output sizes and the
 * validity of a configuration are worked out. Kernels, layers, the cost model, the receptive-field
 * code, the notebooks and the site all call it.
 *
 * Formulas (PyTorch's docs for nn.Conv*d / nn.ConvTranspose*d / nn.MaxPool*d, and Dumoulin &
 * Visin, "A guide to convolution arithmetic for deep learning", 2016):
 *   effective kernel      k_eff = d (k - 1) + 1
 *   conv output           o = floor((i + p_before + p_after - k_eff) / s) + 1
 *   transposed output     o = (i - 1) s - p_before - p_after + k_eff + output_padding
 *   "same" padding        total d (k - 1), floor(total / 2) before, the rest after
 */
import { check, ConvError, shapeText } from "./errors.js";
import { checkBoolean, checkNonNegativeInteger, checkOptions, checkPositiveInteger, formatValue } from "./validate.js";

export type PaddingMode = "zeros" | "reflect" | "replicate" | "circular";
export type PaddingString = "same" | "valid";
export type SpatialRank = 1 | 2 | 3;

/** One number per spatial dimension, as a tuple of the op's rank. */
export type Tuple<R extends SpatialRank> = R extends 1
  ? readonly [number]
  : R extends 2
    ? readonly [number, number]
    : readonly [number, number, number];
/** A size given once for every dimension or per dimension: `3` or `[3, 5]`. */
export type SizeArg<R extends SpatialRank> = number | Tuple<R>;
/** Padding: per side, once or per dimension, or a PyTorch padding string. */
export type PaddingArg<R extends SpatialRank> = SizeArg<R> | PaddingString;

export interface ConvOptions<R extends SpatialRank = SpatialRank> {
  stride?: SizeArg<R>;
  padding?: PaddingArg<R>;
  dilation?: SizeArg<R>;
  groups?: number;
  paddingMode?: PaddingMode;
}

export interface ConvTransposeOptions<R extends SpatialRank = SpatialRank> {
  stride?: SizeArg<R>;
  padding?: SizeArg<R>;
  outputPadding?: SizeArg<R>;
  dilation?: SizeArg<R>;
  groups?: number;
}

/**
 * The option names of each op family, declared once: the functional ops, the layers and the JSON
 * specs check their options objects against these lists (validate.ts, checkOptions), so a
 * misspelled or misplaced key is refused everywhere alike. Each list matches its interface above
 * (test/options.test-d.ts pins that).
 */
export const CONV_OPTION_KEYS = ["stride", "padding", "dilation", "groups", "paddingMode"] as const;
export const CONV_TRANSPOSE_OPTION_KEYS = ["stride", "padding", "outputPadding", "dilation", "groups"] as const;
export const MAX_POOL_OPTION_KEYS = ["kernelSize", "stride", "padding", "dilation", "ceilMode"] as const;
export const AVG_POOL_OPTION_KEYS = ["kernelSize", "stride", "padding", "ceilMode", "countIncludePad"] as const;
/** What poolInfo takes: the options of max and of average pooling. */
const POOL_INFO_OPTION_KEYS = [...new Set([...MAX_POOL_OPTION_KEYS, ...AVG_POOL_OPTION_KEYS])];

/** Everything a kernel or a cost formula needs about one convolution call, computed once. */
export interface ConvInfo {
  op: string;
  transposed: boolean;
  /** False when the input had no batch dimension (PyTorch's unbatched form). */
  batched: boolean;
  batch: number;
  inChannels: number;
  outChannels: number;
  groups: number;
  /** Spatial sizes of the input, the kernel and the output, one entry per dimension. */
  inSize: number[];
  kernelSize: number[];
  outSize: number[];
  stride: number[];
  dilation: number[];
  /** Zero or mode padding added before and after each spatial dimension. */
  padBefore: number[];
  padAfter: number[];
  /** Transposed convolutions only; zeros otherwise. */
  outputPadding: number[];
  paddingMode: PaddingMode;
  inputShape: number[];
  weightShape: number[];
  /** Output shape, with the batch dimension when the input had one. */
  outputShape: number[];
}

/** The largest element count a Float32Array can hold in V8 (2^32). */
export const MAX_ELEMENTS = 2 ** 32;

export const PADDING_MODES: readonly PaddingMode[] = ["zeros", "reflect", "replicate", "circular"];

/** k_eff = d (k - 1) + 1: the extent of a kernel of size k with dilation d. */
export function effectiveKernelSize(kernelSize: number, dilation = 1): number {
  const op = "effectiveKernelSize";
  checkPositiveInteger(op, "kernelSize", kernelSize);
  checkPositiveInteger(op, "dilation", dilation);
  return checkSafeSize(op, windowSize(kernelSize, dilation), () => `kernelSize ${kernelSize} and dilation ${dilation}`);
}

/** d (k - 1) + 1 on checked numbers: effectiveKernelSize for the per-call path and internal callers. */
export function windowSize(kernelSize: number, dilation: number): number {
  return dilation * (kernelSize - 1) + 1;
}

/**
 * Throws unless a size computed from checked arguments is a safe integer: huge arguments give
 * sizes past 2^53, which a double rounds, or Infinity. `cause` names the arguments.
 */
function checkSafeSize(op: string, size: number, cause: () => string): number {
  check(
    Number.isSafeInteger(size),
    op,
    () => `${cause()} give a size of ${size}, past what convkit computes exactly (2^53)`,
  );
  return size;
}

/** PyTorch's padding="same": total d (k - 1), the odd remainder after (right/bottom). */
export function samePadding(kernelSize: number, dilation = 1): [before: number, after: number] {
  const op = "samePadding";
  checkPositiveInteger(op, "kernelSize", kernelSize);
  checkPositiveInteger(op, "dilation", dilation);
  const total = checkSafeSize(
    op,
    dilation * (kernelSize - 1),
    () => `kernelSize ${kernelSize} and dilation ${dilation}`,
  );
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** The arguments every one-dimension output-size function checks alike (convOutputSize and its siblings). */
function checkWindow(op: string, inputSize: unknown, kernelSize: unknown, stride: unknown, dilation: unknown): void {
  checkNonNegativeInteger(op, "inputSize", inputSize);
  checkPositiveInteger(op, "kernelSize", kernelSize);
  checkPositiveInteger(op, "stride", stride);
  checkPositiveInteger(op, "dilation", dilation);
}

/**
 * Output size of a convolution along one dimension:
 * floor((input + p_before + p_after - d (k - 1) - 1) / stride) + 1.
 * `padding` is per side (a number) or `[before, after]`. Returns 0 or less when the kernel does
 * not fit; `convInfo` turns that into an error. Sizes must be non-negative integers, and kernel
 * size, stride and dilation positive (ConvError otherwise).
 */
export function convOutputSize(
  inputSize: number,
  kernelSize: number,
  options: { stride?: number; padding?: number | readonly [number, number]; dilation?: number } = {},
): number {
  const op = "convOutputSize";
  const { stride = 1, padding = 0, dilation = 1 } = checkOptions(op, options, ["stride", "padding", "dilation"]);
  checkWindow(op, inputSize, kernelSize, stride, dilation);
  let before: number;
  let after: number;
  if (typeof padding === "number") {
    before = after = checkNonNegativeInteger(op, "padding", padding);
  } else {
    check(
      Array.isArray(padding) && padding.length === 2,
      op,
      () => `padding must be a number or [before, after], got ${formatValue(padding)}`,
    );
    before = checkNonNegativeInteger(op, "padding[0]", padding[0]);
    after = checkNonNegativeInteger(op, "padding[1]", padding[1]);
  }
  const size = convOutputLength(inputSize + before + after, windowSize(kernelSize, dilation), stride);
  return checkSafeSize(
    op,
    size,
    () => `inputSize ${inputSize}, kernelSize ${kernelSize}, padding ${formatValue(padding)} and dilation ${dilation}`,
  );
}

/** floor((padded - k_eff) / stride) + 1: convOutputSize once the padding and dilation are applied. */
function convOutputLength(paddedSize: number, effectiveKernel: number, stride: number): number {
  return Math.floor((paddedSize - effectiveKernel) / stride) + 1;
}

/**
 * Output size of a transposed convolution along one dimension:
 * (input - 1) stride - 2 padding + d (k - 1) + outputPadding + 1.
 * Arguments are checked as in convOutputSize; the result may be 0 or less when padding is too large.
 */
export function convTransposeOutputSize(
  inputSize: number,
  kernelSize: number,
  options: { stride?: number; padding?: number; dilation?: number; outputPadding?: number } = {},
): number {
  const op = "convTransposeOutputSize";
  const checked = checkOptions(op, options, ["stride", "padding", "dilation", "outputPadding"]);
  const { stride = 1, padding = 0, dilation = 1, outputPadding = 0 } = checked;
  checkWindow(op, inputSize, kernelSize, stride, dilation);
  checkNonNegativeInteger(op, "padding", padding);
  checkNonNegativeInteger(op, "outputPadding", outputPadding);
  const size = convTransposeLength(inputSize, kernelSize, stride, padding, dilation, outputPadding);
  return checkSafeSize(
    op,
    size,
    () =>
      `inputSize ${inputSize}, kernelSize ${kernelSize}, stride ${stride}, padding ${padding}, dilation ${dilation} and outputPadding ${outputPadding}`,
  );
}

/** convTransposeOutputSize on checked numbers. */
function convTransposeLength(
  inputSize: number,
  kernelSize: number,
  stride: number,
  padding: number,
  dilation: number,
  outputPadding: number,
): number {
  return (inputSize - 1) * stride - 2 * padding + windowSize(kernelSize, dilation) + outputPadding;
}

/**
 * Output size of a pooling window along one dimension (PyTorch's pooling_output_shape): like a
 * convolution, with ceil instead of floor when ceilMode is set, and the last window dropped if it
 * would start inside the right padding. Arguments are checked as in convOutputSize; ceilMode is
 * true or false.
 */
export function poolOutputSize(
  inputSize: number,
  kernelSize: number,
  options: { stride?: number; padding?: number; dilation?: number; ceilMode?: boolean } = {},
): number {
  const op = "poolOutputSize";
  const checked = checkOptions(op, options, ["stride", "padding", "dilation", "ceilMode"]);
  const { stride = kernelSize, padding = 0, dilation = 1, ceilMode = false } = checked;
  checkWindow(op, inputSize, kernelSize, stride, dilation);
  checkNonNegativeInteger(op, "padding", padding);
  checkBoolean(op, "ceilMode", ceilMode);
  const size = poolLength(inputSize, kernelSize, stride, padding, dilation, ceilMode);
  return checkSafeSize(
    op,
    size,
    () => `inputSize ${inputSize}, kernelSize ${kernelSize}, padding ${padding} and dilation ${dilation}`,
  );
}

/** poolOutputSize on checked numbers. */
function poolLength(
  inputSize: number,
  kernelSize: number,
  stride: number,
  padding: number,
  dilation: number,
  ceilMode: boolean,
): number {
  const span = inputSize + 2 * padding - windowSize(kernelSize, dilation);
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= inputSize + padding) out -= 1;
  return out;
}

/*
 * Tensors' shapes are frozen arrays, and V8 has no fast path for slice() on a frozen array and a
 * slower one for its iterator than for an indexed loop. So the per-call arithmetic in this file
 * walks shapes it is given with indexed loops and copies them with copyShape; arrays it builds
 * itself are not frozen and are copied with slice(). Small convolutions check and copy a few
 * shapes per call, so this shows in their per-call overhead (bench workload g, bench/results.md).
 * The rule is for the per-call path only (core and ops; test/hostile-ops.test.ts checks them): code
 * that runs once per model, not per call (layer specs, the cost model, summaries), copies with slice().
 */

/** Number of elements of a shape (an array of non-negative integers; ConvError otherwise). */
export function numel(shape: readonly number[]): number {
  check(Array.isArray(shape), "numel", () => `shape must be an array of sizes, got ${formatValue(shape)}`);
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i]!;
    if (typeof s !== "number" || !Number.isInteger(s) || s < 0)
      throw new ConvError("numel", `shape ${formatValue(shape)} must hold non-negative integers`);
    n *= s;
  }
  check(Number.isFinite(n), "numel", () => `shape ${shapeText(shape)} has more elements than a double counts`);
  return n;
}

/** The product of a checked shape's sizes, unchecked: Infinity for sizes a double cannot multiply. */
function product(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/**
 * A plain, mutable copy of shape[start..end) (what shape.slice(start, end) returns, faster on
 * frozen shapes); start and end are non-negative.
 */
export function copyShape(shape: readonly number[], start = 0, end = shape.length): number[] {
  const out: number[] = [];
  for (let i = start; i < end; i++) out.push(shape[i]!);
  return out;
}

/**
 * `length` copies of `value`, pushed one by one: a packed array, where `new Array(n).fill(v)`
 * makes a holey one, slower to build and to read.
 */
function repeated(value: number, length: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < length; i++) out.push(value);
  return out;
}

/**
 * Throws unless `shape` is an array of non-negative integers. No limit on the element count: the
 * shape-only paths (convInfo, the cost model) allocate nothing and accept any size.
 */
export function checkShapeSizes(op: string, shape: readonly number[], what = "shape"): void {
  check(Array.isArray(shape), op, () => `${what} must be an array of sizes, got ${formatValue(shape)}`);
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i];
    check(
      typeof s === "number" && Number.isInteger(s) && s >= 0,
      op,
      () =>
        `${what} ${shape.every((v) => typeof v === "number") ? shapeText(shape) : formatValue(shape)} must hold non-negative integers`,
    );
  }
}

/** Throws unless every entry is a non-negative integer and the element count fits a typed array. */
export function checkShape(op: string, shape: readonly number[], what = "shape"): void {
  checkShapeSizes(op, shape, what);
  const n = product(shape);
  check(
    n <= MAX_ELEMENTS,
    op,
    () => `${what} ${shapeText(shape)} has ${n.toExponential(3)} elements, more than a Float32Array can hold (2^32)`,
  );
}

/**
 * The most elements convkit allocates for one tensor it fills itself: an op's result (conv,
 * transposed conv, pooling, pad, linear, arange) and a layer's parameter. 2^28, 1 GiB of float32.
 * A tiny input with a large padding, stride or dilation, or a layer with a mistyped kernel size,
 * can ask for billions of elements; such a call is refused before anything is allocated, naming
 * the argument that made the size. Shapes alone (convInfo, poolInfo, the cost model) are not
 * limited, since they allocate nothing; tensors a caller creates directly (zeros, rand, ...) are
 * limited only by what a Float32Array holds (MAX_ELEMENTS).
 */
export const MAX_ALLOCATED_ELEMENTS = 2 ** 28;

/**
 * Throws before `op` allocates `what` (its output, a padded input, a layer's weight) of `shape`
 * when that holds more than MAX_ALLOCATED_ELEMENTS; `cause` names the arguments that make it large.
 */
export function checkAllocation(op: string, what: string, shape: readonly number[], cause: () => string): void {
  const n = product(shape); // may be Infinity for a huge size: refused below like any size past the bound
  if (n > MAX_ALLOCATED_ELEMENTS) {
    throw new ConvError(
      op,
      `the ${what} ${shapeText(shape)} would have ${n.toExponential(3)} elements, more than convkit allocates for one tensor (2^28); ${cause()}`,
    );
  }
}

/**
 * Which argument makes a convolution's output large, for checkAllocation: the spatial
 * dimension that grows most from input to output, and the option that grows it (padding for a
 * convolution; stride, dilation or outputPadding for a transposed one).
 */
export function describeOutputGrowth(info: ConvInfo): string {
  let dim = 0;
  for (let i = 1; i < info.outSize.length; i++) {
    if (info.outSize[i]! / info.inSize[i]! > info.outSize[dim]! / info.inSize[dim]!) dim = i;
  }
  const where = `in spatial dimension ${dim} (input ${info.inSize[dim]}, output ${info.outSize[dim]})`;
  if (!info.transposed) {
    const padding = info.padBefore[dim]! + info.padAfter[dim]!;
    return padding > info.inSize[dim]!
      ? `padding (${info.padBefore[dim]}, ${info.padAfter[dim]}) makes it so ${where}`
      : `the input ${shapeText(info.inputShape)} is that large`;
  }
  const byStride = (info.inSize[dim]! - 1) * info.stride[dim]!;
  const byDilation = info.dilation[dim]! * (info.kernelSize[dim]! - 1);
  if (byStride === 0 && byDilation === 0) return `outputPadding (${info.outputPadding[dim]}) makes it so ${where}`;
  return byStride >= byDilation
    ? `stride (${info.stride[dim]}) makes it so ${where}`
    : `dilation (${info.dilation[dim]}) makes it so ${where}`;
}

/** Expands a size option to one positive integer per dimension. */
export function expandSize(op: string, name: string, value: unknown, rank: number, { min = 1 } = {}): number[] {
  const values = typeof value === "number" ? repeated(value, rank) : value;
  check(
    Array.isArray(values) && values.length === rank,
    op,
    () => `${name} must be a number or an array of ${rank}, got ${formatValue(value)}`,
  );
  for (const v of values as unknown[]) {
    check(typeof v === "number" && Number.isInteger(v) && v >= min, op, () =>
      min > 0
        ? `${name} must be a positive integer, got ${formatValue(value)}`
        : `${name} must be a non-negative integer, got ${formatValue(value)}`,
    );
  }
  return values as number[];
}

/*
 * Option validators shared by the functional ops, the layers and the layer specs, so that a bad
 * option reads the same wherever it is caught.
 */

/** Throws unless `groups` divides the channel count `what` (e.g. "inChannels"). */
export function checkDivisibleByGroups(op: string, what: string, channels: number, groups: number): void {
  check(channels % groups === 0, op, () => `${what} (${channels}) must be divisible by groups (${groups})`);
}

/** Throws unless `value` is one of PyTorch's padding modes; returns it. */
export function checkPaddingMode(op: string, value: unknown): PaddingMode {
  check(
    PADDING_MODES.includes(value as PaddingMode),
    op,
    () => `unknown paddingMode ${formatValue(value)}; expected one of ${PADDING_MODES.map((m) => `"${m}"`).join(", ")}`,
  );
  return value as PaddingMode;
}

/** A padding option checked against the stride: per-dimension sizes, or "same" (stride 1 only) or "valid". */
export function checkPadding(
  op: string,
  value: unknown,
  rank: number,
  stride: readonly number[],
): number[] | PaddingString {
  if (typeof value === "string") {
    check(
      value === "same" || value === "valid",
      op,
      () => `unknown padding ${formatValue(value)}; expected a number, an array of ${rank}, "same" or "valid"`,
    );
    check(
      value !== "same" || stride.every((s) => s === 1),
      op,
      () => `padding "same" needs stride 1, got stride ${shapeText(stride)}`,
    );
    return value;
  }
  return expandSize(op, "padding", value, rank, { min: 0 });
}

/** Throws unless each output padding is smaller than its stride or its dilation (PyTorch's rule). */
export function checkOutputPadding(
  op: string,
  outputPadding: readonly number[],
  stride: readonly number[],
  dilation: readonly number[],
): void {
  outputPadding.forEach((p, i) =>
    check(
      p < Math.max(stride[i]!, dilation[i]!),
      op,
      () =>
        `outputPadding (${p}) must be smaller than either stride (${stride[i]}) or dilation (${dilation[i]}) in spatial dimension ${i}`,
    ),
  );
}

/**
 * Checks an op's input shape, (N, C, ...spatial) or (C, ...spatial) for `rank` spatial dimensions,
 * and says which of the two it is.
 */
export function isBatched(op: string, xShape: readonly number[], rank: number): boolean {
  checkShapeSizes(op, xShape, "input");
  check(
    xShape.length === rank + 1 || xShape.length === rank + 2,
    op,
    () =>
      `expected input of rank ${rank + 1} (unbatched) or ${rank + 2} (batched), got rank ${xShape.length}: ${shapeText(xShape)}`,
  );
  return xShape.length === rank + 2;
}

/** Splits a shape into batched/unbatched form for an op of spatial rank `rank`. */
function batchOf(
  op: string,
  xShape: readonly number[],
  rank: number,
): { batched: boolean; batch: number; channels: number; spatial: number[] } {
  const batched = isBatched(op, xShape, rank);
  const batch = batched ? xShape[0]! : 1;
  const channels = xShape[batched ? 1 : 0]!;
  const spatial = copyShape(xShape, batched ? 2 : 1);
  check(channels > 0, op, () => `input ${shapeText(xShape)} has no channels`);
  for (let i = 0; i < spatial.length; i++)
    check(spatial[i]! > 0, op, () => `input ${shapeText(xShape)} has an empty spatial dimension`);
  return { batched, batch, channels, spatial };
}

function checkWeightAndBias(
  op: string,
  wShape: readonly number[],
  biasShape: readonly number[] | null,
  rank: number,
  outChannels: () => number,
  xShape: readonly number[],
): void {
  checkShapeSizes(op, wShape, "weight");
  check(
    wShape.length === rank + 2,
    op,
    () => `expected weight of rank ${rank + 2}, got rank ${wShape.length}: ${shapeText(wShape)}`,
  );
  for (let i = 2; i < wShape.length; i++)
    check(wShape[i]! >= 1, op, () => `kernel size must be a positive integer; weight ${shapeText(wShape)}`);
  check(wShape[0]! >= 1 && wShape[1]! >= 1, op, () => `weight ${shapeText(wShape)} has no channels`);
  if (biasShape) {
    const out = outChannels();
    check(
      biasShape.length === 1 && biasShape[0] === out,
      op,
      () =>
        `bias ${shapeText(biasShape)} must have one entry per output channel (${out}); input ${shapeText(xShape)}, weight ${shapeText(wShape)}`,
    );
  }
}

/**
 * Validates a convolution call and computes its arithmetic. Throws ConvError before any compute:
 * options must be an object of CONV_OPTION_KEYS.
 */
export function convInfo(
  op: string,
  rank: SpatialRank,
  xShape: readonly number[],
  wShape: readonly number[],
  biasShape: readonly number[] | null,
  options: ConvOptions = {},
): ConvInfo {
  return computeConvInfo(op, rank, xShape, wShape, biasShape, checkOptions(op, options, CONV_OPTION_KEYS));
}

/** convInfo for an options object the caller checked (the ops add their call options: backend, out). */
export function computeConvInfo(
  op: string,
  rank: SpatialRank,
  xShape: readonly number[],
  wShape: readonly number[],
  biasShape: readonly number[] | null,
  options: ConvOptions,
): ConvInfo {
  const {
    stride: strideArg = 1,
    padding: paddingArg = 0,
    dilation: dilationArg = 1,
    groups: groupsArg = 1,
    paddingMode = "zeros",
  } = options;
  const { batched, batch, channels, spatial } = batchOf(op, xShape, rank);
  checkWeightAndBias(op, wShape, biasShape, rank, () => wShape[0]!, xShape);
  const stride = expandSize(op, "stride", strideArg, rank);
  const dilation = expandSize(op, "dilation", dilationArg, rank);
  const groups = checkPositiveInteger(op, "groups", groupsArg);
  checkPaddingMode(op, paddingMode);
  const kernelSize = copyShape(wShape, 2);
  const outChannels = wShape[0]!;

  check(
    channels % groups === 0,
    op,
    () => `input channels (${channels}) must be divisible by groups (${groups}); input ${shapeText(xShape)}`,
  );
  check(
    outChannels % groups === 0,
    op,
    () => `output channels (${outChannels}) must be divisible by groups (${groups}); weight ${shapeText(wShape)}`,
  );
  check(
    wShape[1]! * groups === channels,
    op,
    () =>
      `input ${shapeText(xShape)} has ${channels} channels but weight ${shapeText(wShape)} expects ${wShape[1]} x groups ${groups} = ${wShape[1]! * groups}`,
  );

  const padding = checkPadding(op, paddingArg, rank, stride);
  let padBefore: number[];
  let padAfter: number[];
  if (padding === "valid") {
    padBefore = repeated(0, rank);
    padAfter = repeated(0, rank);
  } else if (padding === "same") {
    const pads = kernelSize.map((k, i) => samePadding(k, dilation[i]));
    padBefore = pads.map((p) => p[0]);
    padAfter = pads.map((p) => p[1]);
  } else {
    padBefore = padding;
    padAfter = padding.slice();
  }

  const outSize: number[] = [];
  for (let i = 0; i < rank; i++) {
    const size = spatial[i]!;
    const widest = Math.max(padBefore[i]!, padAfter[i]!);
    if (paddingMode === "reflect") {
      check(
        widest < size,
        op,
        () =>
          `reflect padding (${widest}) must be smaller than the input size (${size}) in spatial dimension ${i}; input ${shapeText(xShape)}`,
      );
    } else if (paddingMode === "circular") {
      check(
        widest <= size,
        op,
        () =>
          `circular padding (${widest}) must not exceed the input size (${size}) in spatial dimension ${i}; input ${shapeText(xShape)}`,
      );
    }
    const padded = size + padBefore[i]! + padAfter[i]!;
    const kEff = windowSize(kernelSize[i]!, dilation[i]!);
    check(
      kEff <= padded,
      op,
      () =>
        `kernel size (dilated) ${kEff} = ${dilation[i]} x (${kernelSize[i]} - 1) + 1 exceeds the padded input size ${padded} in spatial dimension ${i}; input ${shapeText(xShape)}, weight ${shapeText(wShape)}`,
    );
    outSize.push(convOutputLength(padded, kEff, stride[i]!));
    checkSafeSize(
      op,
      outSize[i]!,
      () => `padding ${padBefore[i]} + ${padAfter[i]} on input size ${size} in spatial dimension ${i}`,
    );
  }
  const outputShape = batched ? [batch, outChannels, ...outSize] : [outChannels, ...outSize];
  return {
    op,
    transposed: false,
    batched,
    batch,
    inChannels: channels,
    outChannels,
    groups,
    inSize: spatial,
    kernelSize,
    outSize,
    stride,
    dilation,
    padBefore,
    padAfter,
    outputPadding: repeated(0, rank),
    paddingMode,
    inputShape: copyShape(xShape),
    weightShape: copyShape(wShape),
    outputShape,
  };
}

/**
 * Validates a transposed convolution call and computes its arithmetic. Weight is (in, out/groups, ...k);
 * options must be an object of CONV_TRANSPOSE_OPTION_KEYS.
 */
export function convTransposeInfo(
  op: string,
  rank: SpatialRank,
  xShape: readonly number[],
  wShape: readonly number[],
  biasShape: readonly number[] | null,
  options: ConvTransposeOptions = {},
): ConvInfo {
  const checked = checkOptions(op, options, CONV_TRANSPOSE_OPTION_KEYS);
  return computeConvTransposeInfo(op, rank, xShape, wShape, biasShape, checked);
}

/** convTransposeInfo for an options object the caller checked. */
export function computeConvTransposeInfo(
  op: string,
  rank: SpatialRank,
  xShape: readonly number[],
  wShape: readonly number[],
  biasShape: readonly number[] | null,
  options: ConvTransposeOptions,
): ConvInfo {
  const {
    stride: strideArg = 1,
    padding: paddingArg = 0,
    outputPadding: outputPaddingArg = 0,
    dilation: dilationArg = 1,
    groups: groupsArg = 1,
  } = options;
  const { batched, batch, channels, spatial } = batchOf(op, xShape, rank);
  const groups = checkPositiveInteger(op, "groups", groupsArg);
  checkWeightAndBias(op, wShape, biasShape, rank, () => wShape[1]! * groups, xShape);
  const stride = expandSize(op, "stride", strideArg, rank);
  const dilation = expandSize(op, "dilation", dilationArg, rank);
  check(
    typeof paddingArg !== "string",
    op,
    () =>
      `padding must be a number or an array of ${rank} (transposed convolutions take no padding string), got ${formatValue(paddingArg)}`,
  );
  const padding = expandSize(op, "padding", paddingArg, rank, { min: 0 });
  const outputPadding = expandSize(op, "outputPadding", outputPaddingArg, rank, { min: 0 });
  const kernelSize = copyShape(wShape, 2);
  const outChannels = wShape[1]! * groups;

  check(
    channels % groups === 0,
    op,
    () => `input channels (${channels}) must be divisible by groups (${groups}); input ${shapeText(xShape)}`,
  );
  check(
    wShape[0] === channels,
    op,
    () =>
      `input ${shapeText(xShape)} has ${channels} channels but weight ${shapeText(wShape)} expects ${wShape[0]} (weight layout is (in, out/groups, ...kernel))`,
  );
  checkOutputPadding(op, outputPadding, stride, dilation);
  const outSize = spatial.map((size, i) =>
    convTransposeLength(size, kernelSize[i]!, stride[i]!, padding[i]!, dilation[i]!, outputPadding[i]!),
  );
  for (let i = 0; i < rank; i++) {
    checkSafeSize(
      op,
      outSize[i]!,
      () =>
        `input size ${spatial[i]}, stride ${stride[i]}, padding ${padding[i]}, dilation ${dilation[i]} and outputPadding ${outputPadding[i]} in spatial dimension ${i}`,
    );
    check(
      outSize[i]! >= 1,
      op,
      () =>
        `padding (${padding[i]}) is too large: output size would be ${outSize[i]} in spatial dimension ${i}; input ${shapeText(xShape)}, weight ${shapeText(wShape)}`,
    );
  }
  const outputShape = batched ? [batch, outChannels, ...outSize] : [outChannels, ...outSize];
  return {
    op,
    transposed: true,
    batched,
    batch,
    inChannels: channels,
    outChannels,
    groups,
    inSize: spatial,
    kernelSize,
    outSize,
    stride,
    dilation,
    padBefore: padding,
    padAfter: padding.slice(),
    outputPadding,
    paddingMode: "zeros",
    inputShape: copyShape(xShape),
    weightShape: copyShape(wShape),
    outputShape,
  };
}

export interface PoolOptions<R extends SpatialRank = SpatialRank> {
  kernelSize: SizeArg<R>;
  /** Defaults to kernelSize. */
  stride?: SizeArg<R>;
  padding?: SizeArg<R>;
  /** Max pooling only. */
  dilation?: SizeArg<R>;
  ceilMode?: boolean;
}

/** Everything a pooling kernel or a cost formula needs about one pooling call. */
export interface PoolInfo {
  op: string;
  batched: boolean;
  batch: number;
  channels: number;
  inSize: number[];
  kernelSize: number[];
  outSize: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  ceilMode: boolean;
  inputShape: number[];
  outputShape: number[];
}

/** Validates a pooling call (PyTorch's pool*d_shape_check) and computes its output size. */
export function poolInfo(op: string, rank: SpatialRank, xShape: readonly number[], options: PoolOptions): PoolInfo {
  check(options !== undefined, op, () => `expected options with a kernelSize, got undefined`);
  checkOptions(op, options, POOL_INFO_OPTION_KEYS);
  const {
    kernelSize: kernelArg,
    stride: strideArg,
    padding: paddingArg = 0,
    dilation: dilationArg = 1,
    ceilMode = false,
    countIncludePad = true,
  } = options as PoolOptions & { countIncludePad?: unknown };
  checkBoolean(op, "countIncludePad", countIncludePad);
  const { batched, batch, channels, spatial } = batchOf(op, xShape, rank);
  const kernelSize = expandSize(op, "kernelSize", kernelArg, rank);
  const stride = strideArg === undefined ? kernelSize.slice() : expandSize(op, "stride", strideArg, rank);
  const padding = expandSize(op, "padding", paddingArg, rank, { min: 0 });
  const dilation = expandSize(op, "dilation", dilationArg, rank);
  checkBoolean(op, "ceilMode", ceilMode);
  for (let i = 0; i < rank; i++) {
    check(
      padding[i]! <= kernelSize[i]! / 2,
      op,
      () => `padding (${padding[i]}) must be at most half the kernel size (${kernelSize[i]}) in spatial dimension ${i}`,
    );
  }
  const outSize = spatial.map((size, i) =>
    poolLength(size, kernelSize[i]!, stride[i]!, padding[i]!, dilation[i]!, ceilMode),
  );
  for (let i = 0; i < rank; i++) {
    check(
      outSize[i]! >= 1,
      op,
      () =>
        `window (dilated) ${windowSize(kernelSize[i]!, dilation[i]!)} exceeds the padded input size ${spatial[i]! + 2 * padding[i]!} in spatial dimension ${i}; input ${shapeText(xShape)}`,
    );
  }
  const outputShape = batched ? [batch, channels, ...outSize] : [channels, ...outSize];
  return {
    op,
    batched,
    batch,
    channels,
    inSize: spatial,
    kernelSize,
    outSize,
    stride,
    padding,
    dilation,
    ceilMode,
    inputShape: copyShape(xShape),
    outputShape,
  };
}
