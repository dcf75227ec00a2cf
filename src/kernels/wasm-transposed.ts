/**
 * Transposed convolutions on the wasm engine: stride 1 as one convolution (wasm-conv.ts, run),
 * strided ones by sub-pixel decomposition (convTransposeSubPixel).
 */
import type { ConvInfo } from "../core/arithmetic.js";
import { SLACK, align4, ensureBytes, f32, wasmEngineFor } from "./wasm-engine.js";
import { run } from "./wasm-conv.js";
import { inPlaceAt, scratchStart } from "./wasm-heap.js";

/**
 * x (N, C_in, ...in), weight (C_in, C_out/g, ...k), bias (C_out) -> y (N, C_out, ...out).
 * Stride 1: one convolution of the padded input with the flipped kernel (run). Stride s > 1:
 * sub-pixel decomposition (below), which skips the zeros a zero-inserted input would multiply.
 */
export function convTransposeWasm(
  info: ConvInfo,
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  out: Float32Array | null = null,
): Float32Array {
  return info.stride.some((s) => s > 1)
    ? convTransposeSubPixel(info, x, weight, bias, out)
    : run(info, x, weight, bias, { into: out });
}

/**
 * The taps of one output phase along one dimension of a transposed convolution.
 * PyTorch's definition, y[o] = sum over (i, t) with o = i s - p + t d of x[i] w[t], splits by
 * output phase phi = o mod s: output q of the phase (o = q s + phi) reads x[q + e(t)] for the
 * taps t with t d = phi + p (mod s), e(t) = (phi + p - t d) / s. Those taps step by s / g
 * (g = gcd(d, s)) and their offsets by d / g, so the phase is an ordinary convolution of x with
 * the sub-kernel w'[j] = w[tLast - j s / g] (dilation d / g, padding -e(tLast) before, negative:
 * cropped), giving ceil((out - phi) / s) outputs (Dumoulin & Visin 2016, "A guide to convolution
 * arithmetic", sec. 4; Shi et al. 2016, "sub-pixel convolution").
 */
interface PhaseTaps {
  /** Taps of w in sub-kernel order (j = 0, 1, ...: increasing input offset): taps[0] - j step. */
  taps: number[];
  /** Tap step between consecutive taps, s / gcd(d, s). */
  step: number;
  dilation: number;
  padBefore: number;
  /** Outputs of this phase. */
  count: number;
}

function phaseTaps(
  phase: number,
  stride: number,
  dilation: number,
  kernel: number,
  padding: number,
  out: number,
): PhaseTaps {
  const taps: number[] = [];
  for (let t = kernel - 1; t >= 0; t--)
    if ((((phase + padding - t * dilation) % stride) + stride) % stride === 0) taps.push(t);
  const step = stride / gcd(dilation, stride);
  const tLast = taps[0] ?? 0;
  return {
    taps,
    step,
    dilation: (dilation * step) / stride,
    padBefore: -(phase + padding - tLast * dilation) / stride,
    count: out > phase ? Math.ceil((out - phase) / stride) : 0,
  };
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * A strided transposed convolution as prod(s) ordinary convolutions, one per output phase, each
 * with its sub-kernel (phaseTaps), their outputs interleaved into y. It multiplies only what the
 * zero-inserted form multiplies by non-zeros: prod(s) times fewer multiply-adds.
 */
function convTransposeSubPixel(
  info: ConvInfo,
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  out: Float32Array | null,
): Float32Array {
  const e = wasmEngineFor(info.op);
  const rank = info.inSize.length,
    lead = 3 - rank;
  const { batch: n, outChannels: f } = info;
  const outSize = info.outSize,
    kernel = info.kernelSize;
  const outLen = n * f * outSize.reduce((a, v) => a * v, 1);
  // y, x and the weight stay in the module's memory for every phase: y is `out` itself when it is
  // resident, else a region below the phases' scratch (copied out at the end); x and the weight
  // are copied in once (not at all when resident)
  let at = scratchStart();
  const yHere = inPlaceAt(out),
    xHere = inPlaceAt(x),
    wHere = inPlaceAt(weight);
  const yAt = yHere >= 0 ? yHere : at;
  if (yHere < 0) at = align4(at + outLen);
  const xAt = xHere >= 0 ? xHere : at;
  if (xHere < 0) at = align4(at + x.length + SLACK);
  const wAt = wHere >= 0 ? wHere : at;
  if (wHere < 0) at = align4(at + weight.length);
  ensureBytes(info.op, e, at * 4);
  if (xHere < 0) f32.set(x, xAt);
  if (wHere < 0) f32.set(weight, wAt);
  const phases = info.stride.reduce((a, s) => a * s, 1);
  // as 3-D (leading sizes 1): stride, output size, phase, phase's output count
  const pad3 = (v: readonly number[], fill: number) => [...Array<number>(lead).fill(fill), ...v];
  const s3 = pad3(info.stride, 1),
    o3 = pad3(outSize, 1);
  for (let ph = 0; ph < phases; ph++) {
    // this phase along each dimension (the last varies fastest)
    const phase: number[] = [];
    for (let i = rank - 1, r = ph; i >= 0; i--) {
      phase[i] = r % info.stride[i]!;
      r = Math.floor(r / info.stride[i]!);
    }
    const dims = phase.map((p, i) =>
      phaseTaps(p, info.stride[i]!, info.dilation[i]!, kernel[i]!, info.padBefore[i]!, outSize[i]!),
    );
    if (dims.some((d) => d.count === 0)) continue;
    const counts = dims.map((d) => d.count);
    const subPlane = counts.reduce((a, v) => a * v, 1);
    let zAt: number;
    if (dims.some((d) => d.taps.length === 0)) {
      // no tap reaches this phase: its outputs are the bias
      zAt = at;
      ensureBytes(info.op, e, (zAt + n * f * subPlane) * 4);
      for (let b = 0; b < n * f; b++) f32.fill(bias ? bias[b % f]! : 0, zAt + b * subPlane, zAt + (b + 1) * subPlane);
    } else {
      // the sub-kernel: taps taps[0] - j step of the transposed weight, read where it is (packWeights)
      const m = dims.map((d) => d.taps.length);
      const padBefore = dims.map((d) => d.padBefore);
      const phaseInfo: ConvInfo = {
        ...info,
        transposed: false,
        kernelSize: m,
        outSize: counts,
        stride: counts.map(() => 1),
        dilation: dims.map((d) => d.dilation),
        padBefore,
        // the prepped extent a stride-1 conv needs for `count` outputs: count + d'(M - 1)
        padAfter: dims.map((d, i) => d.count + d.dilation * (m[i]! - 1) - d.padBefore - info.inSize[i]!),
        outputPadding: counts.map(() => 0),
      };
      // the phase's output stays in the module's memory, above y and x
      const weightTaps = { origin: dims.map((d) => d.taps[0]!), step: dims.map((d) => d.step), kernel };
      zAt = run(phaseInfo, x, weight, bias, { view: true, scratchAt: at, xAt, wAt, weightTaps }).byteOffset / 4;
    }
    // y[b, ..., q_i s_i + phase_i, ...] = z[b, ..., q_i, ...]
    const c3 = pad3(counts, 1),
      p3 = pad3(phase, 0);
    e.exports.scatterPhase(
      zAt * 4,
      yAt * 4,
      n * f,
      c3[0]!,
      c3[1]!,
      c3[2]!,
      s3[0]!,
      s3[1]!,
      s3[2]!,
      o3[0]!,
      o3[1]!,
      o3[2]!,
      p3[0]!,
      p3[1]!,
      p3[2]!,
    );
  }
  if (yHere >= 0) return out!;
  const y = out ?? new Float32Array(outLen);
  y.set(f32.subarray(yAt, yAt + outLen));
  return y;
}
