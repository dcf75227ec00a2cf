/**
 * Functional convolutions with PyTorch's semantics and camelCase options:
 *   conv1d/2d/3d(x, weight, bias?, {stride, padding, dilation, groups, paddingMode})
 *   convTranspose1d/2d/3d(x, weight, bias?, {stride, padding, outputPadding, dilation, groups})
 * x is batched (N, C, ...) or unbatched (C, ...). Weight is (out, in/groups, ...k); transposed
 * weight is (in, out/groups, ...k). Every call validates first (arithmetic.ts), then runs on the
 * active backend (backend.ts), or the one named by the `backend` option, into a new tensor or
 * the one given as `out`.
 *
 * The tutorial's variants are options of these two ops: grouped is `groups = g`, depthwise is
 * `groups = in channels`, pointwise is a 1x1 kernel, dilated is `dilation = d`; separable and
 * GDSConv are compositions (layers.ts).
 */
import {
  checkAllocation,
  CONV_OPTION_KEYS,
  CONV_TRANSPOSE_OPTION_KEYS,
  computeConvInfo,
  computeConvTransposeInfo,
  describeOutputGrowth,
  type ConvInfo,
  type ConvOptions,
  type ConvTransposeOptions,
  type SpatialRank,
} from "../core/arithmetic.js";
import { getBackend } from "../kernels/backend.js";
import { ConvError, shapeText } from "../core/errors.js";
import { checkOptions, formatValue } from "../core/validate.js";
import { pad } from "./pad.js";
import { checkTensor, Tensor } from "../core/tensor.js";

const CALL_OPTION_KEYS = ["backend", "out"] as const;
const CONV_CALL_KEYS: readonly string[] = [...CONV_OPTION_KEYS, ...CALL_OPTION_KEYS];
const CONV_TRANSPOSE_CALL_KEYS: readonly string[] = [...CONV_TRANSPOSE_OPTION_KEYS, ...CALL_OPTION_KEYS];

/**
 * Checks a call's arguments before its shapes: x, weight and (unless null or undefined) bias are
 * Tensors, and the options object holds only the op's keys.
 */
function checkCall<T extends object>(
  op: string,
  x: unknown,
  weight: unknown,
  bias: unknown,
  options: T,
  keys: readonly string[],
): T {
  checkTensor(op, "input", x);
  checkTensor(op, "weight", weight);
  if (bias !== null && bias !== undefined) checkTensor(op, "bias", bias);
  return checkOptions(op, options, keys);
}

/** Options of one call, beside the convolution's own. */
export interface CallOptions {
  /** The backend for this call ("reference" or a registered fast one); default: the active one. */
  backend?: string;
  /**
   * Write the result into this tensor and return it, like PyTorch's `out=`: no fresh output
   * array per call (allocating one costs about as much as a small convolution). Its shape must
   * be the output's, and it must not share memory with the input, weight or bias.
   */
  out?: Tensor;
}

/** The output array a call writes into: `out`'s data once checked, or null for a fresh one; refuses disposed tensors. */
function outputArray(
  op: string,
  out: Tensor | undefined,
  outputShape: readonly number[],
  inputs: Array<Tensor | null | undefined>,
): Float32Array | null {
  if (out === undefined) return null;
  checkTensor(op, "out", out);
  if (out.shape.length !== outputShape.length || out.shape.some((d, i) => d !== outputShape[i])) {
    throw new ConvError(op, `out has shape ${shapeText(out.shape)} but the output is ${shapeText(outputShape)}`);
  }
  const o = out.data;
  for (const [name, t] of [
    ["input", inputs[0]],
    ["weight", inputs[1]],
    ["bias", inputs[2]],
  ] as const) {
    if (!t) continue;
    const d = t.data;
    const overlap =
      d.buffer === o.buffer && d.byteOffset < o.byteOffset + o.byteLength && o.byteOffset < d.byteOffset + d.byteLength;
    if (overlap)
      throw new ConvError(op, `out shares memory with the ${name} ${shapeText(t.shape)}; pass a separate tensor`);
  }
  return o;
}

/** The backend's result as the call's tensor: `out` (filled, if a backend returned its own array) or a new one. */
function result(y: Float32Array, out: Tensor | undefined, outputShape: number[]): Tensor {
  if (out === undefined) return new Tensor(y, outputShape);
  if (y !== out.data) out.data.set(y);
  return out;
}

function convNd(
  op: string,
  rank: SpatialRank,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  options: ConvOptions & CallOptions,
): Tensor {
  options = checkCall(op, x, weight, bias, options, CONV_CALL_KEYS);
  const info = computeConvInfo(op, rank, x.shape, weight.shape, bias ? bias.shape : null, options);
  const backend = getBackend(options.backend, op);
  const out = outputArray(op, options.out, info.outputShape, [x, weight, bias]);
  checkAllocation(op, "output", info.outputShape, () => describeOutputGrowth(info));
  let input = x.data;
  let run: ConvInfo = info;
  if (info.paddingMode !== "zeros" && (info.padBefore.some((p) => p > 0) || info.padAfter.some((p) => p > 0))) {
    // PyTorch: pad in the mode first, then convolve with no padding.
    const padded = info.inSize.map((s, i) => s + info.padBefore[i]! + info.padAfter[i]!);
    checkAllocation(
      op,
      "padded input",
      [info.batch, info.inChannels, ...padded],
      () =>
        `the ${info.paddingMode} padding (${shapeText(info.padBefore)}, ${shapeText(info.padAfter)}) makes it that large`,
    );
    const pads = info.padBefore.flatMap((_, i) => {
      const d = rank - 1 - i; // F.pad lists pairs from the last dimension
      return [info.padBefore[d]!, info.padAfter[d]!];
    });
    input = pad(x, pads, info.paddingMode).data;
    const inSize = info.inSize.map((s, i) => s + info.padBefore[i]! + info.padAfter[i]!);
    run = { ...info, inSize, padBefore: inSize.map(() => 0), padAfter: inSize.map(() => 0) };
  }
  const y = backend.conv(run, input, weight.data, bias ? bias.data : null, out);
  return result(y, options.out, info.outputShape);
}

function convTransposeNd(
  op: string,
  rank: SpatialRank,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  options: ConvTransposeOptions & CallOptions,
): Tensor {
  if (options !== null && typeof options === "object" && "paddingMode" in options) {
    throw new ConvError(
      op,
      `transposed convolutions take no paddingMode (they pad with zeros only, as in PyTorch), got paddingMode ${formatValue((options as { paddingMode: unknown }).paddingMode)}`,
    );
  }
  options = checkCall(op, x, weight, bias, options, CONV_TRANSPOSE_CALL_KEYS);
  const info = computeConvTransposeInfo(op, rank, x.shape, weight.shape, bias ? bias.shape : null, options);
  const backend = getBackend(options.backend, op);
  const out = outputArray(op, options.out, info.outputShape, [x, weight, bias]);
  checkAllocation(op, "output", info.outputShape, () => describeOutputGrowth(info));
  const y = backend.convTranspose(info, x.data, weight.data, bias ? bias.data : null, out);
  return result(y, options.out, info.outputShape);
}

/** x (N, C_in, L) or (C_in, L); weight (C_out, C_in/groups, k); bias (C_out) -> (N, C_out, L_out). */
export function conv1d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvOptions<1> & CallOptions = {},
): Tensor {
  return convNd("conv1d", 1, x, weight, bias, options);
}

/** x (N, C_in, H, W) or (C_in, H, W); weight (C_out, C_in/groups, kH, kW); bias (C_out) -> (N, C_out, H_out, W_out). */
export function conv2d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvOptions<2> & CallOptions = {},
): Tensor {
  return convNd("conv2d", 2, x, weight, bias, options);
}

/** x (N, C_in, D, H, W) or (C_in, D, H, W); weight (C_out, C_in/groups, kD, kH, kW); bias (C_out). */
export function conv3d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvOptions<3> & CallOptions = {},
): Tensor {
  return convNd("conv3d", 3, x, weight, bias, options);
}

/** x (N, C_in, L) or (C_in, L); weight (C_in, C_out/groups, k); bias (C_out) -> (N, C_out, L_out). */
export function convTranspose1d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvTransposeOptions<1> & CallOptions = {},
): Tensor {
  return convTransposeNd("convTranspose1d", 1, x, weight, bias, options);
}

/** x (N, C_in, H, W) or (C_in, H, W); weight (C_in, C_out/groups, kH, kW); bias (C_out). */
export function convTranspose2d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvTransposeOptions<2> & CallOptions = {},
): Tensor {
  return convTransposeNd("convTranspose2d", 2, x, weight, bias, options);
}

/** x (N, C_in, D, H, W) or (C_in, D, H, W); weight (C_in, C_out/groups, kD, kH, kW); bias (C_out). */
export function convTranspose3d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvTransposeOptions<3> & CallOptions = {},
): Tensor {
  return convTransposeNd("convTranspose3d", 3, x, weight, bias, options);
}
