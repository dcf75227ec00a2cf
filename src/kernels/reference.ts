/**
 * Reference kernels: direct loops, written to be read. They are the oracle the fast kernels are
 * checked against. 1-D and 2-D convolutions run as 3-D ones with leading spatial sizes of 1
 * (a (C, L) signal is a (C, 1, 1, L) volume), so there is one loop nest per op.
 * Sums are accumulated in float64 and rounded to float32 once, at the end.
 */
import type { ConvInfo } from "../core/arithmetic.js";

/** Spatial sizes and per-dimension options widened to three dimensions (depth, height, width). */
export interface Dims3 {
  inSize: [number, number, number];
  kernelSize: [number, number, number];
  outSize: [number, number, number];
  stride: [number, number, number];
  dilation: [number, number, number];
  padBefore: [number, number, number];
}

/** Pads per-dimension values on the left to three dimensions: [5] -> [fill, fill, 5]. */
export function widen3(values: readonly number[], fill: number): [number, number, number] {
  const out = [fill, fill, fill] as [number, number, number];
  for (let i = 0; i < values.length; i++) out[3 - values.length + i] = values[i]!;
  return out;
}

export function dims3(info: ConvInfo): Dims3 {
  return {
    inSize: widen3(info.inSize, 1),
    kernelSize: widen3(info.kernelSize, 1),
    outSize: widen3(info.outSize, 1),
    stride: widen3(info.stride, 1),
    dilation: widen3(info.dilation, 1),
    padBefore: widen3(info.padBefore, 0),
  };
}

/**
 * Convolution (PyTorch's cross-correlation), zero padding.
 *   x:      (N, C_in, D, H, W)
 *   weight: (C_out, C_in / groups, kD, kH, kW)
 *   bias:   (C_out) or null
 *   y:      (N, C_out, oD, oH, oW)
 * y[n, co, od, oh, ow] = bias[co] + sum over ci in co's group, kd, kh, kw of
 *   x[n, ci, od*sD - pD + kd*dD, oh*sH - pH + kh*dH, ow*sW - pW + kw*dW] * weight[co, ci mod C_in/g, kd, kh, kw]
 * with x zero outside the input. Taps on the zero padding add nothing, so they are skipped, unless
 * the weight holds an infinity or a NaN: then, as in PyTorch, each such tap adds 0 x weight, which
 * is NaN for a non-finite weight.
 */
export function convReference(
  info: ConvInfo,
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
): Float32Array {
  const { batch: N, inChannels: C, outChannels: F, groups: G } = info;
  const {
    inSize: [D, H, W],
    kernelSize: [KD, KH, KW],
    outSize: [OD, OH, OW],
    stride: [SD, SH, SW],
    dilation: [DD, DH, DW],
    padBefore: [PD, PH, PW],
  } = dims3(info);
  const cPerGroup = C / G; // input channels each filter sees
  const fPerGroup = F / G; // filters per group
  const padTaps = !allFinite(weight); // multiply the padding's zeros too (0 x Inf = NaN)
  const y = new Float32Array(N * F * OD * OH * OW);
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      const c0 = Math.floor(f / fPerGroup) * cPerGroup; // first input channel of f's group
      for (let od = 0; od < OD; od++) {
        for (let oh = 0; oh < OH; oh++) {
          for (let ow = 0; ow < OW; ow++) {
            let sum = bias ? bias[f]! : 0;
            for (let c = 0; c < cPerGroup; c++) {
              for (let kd = 0; kd < KD; kd++) {
                const id = od * SD - PD + kd * DD;
                const insideD = id >= 0 && id < D;
                if (!insideD && !padTaps) continue;
                for (let kh = 0; kh < KH; kh++) {
                  const ih = oh * SH - PH + kh * DH;
                  const insideH = insideD && ih >= 0 && ih < H;
                  if (!insideH && !padTaps) continue;
                  for (let kw = 0; kw < KW; kw++) {
                    const iw = ow * SW - PW + kw * DW;
                    const wv = weight[(((f * cPerGroup + c) * KD + kd) * KH + kh) * KW + kw]!;
                    if (insideH && iw >= 0 && iw < W) sum += x[(((n * C + c0 + c) * D + id) * H + ih) * W + iw]! * wv;
                    else if (padTaps) sum += 0 * wv;
                  }
                }
              }
            }
            y[(((n * F + f) * OD + od) * OH + oh) * OW + ow] = sum;
          }
        }
      }
    }
  }
  return y;
}

/**
 * Transposed convolution (the adjoint of convReference with the same options), zero padding.
 *   x:      (N, C_in, D, H, W)
 *   weight: (C_in, C_out / groups, kD, kH, kW)
 *   bias:   (C_out) or null
 *   y:      (N, C_out, oD, oH, oW), o = (i - 1) s - 2p + d (k - 1) + outputPadding + 1
 * Each input value is scattered through the kernel:
 *   y[n, co, id*sD - pD + kd*dD, ...] += x[n, ci, id, ih, iw] * weight[ci, co mod C_out/g, kd, kh, kw]
 */
export function convTransposeReference(
  info: ConvInfo,
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
): Float32Array {
  const { batch: N, inChannels: C, outChannels: F, groups: G } = info;
  const {
    inSize: [D, H, W],
    kernelSize: [KD, KH, KW],
    outSize: [OD, OH, OW],
    stride: [SD, SH, SW],
    dilation: [DD, DH, DW],
    padBefore: [PD, PH, PW],
  } = dims3(info);
  const cPerGroup = C / G;
  const fPerGroup = F / G;
  const outPlane = OD * OH * OW;
  const acc = new Float64Array(N * F * outPlane);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const f0 = Math.floor(c / cPerGroup) * fPerGroup; // first output channel of c's group
      for (let id = 0; id < D; id++) {
        for (let ih = 0; ih < H; ih++) {
          for (let iw = 0; iw < W; iw++) {
            const xv = x[(((n * C + c) * D + id) * H + ih) * W + iw]!;
            for (let f = 0; f < fPerGroup; f++) {
              for (let kd = 0; kd < KD; kd++) {
                const od = id * SD - PD + kd * DD;
                if (od < 0 || od >= OD) continue;
                for (let kh = 0; kh < KH; kh++) {
                  const oh = ih * SH - PH + kh * DH;
                  if (oh < 0 || oh >= OH) continue;
                  for (let kw = 0; kw < KW; kw++) {
                    const ow = iw * SW - PW + kw * DW;
                    if (ow < 0 || ow >= OW) continue;
                    const wv = weight[(((c * fPerGroup + f) * KD + kd) * KH + kh) * KW + kw]!;
                    acc[(((n * F + f0 + f) * OD + od) * OH + oh) * OW + ow] += xv * wv;
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  const y = new Float32Array(acc.length);
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      const b = bias ? bias[f]! : 0;
      const base = (n * F + f) * outPlane;
      for (let i = 0; i < outPlane; i++) y[base + i] = acc[base + i]! + b;
    }
  }
  return y;
}

/** Whether every value is finite (no infinity, no NaN). */
function allFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return false;
  return true;
}

/** y = max(x, 0) elementwise, as torch.relu: a NaN stays NaN (the same bits), -0 becomes +0. */
export function reluReference(x: Float32Array): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < y.length; i++) {
    const v = x[i]!;
    y[i] = v > 0 || Number.isNaN(v) ? v : 0;
  }
  return y;
}
