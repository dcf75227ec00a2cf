/**
 * Transposed convolutions on the wasm engine: stride 1 as one convolution (wasm-conv.ts, run),
 * strided ones by sub-pixel decomposition (convTransposeSubPixel), and a weight with a NaN or an
 * infinity by the definition's scatter (convTransposeScatter).
 */
import type { ConvInfo } from "../core/arithmetic.js";
import { SLACK, align4, ensureBytes, f32, wasmEngineFor } from "./wasm-engine.js";
import { run } from "./wasm-conv.js";
import { inPlaceAt, scratchStart } from "./wasm-heap.js";

/**
 * x (N, C_in, ...in), weight (C_in, C_out/g, ...k), bias (C_out) -> y (N, C_out, ...out).
 * Stride 1: one convolution of the padded input with the flipped kernel (run). Stride s > 1:
 * sub-pixel decomposition (below), which skips the zeros a zero-inserted input would multiply.
 * Both multiply padding zeros by the weight's taps, which PyTorch's definition never does: with
 * a NaN or infinite weight that would spread NaN to outputs PyTorch keeps finite, so such a weight
 * runs the definition itself.
 */
export function convTransposeWasm(
  info: ConvInfo,
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  out: Float32Array | null = null,
): Float32Array {
  if (!allFinite(weight) || mostlyPadding(info)) return convTransposeScatter(info, x, weight, bias, out);
  return info.stride.some((s) => s > 1)
    ? convTransposeSubPixel(info, x, weight, bias, out)
    : run(info, x, weight, bias, { into: out });
}

/**
 * How many times more (output, tap) pairs the gather formulations may visit than the scatter's
 * (input, tap) pairs before the scatter, slower per pair, is the faster one.
 */
const SCATTER_RATIO = 16;

/**
 * Whether the gather formulations (run, convTransposeSubPixel) would mostly multiply padding: an
 * output reads prod(k) / prod(s) taps, but on average only inPlane * prod(s) / outPlane of them
 * land on the input. When the kernel dwarfs the input (100,000 taps over 6 inputs) the padding is
 * nearly all the work, which grows as the square of the kernel; the scatter multiplies only real
 * (input, tap) pairs, which grow with the kernel.
 */
function mostlyPadding(info: ConvInfo): boolean {
  const product = (v: readonly number[]) => v.reduce((a, b) => a * b, 1);
  return product(info.outSize) > SCATTER_RATIO * product(info.inSize) * product(info.stride);
}

function allFinite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
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
  phase: number;
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
  for (let t = kernel - 1; t >= 0; t--) if (modulo(phase + padding - t * dilation, stride) === 0) taps.push(t);
  const step = stride / gcd(dilation, stride);
  const tLast = taps[0] ?? 0;
  return {
    phase,
    taps,
    step,
    dilation: (dilation * step) / stride,
    padBefore: -(phase + padding - tLast * dilation) / stride,
    count: out > phase ? Math.ceil((out - phase) / stride) : 0,
  };
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * a mod s in [0, s). Not ((a % s) + s) % s: past 2^53 a stride absorbs a small a (1e308 + 2 is
 * 1e308), which made every phase 0; a negative remainder plus a huge stride stays past any output.
 */
function modulo(a: number, s: number): number {
  const r = a % s;
  return r < 0 ? r + s : r;
}

/**
 * Along one dimension, the phases that have outputs and taps: tap t reaches phase (t d - p) mod s
 * only, so there are at most min(k, s, out) of them whatever the stride; `bare` tells whether some
 * phase with outputs has no tap (its outputs are the bias).
 */
function tappedPhases(
  stride: number,
  dilation: number,
  kernel: number,
  padding: number,
  out: number,
): { phases: PhaseTaps[]; bare: boolean } {
  const seen = new Set<number>();
  for (let t = 0; t < kernel; t++) {
    const phase = modulo(t * dilation - padding, stride);
    if (phase < out) seen.add(phase);
  }
  const phases = [...seen]
    .sort((a, b) => a - b)
    .map((phase) => phaseTaps(phase, stride, dilation, kernel, padding, out));
  return { phases, bare: phases.length < Math.min(stride, out) };
}

/**
 * A strided transposed convolution as ordinary convolutions, one per output phase that has taps,
 * each with its sub-kernel (phaseTaps), their outputs interleaved into y; the outputs no tap
 * reaches are the bias. It multiplies only what the zero-inserted form multiplies by non-zeros:
 * prod(s) times fewer multiply-adds, and its work and memory follow the output and the kernel,
 * not the stride.
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
  const outPlane = outSize.reduce((a, v) => a * v, 1);
  const outLen = n * f * outPlane;
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
  const perDim = outSize.map((o, i) =>
    tappedPhases(info.stride[i]!, info.dilation[i]!, kernel[i]!, info.padBefore[i]!, o),
  );
  if (perDim.some((d) => d.bare)) {
    // some outputs are reached by no tap: the bias everywhere first, the phases with taps overwrite theirs
    for (let b = 0; b < n * f; b++) f32.fill(bias ? bias[b % f]! : 0, yAt + b * outPlane, yAt + (b + 1) * outPlane);
  }
  // as 3-D (leading sizes 1): output size, and the stride as the scatter steps it (a stride past
  // the output is never stepped: a phase then has one output along that dimension)
  const pad3 = (v: readonly number[], fill: number) => [...Array<number>(lead).fill(fill), ...v];
  const s3 = pad3(
      info.stride.map((s, i) => Math.min(s, outSize[i]!)),
      1,
    ),
    o3 = pad3(outSize, 1);
  // every combination of one tapped phase per dimension (the last varies fastest)
  const combos = perDim.reduce<PhaseTaps[][]>(
    (acc, d) => acc.flatMap((prefix) => d.phases.map((p) => [...prefix, p])),
    [[]],
  );
  for (const dims of combos) {
    const counts = dims.map((d) => d.count);
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
    const zAt = run(phaseInfo, x, weight, bias, { view: true, scratchAt: at, xAt, wAt, weightTaps }).byteOffset / 4;
    // y[b, ..., q_i s_i + phase_i, ...] = z[b, ..., q_i, ...]
    const c3 = pad3(counts, 1),
      p3 = pad3(
        dims.map((d) => d.phase),
        0,
      );
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

/**
 * The definition, for a weight with a NaN or an infinity: each input value scattered through
 * the kernel, y[n, f, i s - p + t d] += x[n, c, i] w[c, f mod F/g, t] (as 3-D, leading sizes 1),
 * summed in float64 from the bias, so that only real (input, tap) pairs are multiplied.
 */
function convTransposeScatter(
  info: ConvInfo,
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  out: Float32Array | null,
): Float32Array {
  const { batch: N, inChannels: C, outChannels: F, groups: G } = info;
  const lead = 3 - info.inSize.length;
  const as3 = (v: readonly number[], fill: number) => [...Array<number>(lead).fill(fill), ...v];
  const [iD, iH, iW] = as3(info.inSize, 1) as [number, number, number];
  const [kD, kH, kW] = as3(info.kernelSize, 1) as [number, number, number];
  const [oD, oH, oW] = as3(info.outSize, 1) as [number, number, number];
  const [sD, sH, sW] = as3(info.stride, 1) as [number, number, number];
  const [dD, dH, dW] = as3(info.dilation, 1) as [number, number, number];
  const [pD, pH, pW] = as3(info.padBefore, 0) as [number, number, number];
  const cg = C / G,
    fg = F / G;
  const outPlane = oD * oH * oW;
  const acc = new Float64Array(N * F * outPlane);
  for (let n = 0; n < N; n++)
    for (let f = 0; f < F; f++) acc.fill(bias ? bias[f]! : 0, (n * F + f) * outPlane, (n * F + f + 1) * outPlane);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const f0 = Math.floor(c / cg) * fg;
      for (let id = 0; id < iD; id++)
        for (let ih = 0; ih < iH; ih++)
          for (let iw = 0; iw < iW; iw++) {
            const v = x[(((n * C + c) * iD + id) * iH + ih) * iW + iw]!;
            for (let f = 0; f < fg; f++)
              for (let a = 0; a < kD; a++) {
                const od = id * sD - pD + a * dD;
                if (od < 0 || od >= oD) continue;
                for (let b = 0; b < kH; b++) {
                  const oh = ih * sH - pH + b * dH;
                  if (oh < 0 || oh >= oH) continue;
                  for (let t = 0; t < kW; t++) {
                    const ow = iw * sW - pW + t * dW;
                    if (ow < 0 || ow >= oW) continue;
                    const w = weight[(((c * fg + f) * kD + a) * kH + b) * kW + t]!;
                    acc[(((n * F + f0 + f) * oD + od) * oH + oh) * oW + ow] += v * w;
                  }
                }
              }
          }
    }
  const y = out ?? new Float32Array(acc.length);
  y.set(acc);
  return y;
}
