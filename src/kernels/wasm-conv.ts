/**
 * The conv driver: one convolution on the kernels (assembly/convkit.ts).
 *
 * Per call the host copies x, the weights and the bias into the module's memory (x and weights
 * already there, made by toWasm, are read in place), writes the call's parameters (wasm-params.ts),
 * and runs pack (weights into MR-row panels, tap offsets, the prepped input) then gemm (the
 * micro-kernels) on one or more threads; the output is the one allocation: a copy out of the memory
 * (none for an `out` made by toWasm: the kernels write it). The memory is reused across calls and
 * grows on demand to what the call needs (wasm-engine.ts).
 */
import type { ConvInfo } from "../core/arithmetic.js";
import { PARAMS_OFFSET, SLACK, align4, ensureBytes, f32, i32, wasmEngineFor, type WasmEngine } from "./wasm-engine.js";
import { inPlaceAt, scratchStart } from "./wasm-heap.js";
import { Param } from "./wasm-params.js";

/**
 * A one-thread call of at least SLICED_MIN_MACS multiply-adds runs its gemm in SLICES pieces: V8
 * compiles a hot kernel with its optimizing tier in the background and only calls made after
 * that run the optimized code, so a large call in one piece would run the baseline code to its
 * end (time the second call of bench/run.mjs's workload a in a fresh process, in one piece and in
 * slices, to see it).
 */
const SLICES = 16,
  SLICED_MIN_MACS = 1_000_000;

/** What a parallel job's units are: gemm units (see units()) or input channels to prep. */
export const JOB_GEMM = 0,
  JOB_PREP = 1;
export type Job = typeof JOB_GEMM | typeof JOB_PREP;

/**
 * Runs a job's units over a pool of threads (wasm-threads.ts); buffers hold one strip buffer per
 * thread. With `outLength` > 0 it returns a fresh Float32Array of that length, allocated and
 * faulted in by the caller while the workers start on the job (a fresh allocation faults its pages
 * in on first write: as costly as the copy out); else null.
 */
export type ParallelRunner = (
  e: WasmEngine,
  job: Job,
  units: number,
  buffers: number,
  bufferBytes: number,
  outLength: number,
  feed?: Feed | null,
) => Float32Array | null;

/**
 * Copies the input of units [u0, u1) into the module's memory. Given to a job whose units are
 * input channels (the prep, depthwise gemm), it lets the caller copy x in slice by slice while
 * the workers start on the slices already there, instead of copying all of x first.
 */
export type Feed = (u0: number, u1: number) => void;
let parallel: ParallelRunner | null = null;
let parallelThreads = 1;
let parallelMinMacs = Infinity;

/** Installs the runner that spreads gemm work over `threads` threads for calls of at least minMacs MACs. */
export function setParallelRunner(runner: ParallelRunner | null, threads: number, minMacs: number): void {
  parallel = runner;
  parallelThreads = runner ? threads : 1;
  parallelMinMacs = minMacs;
}

/** Rows of the micro-kernel for a group of `fg` output channels: 1 (depthwise-like) or 4. */
function panelRows(fg: number): number {
  return fg <= 2 ? 1 : 4;
}

/** Where run() finds its input and leaves its output, beside the plain copy in and out. */
export interface RunOptions {
  /** Return a view of the output in the module's memory, valid until the next call (no copy out). */
  view?: boolean;
  /** Copy the output into this array (written directly when it is a resident array). */
  into?: Float32Array | null;
  /** Float offset where the call's scratch starts (default scratchStart()): memory below it is kept. */
  scratchAt?: number;
  /** Float offset where x already is (with SLACK after it): it is not copied in. */
  xAt?: number;
  /** Float offset where the weight already is: it is not copied in. */
  wAt?: number;
  /**
   * The weight is in transposed layout (C_in, C_out/g, ...kernel) and the conv's tap j reads its
   * tap origin - j step, per dimension (one phase of convTransposeSubPixel). Default: for a
   * transposed info, the flipped kernel (origin k - 1, step 1); else the conv layout, as is.
   */
  weightTaps?: { origin: readonly number[]; step: readonly number[]; kernel: readonly number[] };
}

/** The per-dimension fields of a call, and what the layout needs of them. */
interface CallShape {
  /** xp is x itself (no padding, stride or transposition): no prep. */
  identity: boolean;
  /** Kernel taps per channel, output positions per channel, floats per channel of xp and of x. */
  kvol: number;
  outPlane: number;
  channelStride: number;
  inPlane: number;
}

/**
 * Writes the per-dimension fields (1-D and 2-D run as 3-D with leading sizes of 1): kernel,
 * dilation, conv stride s, output size, input size, prep padding before pb (negative crops) and
 * prepped extent per phase q.
 * For a (stride-1) transposed call, the equivalent convolution: input padded by d (k - 1) - p
 * before and that plus outputPadding after, kernel flipped.
 */
function writeShape(info: ConvInfo): CallShape {
  const P = PARAMS_OFFSET / 4;
  const lead = 3 - info.inSize.length;
  let identity = !info.transposed;
  let kvol = 1,
    outPlane = 1,
    channelStride = 1,
    inPlane = 1;
  for (let i = 0; i < 3; i++) {
    const j = i - lead;
    const inSize = j < 0 ? 1 : info.inSize[j]!,
      kernel = j < 0 ? 1 : info.kernelSize[j]!,
      out = j < 0 ? 1 : info.outSize[j]!;
    const stride = j < 0 ? 1 : info.stride[j]!,
      dilation = j < 0 ? 1 : info.dilation[j]!;
    const before = j < 0 ? 0 : info.padBefore[j]!,
      after = j < 0 ? 0 : info.padAfter[j]!;
    const reach = dilation * (kernel - 1); // d (k - 1)
    let s = 1,
      pb: number,
      q: number;
    if (info.transposed) {
      // stride 1 only (strided ones go through convTransposeSubPixel): pad d (k - 1) - p, flipped kernel
      if (stride !== 1) throw new Error(`${info.op}: internal: a strided transposed conv reached run()`);
      pb = reach - before;
      q = out + reach; // padded extent, convolved with stride 1
    } else {
      // one output along a dimension never steps: its stride need not split xp into s phases
      // (a huge stride would size xp by it, not by the input)
      s = out === 1 ? 1 : stride;
      pb = before;
      q = Math.ceil((before + inSize + after) / s);
      if (stride !== 1 || before !== 0 || after !== 0) identity = false;
    }
    i32[P + Param.KD + i] = kernel;
    i32[P + Param.DD + i] = dilation;
    i32[P + Param.SD + i] = s;
    i32[P + Param.OD + i] = out;
    i32[P + Param.QD + i] = q;
    i32[P + Param.ID + i] = inSize;
    i32[P + Param.PD + i] = pb;
    kvol *= kernel;
    outPlane *= out;
    channelStride *= s * q;
    inPlane *= inSize;
  }
  if (identity) {
    // xp is x itself: prepped extents are the input's
    for (let i = 0; i < 3; i++) i32[P + Param.QD + i] = i32[P + Param.ID + i]!;
    channelStride = inPlane;
  }
  return { identity, kvol, outPlane, channelStride, inPlane };
}

/** Where a call's arrays sit in the memory (float offsets), and how it runs. */
interface CallLayout {
  /** Resident (or given) places of x, weight and y; -1 where they are copied. */
  xHere: number;
  wHere: number;
  yHere: number;
  xAt: number;
  wAt: number;
  biasAt: number;
  apAt: number;
  offAt: number;
  xpAt: number;
  yAt: number;
  bufAt: number;
  bufFloats: number;
  /** Rows of the micro-kernel's panels, and panels per group. */
  mr: number;
  panels: number;
  /** Depthwise-like: each thread preps one channel at a time into its buffer. */
  fused: boolean;
  threads: number;
  /** Threaded calls copy x in as their first job runs (Feed), not before. */
  feedX: boolean;
  outLen: number;
  /** Multiply-adds of the call. */
  macs: number;
}

/**
 * Lays the call's buffers out from the scratch start (each 16-byte aligned), resident arrays
 * where they are, grows the memory to hold them, and copies x, the weight and the bias in.
 *   x (N, C, ...in) + slack | weight | bias (F + 8) | ap (G, panels, K, MR) | off (K) |
 *   xp (N, C, channelStride) + slack | y (N, F, ...out) | one buffer per thread
 */
function layOut(
  e: WasmEngine,
  info: ConvInfo,
  shape: CallShape,
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  { into = null, scratchAt, xAt: xGiven, wAt: wGiven }: RunOptions,
): CallLayout {
  const { batch: n, inChannels: c, outChannels: f, groups: g } = info;
  const { identity, channelStride } = shape;
  const k = (c / g) * shape.kvol;
  const mr = panelRows(f / g);
  const panels = Math.ceil(f / g / mr);
  const outLen = n * f * shape.outPlane;
  let at = scratchAt ?? scratchStart();
  const xHere = inPlaceAt(x, xGiven),
    wHere = inPlaceAt(weight, wGiven),
    yHere = inPlaceAt(into);
  const xAt = xHere >= 0 ? xHere : at;
  if (xHere < 0) at = align4(at + x.length + SLACK);
  const wAt = wHere >= 0 ? wHere : at;
  if (wHere < 0) at = align4(at + weight.length);
  const biasAt = at;
  at = align4(at + f + 8);
  const apAt = at;
  at = align4(at + g * panels * k * mr);
  const offAt = at;
  at = align4(at + k);
  // depthwise-like convs prep one channel at a time into each thread's buffer (kernel 1x32)
  const fused = mr === 1 && c / g === 1 && !identity;
  const xpAt = identity || fused ? xAt : at;
  if (!identity && !fused) at = align4(at + n * c * channelStride + SLACK);
  const yAt = yHere >= 0 ? yHere : at;
  if (yHere < 0) at = align4(at + outLen);
  const macs = outLen * k;
  const threads = parallel && macs >= parallelMinMacs ? parallelThreads : 1;
  // per thread: a packed strip (K x 8) or 32 floats of tile; fused: one prepped channel + slack +
  // tile + a word saying whether the buffer holds a prepped channel of this call yet
  const bufFloats = align4(fused ? channelStride + SLACK + 64 + 1 : Math.max(k * 8 + 16, 48));
  const bufAt = at;
  at += threads * bufFloats;
  ensureBytes(info.op, e, at * 4);
  if (fused) for (let t = 0; t < threads; t++) i32[bufAt + t * bufFloats + channelStride + SLACK + 64] = 0;

  const feedX = threads > 1 && !identity && xHere < 0;
  if (!feedX && xHere < 0) f32.set(x, xAt);
  if (wHere < 0) f32.set(weight, wAt);
  if (bias) f32.set(bias, biasAt);
  f32.fill(0, bias ? biasAt + f : biasAt, biasAt + f + 8);
  return {
    xHere,
    wHere,
    yHere,
    xAt,
    wAt,
    biasAt,
    apAt,
    offAt,
    xpAt,
    yAt,
    bufAt,
    bufFloats,
    mr,
    panels,
    fused,
    threads,
    feedX,
    outLen,
    macs,
  };
}

/** Writes the rest of the parameter block: sizes, buffer addresses (bytes) and path flags. */
function writeCall(
  info: ConvInfo,
  shape: CallShape,
  l: CallLayout,
  weightTaps: RunOptions["weightTaps"] | undefined,
): void {
  const P = PARAMS_OFFSET / 4;
  const { batch: n, inChannels: c, outChannels: f, groups: g } = info;
  i32[P + Param.N] = n;
  i32[P + Param.G] = g;
  i32[P + Param.CG] = c / g;
  i32[P + Param.FG] = f / g;
  i32[P + Param.XP] = l.xpAt * 4;
  i32[P + Param.AP] = l.apAt * 4;
  i32[P + Param.BIAS] = l.biasAt * 4;
  i32[P + Param.Y] = l.yAt * 4;
  i32[P + Param.OFF] = l.offAt * 4;
  i32[P + Param.BUF] = l.bufAt * 4;
  i32[P + Param.X] = l.xAt * 4;
  i32[P + Param.WPTR] = l.wAt * 4;
  i32[P + Param.MR] = l.mr;
  const taps =
    weightTaps ??
    (info.transposed
      ? { origin: info.kernelSize.map((k) => k - 1), step: info.kernelSize.map(() => 1), kernel: info.kernelSize }
      : null);
  i32[P + Param.TRANSPOSED] = taps ? 1 : 0;
  if (taps) {
    const lead = 3 - info.inSize.length;
    for (let i = 0; i < 3; i++) {
      const j = i - lead;
      i32[P + Param.T0D + i] = j < 0 ? 0 : taps.origin[j]!;
      i32[P + Param.STD + i] = j < 0 ? 1 : taps.step[j]!;
      i32[P + Param.K0D + i] = j < 0 ? 1 : taps.kernel[j]!;
    }
  }
  i32[P + Param.IDENTITY] = shape.identity ? 1 : 0;
  // pack strips of B when enough panels reuse them (dense convs); grouped/depthwise read xp directly
  i32[P + Param.PACKB] = l.mr === 4 && l.panels >= 4 ? 1 : 0;
  i32[P + Param.FUSED] = l.fused ? 1 : 0;
}

/**
 * Lays one call out in memory, runs it and copies the output out (see RunOptions for the other
 * places the output can go).
 */
export function run(
  info: ConvInfo,
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  options: RunOptions = {},
): Float32Array {
  const e = wasmEngineFor(info.op);
  const shape = writeShape(info);
  const layout = layOut(e, info, shape, x, weight, bias, options);
  writeCall(info, shape, layout, options.weightTaps);
  return layout.threads > 1 ? runThreaded(e, info, shape, layout, x, options) : runHere(e, layout, options);
}

/** The call over the thread pool: the prep split by channels, then the gemm units. */
function runThreaded(
  e: WasmEngine,
  info: ConvInfo,
  shape: CallShape,
  l: CallLayout,
  x: Float32Array,
  { view = false, into = null }: RunOptions,
): Float32Array {
  const { identity, inPlane } = shape;
  const { fused, feedX, xAt, yAt, outLen } = l;
  e.exports.packWeights(PARAMS_OFFSET);
  const feed: Feed = (u0, u1) => f32.set(x.subarray(u0 * inPlane, u1 * inPlane), xAt + u0 * inPlane);
  if (!identity && !fused) parallel!(e, JOB_PREP, info.batch * info.inChannels, 0, 0, 0, feedX ? feed : null);
  // depthwise-like gemm units are (n, g) = input channels: they take the feed themselves
  const out =
    parallel!(
      e,
      JOB_GEMM,
      e.exports.units(PARAMS_OFFSET),
      l.bufAt * 4,
      l.bufFloats * 4,
      view || into ? 0 : outLen,
      fused && feedX ? feed : null,
    ) ?? into;
  if (l.yHere >= 0) return into!;
  if (!out) return f32.subarray(yAt, yAt + outLen);
  out.set(f32.subarray(yAt, yAt + outLen));
  return out;
}

/** The call on the calling thread; a large one in slices (SLICES). */
function runHere(e: WasmEngine, l: CallLayout, { view = false, into = null }: RunOptions): Float32Array {
  const { yAt, outLen } = l;
  if (l.macs < SLICED_MIN_MACS) {
    e.exports.conv(PARAMS_OFFSET, l.bufAt * 4);
  } else {
    e.exports.pack(PARAMS_OFFSET);
    const units = e.exports.units(PARAMS_OFFSET),
      slice = Math.ceil(units / SLICES);
    for (let u = 0; u < units; u += slice) e.exports.gemm(PARAMS_OFFSET, u, Math.min(u + slice, units), l.bufAt * 4);
  }
  if (into) {
    if (l.yHere < 0) into.set(f32.subarray(yAt, yAt + outLen));
    return into;
  }
  if (view) return f32.subarray(yAt, yAt + outLen);
  // out of the memory by new + set() (a memcpy), never f32.slice(): V8 slices a view of a shared
  // buffer value by value
  const y = new Float32Array(outLen);
  y.set(f32.subarray(yAt, yAt + outLen));
  return y;
}

/** x (N, C_in, ...in), weight (C_out, C_in/g, ...k), bias (C_out) -> y (N, C_out, ...out); zero padding; into `out` if given. */
export function convWasm(
  info: ConvInfo,
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  out: Float32Array | null = null,
): Float32Array {
  return run(info, x, weight, bias, { into: out });
}
