/**
 * The non-convolution ops a real network needs, with PyTorch's semantics: linear, relu, flatten,
 * batchNorm (inference: running statistics) and adaptiveAvgPool2d. Like conv.ts, each op first
 * works out its shapes with an `*Info` function (also used by the cost model, which never
 * allocates a tensor), validates, and only then computes.
 *
 * Adaptive pooling windows follow PyTorch's adaptive_avg_pool2d (aten/src/ATen/native/AdaptiveAveragePooling.cpp):
 *   start(i) = floor(i * in / out),   end(i) = ceil((i + 1) * in / out)
 * so windows may overlap and differ in size when `out` does not divide `in`.
 */
import { checkAllocation, checkShapeSizes, copyShape, isBatched, numel } from "../core/arithmetic.js";
import { getBackend } from "../kernels/backend.js";
import { check, shapeText } from "../core/errors.js";
import {
  checkFiniteNumber,
  checkInteger,
  checkNonNegativeInteger,
  checkOptions,
  checkPositiveInteger,
  formatValue,
} from "../core/validate.js";
import { reluReference } from "../kernels/reference.js";
import { checkTensor, Tensor } from "../core/tensor.js";

/** Shapes of a linear call: x (*, in) times weight (out, in)^T -> (*, out). */
export interface LinearInfo {
  inFeatures: number;
  outFeatures: number;
  /** Rows of the product: every dimension of x but the last, multiplied (1 for a 1-D x). */
  rows: number;
  inputShape: number[];
  outputShape: number[];
}

/** Validates a linear call (PyTorch's F.linear) and computes its output shape. */
export function linearInfo(
  op: string,
  xShape: readonly number[],
  wShape: readonly number[],
  biasShape: readonly number[] | null,
): LinearInfo {
  checkShapeSizes(op, xShape, "input");
  checkShapeSizes(op, wShape, "weight");
  check(
    xShape.length >= 1,
    op,
    () => `expected input of rank 1 or more (*, in_features), got a scalar ${shapeText(xShape)}`,
  );
  check(
    wShape.length === 2,
    op,
    () => `expected weight of rank 2 (out_features, in_features), got ${shapeText(wShape)}`,
  );
  const [outFeatures, inFeatures] = wShape as [number, number];
  const last = xShape[xShape.length - 1]!;
  check(
    last === inFeatures,
    op,
    () =>
      `input ${shapeText(xShape)} has ${last} features in its last dimension but weight ${shapeText(wShape)} expects ${inFeatures}`,
  );
  if (biasShape) {
    check(
      biasShape.length === 1 && biasShape[0] === outFeatures,
      op,
      () =>
        `bias ${shapeText(biasShape)} must have one entry per output feature (${outFeatures}); weight ${shapeText(wShape)}`,
    );
  }
  const lead = copyShape(xShape, 0, xShape.length - 1);
  const outputShape = [...lead, outFeatures];
  checkShapeSizes(op, outputShape, "output");
  return { inFeatures, outFeatures, rows: numel(lead), inputShape: copyShape(xShape), outputShape };
}

/**
 * y = x W^T + b. x (*, in); weight (out, in); bias (out) -> (*, out).
 * Accumulates each dot product in float64, then rounds to float32.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkTensor("linear", "input", x);
  checkTensor("linear", "weight", weight);
  if (bias !== null && bias !== undefined) checkTensor("linear", "bias", bias);
  const info = linearInfo("linear", x.shape, weight.shape, bias ? bias.shape : null);
  checkAllocation(
    "linear",
    "output",
    info.outputShape,
    () => `the input ${shapeText(x.shape)} and the weight ${shapeText(weight.shape)} make it that large`,
  );
  const { rows, inFeatures: K, outFeatures: M } = info;
  const xd = x.data;
  const wd = weight.data;
  const bd = bias ? bias.data : null;
  const y = new Float32Array(rows * M);
  for (let r = 0; r < rows; r++) {
    const xRow = r * K;
    for (let m = 0; m < M; m++) {
      const wRow = m * K;
      let acc = bd ? bd[m]! : 0;
      for (let k = 0; k < K; k++) acc += xd[xRow + k]! * wd[wRow + k]!;
      y[r * M + m] = acc;
    }
  }
  return new Tensor(y, info.outputShape);
}

/** max(x, 0) elementwise; NaN stays NaN, as in PyTorch. */
export function relu(x: Tensor): Tensor {
  checkTensor("relu", "input", x);
  const backend = getBackend();
  return new Tensor((backend.relu ?? reluReference)(x.data), x.shape);
}

/** The shape torch.flatten(x, startDim, endDim) returns: dims startDim..endDim merged into one. */
export function flattenShape(op: string, xShape: readonly number[], startDim = 0, endDim = -1): number[] {
  checkShapeSizes(op, xShape, "input");
  checkInteger(op, "startDim", startDim);
  checkInteger(op, "endDim", endDim);
  const rank = Math.max(xShape.length, 1); // a scalar flattens to [1], as in PyTorch
  const start = startDim < 0 ? startDim + rank : startDim;
  const end = endDim < 0 ? endDim + rank : endDim;
  check(
    start >= 0 && start < rank,
    op,
    () => `startDim ${startDim} is out of range for input ${shapeText(xShape)} (rank ${xShape.length})`,
  );
  check(
    end >= 0 && end < rank,
    op,
    () => `endDim ${endDim} is out of range for input ${shapeText(xShape)} (rank ${xShape.length})`,
  );
  check(
    start <= end,
    op,
    () => `startDim (${startDim}) must not come after endDim (${endDim}) for input ${shapeText(xShape)}`,
  );
  if (xShape.length === 0) return [1];
  return [...copyShape(xShape, 0, start), numel(copyShape(xShape, start, end + 1)), ...copyShape(xShape, end + 1)];
}

/** torch.flatten: x with dimensions startDim..endDim (default: all) merged into one. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor("flatten", "input", x);
  return x.reshape(flattenShape("flatten", x.shape, startDim, endDim));
}

/** Shapes of a batch-norm call: x (N, C, ...) normalised per channel C. */
export interface BatchNormInfo {
  channels: number;
  /** Elements per channel: N times the product of the trailing dimensions. */
  perChannel: number;
  inputShape: number[];
  outputShape: number[];
}

/** Validates an inference batch norm call (PyTorch's F.batch_norm with training=False). */
export function batchNormInfo(
  op: string,
  xShape: readonly number[],
  runningMeanShape: readonly number[],
  runningVarShape: readonly number[],
  weightShape: readonly number[] | null,
  biasShape: readonly number[] | null,
): BatchNormInfo {
  checkShapeSizes(op, xShape, "input");
  check(xShape.length >= 2, op, () => `expected input of rank 2 or more (N, C, ...), got ${shapeText(xShape)}`);
  const channels = xShape[1]!;
  const perChannelShape = (name: string, shape: readonly number[] | null, required = false) => {
    if (required || (shape !== null && shape !== undefined)) checkShapeSizes(op, shape as readonly number[], name);
    if (shape)
      check(
        shape.length === 1 && shape[0] === channels,
        op,
        () => `${name} ${shapeText(shape)} must have one entry per channel (${channels}); input ${shapeText(xShape)}`,
      );
  };
  perChannelShape("runningMean", runningMeanShape, true);
  perChannelShape("runningVar", runningVarShape, true);
  perChannelShape("weight", weightShape);
  perChannelShape("bias", biasShape);
  return {
    channels,
    perChannel: channels === 0 ? 0 : numel(xShape) / channels,
    inputShape: copyShape(xShape),
    outputShape: copyShape(xShape),
  };
}

export interface BatchNormOptions {
  /** Scale gamma (C), default all ones. */
  weight?: Tensor | null;
  /** Shift beta (C), default all zeros. */
  bias?: Tensor | null;
  /** Added to the variance before the square root (default 1e-5, as in PyTorch). */
  eps?: number;
}

/**
 * Inference batch norm: y = (x - mean_c) / sqrt(var_c + eps) * gamma_c + beta_c.
 * x (N, C, ...); runningMean, runningVar, weight, bias (C) -> (N, C, ...).
 * Computed as PyTorch's CPU kernel does, folded per channel: a_c = gamma_c / sqrt(var_c + eps),
 * b_c = beta_c - mean_c a_c, y = a_c x + b_c.
 */
export function batchNorm(x: Tensor, runningMean: Tensor, runningVar: Tensor, options: BatchNormOptions = {}): Tensor {
  const op = "batchNorm";
  checkTensor(op, "input", x);
  checkTensor(op, "runningMean", runningMean);
  checkTensor(op, "runningVar", runningVar);
  const { weight = null, bias = null, eps = 1e-5 } = checkOptions(op, options, ["weight", "bias", "eps"]);
  if (weight !== null) checkTensor(op, "weight", weight);
  if (bias !== null) checkTensor(op, "bias", bias);
  checkFiniteNumber(op, "eps", eps, { min: 0 });
  const info = batchNormInfo(
    op,
    x.shape,
    runningMean.shape,
    runningVar.shape,
    weight ? weight.shape : null,
    bias ? bias.shape : null,
  );
  const { channels: C } = info;
  const N = x.shape[0]!;
  const inner = C === 0 || N === 0 ? 0 : info.perChannel / N;
  const y = new Float32Array(x.size);
  const xd = x.data;
  for (let c = 0; c < C; c++) {
    const a = (weight ? weight.data[c]! : 1) / Math.sqrt(runningVar.data[c]! + eps);
    const b = (bias ? bias.data[c]! : 0) - runningMean.data[c]! * a;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * inner;
      for (let i = 0; i < inner; i++) y[base + i] = a * xd[base + i]! + b;
    }
  }
  return new Tensor(y, info.outputShape);
}

/**
 * Window [start, end) of output index i when adaptive pooling takes `inSize` to `outSize`: i is
 * a non-negative integer below outSize, the sizes positive integers (ConvError otherwise).
 */
export function adaptivePoolWindow(i: number, inSize: number, outSize: number): [start: number, end: number] {
  const op = "adaptivePoolWindow";
  checkPositiveInteger(op, "inSize", inSize);
  checkPositiveInteger(op, "outSize", outSize);
  checkNonNegativeInteger(op, "index", i);
  check(i < outSize, op, () => `index ${i} must be below outSize ${outSize}`);
  check(
    Number.isSafeInteger(outSize * inSize),
    op,
    () => `inSize ${inSize} x outSize ${outSize} is past 2^53, where windows are not exact`,
  );
  return poolWindow(i, inSize, outSize);
}

/** adaptivePoolWindow on checked numbers (the pooling loop's per-window call). */
function poolWindow(i: number, inSize: number, outSize: number): [start: number, end: number] {
  return [Math.floor((i * inSize) / outSize), Math.ceil(((i + 1) * inSize) / outSize)];
}

/** An output size for adaptive pooling: one size, or one per dimension (null keeps the input's). */
export type AdaptiveSize<R extends 1 | 2 | 3 = 2> =
  | number
  | (R extends 1
      ? readonly [number | null]
      : R extends 2
        ? readonly [number | null, number | null]
        : readonly [number | null, number | null, number | null]);

/** Shapes and windows of an adaptive pooling call. */
export interface AdaptivePoolInfo {
  op: string;
  batched: boolean;
  batch: number;
  channels: number;
  inSize: number[];
  outSize: number[];
  inputShape: number[];
  outputShape: number[];
}

/** Validates an adaptive pooling call on x (N, C, ...spatial) or (C, ...spatial). */
export function adaptivePoolInfo(
  op: string,
  rank: 1 | 2 | 3,
  xShape: readonly number[],
  outputSize: unknown,
): AdaptivePoolInfo {
  const batched = isBatched(op, xShape, rank);
  const inSize = copyShape(xShape, batched ? 2 : 1);
  for (const s of inSize) check(s > 0, op, () => `input ${shapeText(xShape)} has an empty spatial dimension`);
  const sizes = typeof outputSize === "number" ? new Array<unknown>(rank).fill(outputSize) : outputSize;
  check(
    Array.isArray(sizes) && sizes.length === rank,
    op,
    () => `outputSize must be a number or an array of ${rank}, got ${formatValue(outputSize)}`,
  );
  const outSize = (sizes as unknown[]).map((s, i) => {
    if (s === null) return inSize[i]!;
    check(
      typeof s === "number" && Number.isInteger(s) && s >= 1,
      op,
      () => `outputSize must hold positive integers (or null to keep the input size), got ${formatValue(outputSize)}`,
    );
    return s as number;
  });
  const lead = copyShape(xShape, 0, batched ? 2 : 1);
  return {
    op,
    batched,
    batch: batched ? xShape[0]! : 1,
    channels: xShape[batched ? 1 : 0]!,
    inSize,
    outSize,
    inputShape: copyShape(xShape),
    outputShape: [...lead, ...outSize],
  };
}

/**
 * Adaptive average pooling over the last two dimensions: x (N, C, H, W) or (C, H, W) ->
 * (N, C, oH, oW), each output the mean of its window (see adaptivePoolWindow).
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize<2>): Tensor {
  checkTensor("adaptiveAvgPool2d", "input", x);
  const info = adaptivePoolInfo("adaptiveAvgPool2d", 2, x.shape, outputSize);
  checkAllocation(
    "adaptiveAvgPool2d",
    "output",
    info.outputShape,
    () => `outputSize ${formatValue(outputSize)} makes it that large`,
  );
  const [H, W] = info.inSize as [number, number];
  const [OH, OW] = info.outSize as [number, number];
  const planes = info.batch * info.channels;
  const y = new Float32Array(planes * OH * OW);
  const xd = x.data;
  // The column windows, computed once rather than per output row and plane.
  const wStart = new Int32Array(OW);
  const wEnd = new Int32Array(OW);
  for (let ow = 0; ow < OW; ow++) [wStart[ow], wEnd[ow]] = poolWindow(ow, W, OW);
  let out = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * H * W;
    for (let oh = 0; oh < OH; oh++) {
      const [h0, h1] = poolWindow(oh, H, OH);
      for (let ow = 0; ow < OW; ow++) {
        const w0 = wStart[ow]!;
        const w1 = wEnd[ow]!;
        let sum = 0;
        for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) sum += xd[base + h * W + w]!;
        y[out++] = sum / ((h1 - h0) * (w1 - w0));
      }
    }
  }
  return new Tensor(y, info.outputShape);
}
