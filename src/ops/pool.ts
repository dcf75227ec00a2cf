/**
 * Max and average pooling with PyTorch's semantics (kernel, stride defaulting to the kernel,
 * implicit padding, dilation for max, ceilMode; average counts padding by default).
 * Like the convolutions, 1-D and 2-D run as 3-D with leading sizes of 1.
 */
import { poolInfo, type PoolInfo, type PoolOptions, type SpatialRank } from "../core/arithmetic.js";
import { windowSize } from "../core/arithmetic.js";
import { widen3 } from "../kernels/reference.js";
import { checkTensor, Tensor } from "../core/tensor.js";
import { AVG_POOL_OPTION_KEYS, checkAllocation, MAX_POOL_OPTION_KEYS } from "../core/arithmetic.js";
import { shapeText } from "../core/errors.js";
import { checkBoolean, checkOptions } from "../core/validate.js";

/** Checks a pooling call's input and options object, then its shapes (poolInfo), before allocating. */
function checkPool(op: string, rank: SpatialRank, x: Tensor, options: PoolOptions, keys: readonly string[]): PoolInfo {
  checkTensor(op, "input", x);
  checkOptions(op, options, keys);
  const info = poolInfo(op, rank, x.shape, options);
  checkAllocation(op, "output", info.outputShape, () => `the input ${shapeText(info.inputShape)} is that large`);
  return info;
}

/**
 * Visits every output cell of a pooling call with its window, clipped to the input.
 *   x: (N*C, D, H, W) -> y: (N*C, oD, oH, oW)
 * `reduce(base, [d0, d1], [h0, h1], [w0, w1], padded)` returns the output value; `padded` is the
 * window's size clipped to the padded input (PyTorch's divisor with countIncludePad).
 */
function poolLoop(
  info: PoolInfo,
  reduce: (base: number, d: [number, number], h: [number, number], w: [number, number], paddedCount: number) => number,
): Float32Array {
  const [D, H, W] = widen3(info.inSize, 1);
  const [OD, OH, OW] = widen3(info.outSize, 1);
  const [KD, KH, KW] = widen3(info.kernelSize, 1);
  const [SD, SH, SW] = widen3(info.stride, 1);
  const [PD, PH, PW] = widen3(info.padding, 0);
  const [DD, DH, DW] = widen3(info.dilation, 1);
  const planes = info.batch * info.channels;
  const y = new Float32Array(planes * OD * OH * OW);
  const span = (o: number, s: number, p: number, k: number, d: number, size: number): [number, number, number] => {
    const start = o * s - p;
    const end = Math.min(start + windowSize(k, d), size + p); // window end, clipped to the padded input
    return [start, end, end - start];
  };
  let out = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * D * H * W;
    for (let od = 0; od < OD; od++) {
      const [d0, d1, dn] = span(od, SD, PD, KD, DD, D);
      for (let oh = 0; oh < OH; oh++) {
        const [h0, h1, hn] = span(oh, SH, PH, KH, DH, H);
        for (let ow = 0; ow < OW; ow++) {
          const [w0, w1, wn] = span(ow, SW, PW, KW, DW, W);
          y[out++] = reduce(base, [d0, d1], [h0, h1], [w0, w1], dn * hn * wn);
        }
      }
    }
  }
  return y;
}

function maxPool(op: string, rank: SpatialRank, x: Tensor, options: PoolOptions): Tensor {
  const info = checkPool(op, rank, x, options, MAX_POOL_OPTION_KEYS);
  const [, H, W] = widen3(info.inSize, 1);
  const [DD, DH, DW] = widen3(info.dilation, 1);
  const [D] = widen3(info.inSize, 1);
  const data = x.data;
  const y = poolLoop(info, (base, [d0, d1], [h0, h1], [w0, w1]) => {
    let max = -Infinity;
    for (let d = d0; d < d1; d += DD) {
      if (d < 0 || d >= D) continue;
      for (let h = h0; h < h1; h += DH) {
        if (h < 0 || h >= H) continue;
        for (let w = w0; w < w1; w += DW) {
          if (w < 0 || w >= W) continue;
          const v = data[base + (d * H + h) * W + w]!;
          if (v > max || Number.isNaN(v)) max = v; // NaN wins, as in PyTorch
          if (Number.isNaN(max)) return NaN;
        }
      }
    }
    return max;
  });
  return new Tensor(y, info.outputShape);
}

function avgPool(
  op: string,
  rank: SpatialRank,
  x: Tensor,
  options: PoolOptions & { countIncludePad?: boolean },
): Tensor {
  checkTensor(op, "input", x);
  checkOptions(op, options, AVG_POOL_OPTION_KEYS);
  const { countIncludePad = true, ...poolOptions } = options ?? ({} as PoolOptions);
  checkBoolean(op, "countIncludePad", countIncludePad);
  const info = checkPool(op, rank, x, { ...poolOptions, dilation: 1 }, MAX_POOL_OPTION_KEYS);
  const [D, H, W] = widen3(info.inSize, 1);
  const data = x.data;
  const y = poolLoop(info, (base, [d0, d1], [h0, h1], [w0, w1], paddedCount) => {
    let sum = 0;
    let count = 0;
    for (let d = Math.max(d0, 0); d < Math.min(d1, D); d++) {
      for (let h = Math.max(h0, 0); h < Math.min(h1, H); h++) {
        for (let w = Math.max(w0, 0); w < Math.min(w1, W); w++) {
          sum += data[base + (d * H + h) * W + w]!;
          count++;
        }
      }
    }
    return sum / (countIncludePad ? paddedCount : count);
  });
  return new Tensor(y, info.outputShape);
}

export type MaxPoolOptions<R extends SpatialRank> = PoolOptions<R>;
export type AvgPoolOptions<R extends SpatialRank> = Omit<PoolOptions<R>, "dilation"> & { countIncludePad?: boolean };

/** x (N, C, L) or (C, L). */
export const maxPool1d = (x: Tensor, options: MaxPoolOptions<1>): Tensor => maxPool("maxPool1d", 1, x, options);
/** x (N, C, H, W) or (C, H, W). */
export const maxPool2d = (x: Tensor, options: MaxPoolOptions<2>): Tensor => maxPool("maxPool2d", 2, x, options);
/** x (N, C, D, H, W) or (C, D, H, W). */
export const maxPool3d = (x: Tensor, options: MaxPoolOptions<3>): Tensor => maxPool("maxPool3d", 3, x, options);
export const avgPool1d = (x: Tensor, options: AvgPoolOptions<1>): Tensor => avgPool("avgPool1d", 1, x, options);
export const avgPool2d = (x: Tensor, options: AvgPoolOptions<2>): Tensor => avgPool("avgPool2d", 2, x, options);
export const avgPool3d = (x: Tensor, options: AvgPoolOptions<3>): Tensor => avgPool("avgPool3d", 3, x, options);
