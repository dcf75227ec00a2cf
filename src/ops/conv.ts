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
  convInfo,
  convTransposeInfo,
  type ConvInfo,
  type ConvOptions,
  type ConvTransposeOptions,
  type SpatialRank,
} from "../core/arithmetic.js";
import { getBackend } from "../kernels/backend.js";
import { ConvError, formatShape } from "../core/errors.js";
import { pad } from "./pad.js";
import { Tensor } from "../core/tensor.js";
import { checkNotDisposed } from "../kernels/wasm-tensors.js";

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
  // tensors in wasm memory that disposeWasm freed are refused (wasm-tensors.ts)
  checkNotDisposed(op, "input", inputs[0]);
  checkNotDisposed(op, "weight", inputs[1]);
  checkNotDisposed(op, "bias", inputs[2]);
  if (out === undefined) return null;
  if (!(out instanceof Tensor))
    throw new ConvError(op, `out must be a Tensor, got ${out === null ? "null" : typeof out}`);
  if (out.shape.length !== outputShape.length || out.shape.some((d, i) => d !== outputShape[i])) {
    throw new ConvError(op, `out has shape ${formatShape(out.shape)} but the output is ${formatShape(outputShape)}`);
  }
  checkNotDisposed(op, "out", out);
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
      throw new ConvError(op, `out shares memory with the ${name} ${formatShape(t.shape)}; pass a separate tensor`);
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
  const info = convInfo(op, rank, x.shape, weight.shape, bias ? bias.shape : null, options);
  const backend = getBackend(options.backend, op);
  const out = outputArray(op, options.out, info.outputShape, [x, weight, bias]);
  let input = x.data;
  let run: ConvInfo = info;
  if (info.paddingMode !== "zeros" && (info.padBefore.some((p) => p > 0) || info.padAfter.some((p) => p > 0))) {
    // PyTorch: pad in the mode first, then convolve with no padding.
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
  const info = convTransposeInfo(op, rank, x.shape, weight.shape, bias ? bias.shape : null, options);
  const backend = getBackend(options.backend, op);
  const out = outputArray(op, options.out, info.outputShape, [x, weight, bias]);
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
