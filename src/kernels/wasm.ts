/**
 * The "wasm" backend: convkit's WebAssembly SIMD kernels (assembly/convkit.ts) driven from JS.
 *
 * Per call the host copies x, the weights and the bias into the module's memory (x and weights
 * already there, made by toWasm, are read in place), writes the call's parameters, and runs pack
 * (weights into MR-row panels, tap offsets, the prepped input) then gemm (the micro-kernels) on one
 * or more threads; the output is the one allocation: a copy out of the memory (none for an `out`
 * made by toWasm: the kernels write it). The memory is reused across calls and grows on demand
 * (wasmMemoryBytes()).
 *
 * Layout of the memory (bytes):
 *   [0, 256)          unused
 *   [256, 512)        parameters of the current call (i32 slots, Param below)
 *   [1024, 2048)      thread control words (wasm-threads.ts)
 *   [65536, heapTop)  resident arrays (toWasm, wasm-tensors.ts): blocks that outlive calls
 *   [heapTop, ...)    x | weight | bias | packed weights | tap offsets | prepped input | y |
 *                     one buffer per thread: a packed strip (K x 8 floats) and a small tile, or,
 *                     for depthwise-like convs, one prepped channel
 * Everything from heapTop on is laid out afresh by each call. An x, weight or output that is a
 * resident array is not copied: the call passes its address instead.
 */
import type { ConvInfo } from "../core/arithmetic.js";
import { ConvError } from "../core/errors.js";
import { reluReference } from "./reference.js";
import { wasmBinary } from "./wasm-binary.js";

/** Parameter slots (i32 index from PARAMS_OFFSET), in the order assembly/convkit.ts reads them. */
export const Param = {
  // batch, groups, channels per group (in, out); kernel size and dilation (depth, height, width)
  N: 0,
  G: 1,
  CG: 2,
  FG: 3,
  KD: 4,
  KH: 5,
  KW: 6,
  DD: 7,
  DH: 8,
  DW: 9,
  // conv stride, output size, prepped extent per stride phase
  SD: 10,
  SH: 11,
  SW: 12,
  OD: 13,
  OH: 14,
  OW: 15,
  DQ: 16,
  HQ: 17,
  WQ: 18,
  // byte offsets: prepped input, packed weights, bias, output, tap offsets, thread buffers, input
  XP: 19,
  AP: 20,
  BIAS: 21,
  Y: 22,
  OFF: 23,
  BUF: 24,
  X: 25,
  // input size, (29-31 unused), prep padding before (may be negative)
  ID: 26,
  IH: 27,
  IW: 28,
  PD: 32,
  PH: 33,
  PW: 34,
  // raw weights; flags: transposed weight layout, panel rows, xp is x, packed strips, fused prep
  WPTR: 35,
  TRANSPOSED: 36,
  MR: 37,
  IDENTITY: 38,
  PACKB: 39,
  FUSED: 40,
  // transposed weight layout (C, F/g, ...k0): the conv's tap j reads tap T0 - j ST (per dimension)
  T0D: 41,
  STD: 44,
  K0D: 47,
} as const;

export const PARAMS_OFFSET = 256;
export const CONTROL_OFFSET = 1024;
export const MAX_THREADS = 60;
const DATA_OFFSET = 65536;
const PAGE = 65536;
/** Largest memory the kernels address (their offsets are 32-bit signed). */
export const MAX_MEMORY_BYTES = 2 ** 31 - PAGE;
/** Floats of slack after x and xp: a strip may read up to 31 positions past the last valid one. */
const SLACK = 64;
/** Pieces a one-thread call of at least SLICED_MIN_MACS multiply-adds runs its gemm in (see run()). */
const SLICES = 16,
  SLICED_MIN_MACS = 1_000_000;

/** The exports of assembly/convkit.ts. */
export interface KernelExports {
  pack(params: number): void;
  packWeights(params: number): void;
  prepChannels(params: number, nc0: number, nc1: number): void;
  units(params: number): number;
  gemm(params: number, u0: number, u1: number, buf: number): void;
  conv(params: number, buf: number): void;
  scatterPhase(
    z: number,
    y: number,
    planes: number,
    cD: number,
    cH: number,
    cW: number,
    sD: number,
    sH: number,
    sW: number,
    oD: number,
    oH: number,
    oW: number,
    pD: number,
    pH: number,
    pW: number,
  ): void;
  relu(x: number, y: number, n: number): void;
}

/**
 * The kernels, compiled and instantiated over one memory: the mul+add build, and the relaxed-SIMD
 * FMA build where the runtime has relaxed SIMD. `exports` and `fma` are the build calls use
 * (setWasmFma switches them); workers instantiate both builds and run the one a job names.
 */
export interface WasmEngine {
  readonly module: WebAssembly.Module;
  readonly fmaModule: WebAssembly.Module | null;
  readonly memory: WebAssembly.Memory;
  readonly shared: boolean;
  readonly plainExports: KernelExports;
  readonly fmaExports: KernelExports | null;
  exports: KernelExports;
  fma: boolean;
}

/** True where WebAssembly SIMD128 is available (validates a 1-function module using i8x16.popcnt). */
export function wasmSimdSupported(): boolean {
  try {
    if (typeof WebAssembly !== "object" || typeof WebAssembly.validate !== "function") return false;
    // (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)
    return WebAssembly.validate(
      new Uint8Array([
        0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
      ]),
    );
  } catch {
    return false;
  }
}

/**
 * True where WebAssembly relaxed SIMD is available (validates a 1-function module using
 * f32x4.relaxed_madd): Chromium 114+, Node 22+; Node 20 with --experimental-wasm-relaxed-simd.
 */
export function wasmFmaSupported(): boolean {
  try {
    if (!wasmSimdSupported()) return false;
    // (func (result v128) (f32x4.relaxed_madd (i8x16.splat (i32.const 0)) x3))
    const splat = [65, 0, 253, 15];
    return WebAssembly.validate(
      new Uint8Array([
        0,
        97,
        115,
        109,
        1,
        0,
        0,
        0,
        1,
        5,
        1,
        96,
        0,
        1,
        123,
        3,
        2,
        1,
        0,
        10,
        19,
        1,
        17,
        0,
        ...splat,
        ...splat,
        ...splat,
        253,
        133,
        2,
        11,
      ]),
    );
  } catch {
    return false;
  }
}

/** Shared memory is used where worker threads can share it: Node (and cross-origin isolated pages). */
function wantsSharedMemory(): boolean {
  const g = globalThis as { process?: { versions?: { node?: string } }; crossOriginIsolated?: boolean };
  return (
    typeof SharedArrayBuffer === "function" &&
    (g.process?.versions?.node !== undefined || g.crossOriginIsolated === true)
  );
}

let engine: WasmEngine | null | undefined;
let loadError = "";
/** Whether calls use the FMA build where it loaded (setWasmFma). */
let fmaWanted = true;

function createEngine(): WasmEngine | null {
  if (!wasmSimdSupported()) {
    loadError = "this runtime has no WebAssembly SIMD";
    return null;
  }
  // the shared build where threads could use it, else (or if that fails) the ordinary one
  const errors: string[] = [];
  for (const shared of wantsSharedMemory() ? [true, false] : [false]) {
    const bytes = wasmBinary(shared);
    if (!bytes) {
      loadError = "the kernels are not built (run `npm run build:lib`, which compiles assembly/ into lib/kernels/)";
      return null;
    }
    try {
      const module = new WebAssembly.Module(bytes as BufferSource);
      const maximum = MAX_MEMORY_BYTES / PAGE + 1;
      const memory = new WebAssembly.Memory(shared ? { initial: 2, maximum, shared: true } : { initial: 2, maximum });
      const instantiate = (m: WebAssembly.Module) =>
        new WebAssembly.Instance(m, { env: { memory } }).exports as unknown as KernelExports;
      const plainExports = instantiate(module);
      // the FMA build where relaxed SIMD validates (a runtime that fails to load it runs mul+add)
      let fmaModule: WebAssembly.Module | null = null,
        fmaExports: KernelExports | null = null;
      const fmaBytes = wasmFmaSupported() ? wasmBinary(shared, true) : null;
      if (fmaBytes) {
        try {
          fmaModule = new WebAssembly.Module(fmaBytes as BufferSource);
          fmaExports = instantiate(fmaModule);
        } catch {
          fmaModule = fmaExports = null;
        }
      }
      const fma = fmaWanted && fmaExports !== null;
      return {
        module,
        fmaModule,
        memory,
        shared,
        plainExports,
        fmaExports,
        exports: fma ? fmaExports! : plainExports,
        fma,
      };
    } catch (error) {
      errors.push(`${shared ? "shared" : "ordinary"} memory: ${(error as Error).message}`);
    }
  }
  loadError = `the kernels failed to load (${errors.join("; ")})`;
  return null;
}

/** The engine, compiled and instantiated on first use; null where it cannot run. */
export function wasmEngine(): WasmEngine | null {
  if (engine === undefined) engine = createEngine();
  return engine;
}

/** Whether the wasm backend can run here (SIMD present and the kernels built). */
export function wasmAvailable(): boolean {
  return wasmEngine() !== null;
}

/** Why the wasm backend cannot run here ("" when it can). */
export function wasmUnavailableReason(): string {
  return wasmEngine() ? "" : loadError;
}

/**
 * Whether calls use the kernels' fused multiply-add build (f32x4.relaxed_madd; 11-22% faster
 * here on dense and grouped convs, 5-9% on depthwise) or f32x4 mul + add. On by default where
 * the runtime has relaxed SIMD. FMA rounds once where mul + add rounds twice, so results differ
 * in the last bits between the two (both are within the tests' 1e-4 of the reference); turn it
 * off for results bitwise equal to those of a runtime without relaxed SIMD. Thread counts never
 * change results.
 */
export function setWasmFma(enabled: boolean): void {
  if (typeof enabled !== "boolean")
    throw new ConvError("setWasmFma", `enabled must be true or false, got ${JSON.stringify(enabled)}`);
  const e = wasmEngine();
  if (enabled && (!e || !e.fmaExports)) {
    const why = !e
      ? `the wasm backend is unavailable: ${loadError}`
      : "this runtime has no WebAssembly relaxed SIMD (Chromium 114+ and Node 22+ have it; Node 20 with --experimental-wasm-relaxed-simd)";
    throw new ConvError("setWasmFma", `cannot use fused multiply-add: ${why}`);
  }
  fmaWanted = enabled;
  if (e) {
    e.fma = enabled;
    e.exports = enabled ? e.fmaExports! : e.plainExports;
  }
}

/** Whether wasm calls run the fused multiply-add build (see setWasmFma). */
export function getWasmFma(): boolean {
  return wasmEngine()?.fma ?? false;
}

/** Bytes of WebAssembly memory the engine holds (0 before its first call). It only grows. */
export function wasmMemoryBytes(): number {
  return engine ? engine.memory.buffer.byteLength : 0;
}

// Views over the memory, made again when ensureBytes grows it (growing replaces the buffer, and
// nothing else grows it: the kernels allocate nothing). They are not checked against
// memory.buffer on every call: that getter costs about 0.1 us on a shared memory.
let f32 = new Float32Array(0);
let i32 = new Int32Array(0);

function views(e: WasmEngine): void {
  f32 = new Float32Array(e.memory.buffer);
  i32 = new Int32Array(e.memory.buffer);
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);

function ensureBytes(op: string, e: WasmEngine, bytes: number): void {
  if (bytes > MAX_MEMORY_BYTES) {
    throw new ConvError(
      op,
      `the wasm backend needs ${mib(bytes)} MiB of WebAssembly memory for this call, more than its 2 GiB limit; run it with { backend: "reference" }`,
    );
  }
  if (bytes <= f32.byteLength) return;
  const have = e.memory.buffer.byteLength;
  if (bytes > have) {
    try {
      e.memory.grow(Math.ceil((bytes - have) / PAGE));
    } catch (error) {
      throw new ConvError(
        op,
        `the wasm backend could not grow its WebAssembly memory from ${mib(have)} to ${mib(bytes)} MiB (${(error as Error).message}); run it with { backend: "reference" }`,
      );
    }
  }
  views(e);
}

// ---- Resident arrays: blocks of the memory that outlive calls -----------------------------------
// A call's scratch starts at heapTop, above every live block. Blocks are freed only on request
// (freeResident): a block freed by garbage collection could be reused while a subarray of its
// view, which does not keep the view alive, still reads it.

/** A block held by a resident array: byte offset and size (its floats plus SLACK, 16-byte aligned). */
interface Block {
  at: number;
  bytes: number;
}
const residentBlocks = new WeakMap<Float32Array, Block>();
const freedArrays = new WeakSet<Float32Array>();
/** Free blocks below heapTop, by address, none adjacent to another. */
const freeBlocks: Block[] = [];
/** Where the resident heap ends and each call's scratch begins (bytes, 16-byte aligned). */
let heapTop = DATA_OFFSET;
let residentBytes = 0;

/**
 * A Float32Array of `length` zeros in the module's memory that stays there until freeResident:
 * calls read it as x or weight, and write it as the output, in place. Null where the memory is
 * not shared: growing an unshared memory detaches its buffer, and with it every view.
 */
export function allocResident(op: string, length: number): Float32Array | null {
  const e = wasmEngine();
  if (!e || !e.shared) return null;
  if (f32.length === 0) views(e);
  const bytes = align4(length + SLACK) * 4;
  let at = -1;
  // first fit among the free blocks, else on top of the heap
  for (let i = 0; i < freeBlocks.length; i++) {
    const free = freeBlocks[i]!;
    if (free.bytes < bytes) continue;
    at = free.at;
    if (free.bytes === bytes) freeBlocks.splice(i, 1);
    else {
      free.at += bytes;
      free.bytes -= bytes;
    }
    break;
  }
  if (at < 0) {
    if (heapTop + bytes > MAX_MEMORY_BYTES) {
      throw new ConvError(
        op,
        `${mib(length * 4)} MiB more in wasm memory would pass the wasm backend's 2 GiB limit (tensors in wasm hold ${mib(residentBytes)} MiB; disposeWasm frees them)`,
      );
    }
    ensureBytes(op, e, heapTop + bytes);
    at = heapTop;
    heapTop += bytes;
  }
  // blocks are reused and calls scribble above heapTop: zero it, as a fresh array would be
  f32.fill(0, at / 4, at / 4 + length);
  const view = new Float32Array(e.memory.buffer, at, length);
  residentBlocks.set(view, { at, bytes });
  residentBytes += bytes;
  return view;
}

/** Gives a resident array's block back (false if `view` is not one); later calls may reuse it. */
export function freeResident(view: Float32Array): boolean {
  const block = residentBlocks.get(view);
  if (!block) return false;
  residentBlocks.delete(view);
  freedArrays.add(view);
  residentBytes -= block.bytes;
  // insert by address, merging with the free neighbours
  let i = 0;
  while (i < freeBlocks.length && freeBlocks[i]!.at < block.at) i++;
  freeBlocks.splice(i, 0, { ...block });
  if (i + 1 < freeBlocks.length && freeBlocks[i]!.at + freeBlocks[i]!.bytes === freeBlocks[i + 1]!.at) {
    freeBlocks[i]!.bytes += freeBlocks[i + 1]!.bytes;
    freeBlocks.splice(i + 1, 1);
  }
  if (i > 0 && freeBlocks[i - 1]!.at + freeBlocks[i - 1]!.bytes === freeBlocks[i]!.at) {
    freeBlocks[i - 1]!.bytes += freeBlocks[i]!.bytes;
    freeBlocks.splice(i, 1);
  }
  // a free block at the top of the heap goes back to the scratch
  const top = freeBlocks[freeBlocks.length - 1];
  if (top && top.at + top.bytes === heapTop) {
    heapTop = top.at;
    freeBlocks.pop();
  }
  return true;
}

/**
 * Float offset where the kernels can read or write `array` in place: `given` (where the caller
 * put it), else a live resident array's block; -1 when it must be laid out and copied.
 */
function inPlaceAt(array: Float32Array | null, given?: number): number {
  if (given !== undefined) return given;
  const block = array && residentBlocks.get(array);
  return block ? block.at / 4 : -1;
}

/** Whether `view` is a live resident array / one that has been freed. */
export const isResident = (view: Float32Array): boolean => residentBlocks.has(view);
export const isFreedResident = (view: Float32Array): boolean => freedArrays.has(view);

/** Bytes held by live resident arrays (their blocks, slack included). */
export function wasmResidentBytes(): number {
  return residentBytes;
}

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
interface RunOptions {
  /** Return a view of the output in the module's memory, valid until the next call (no copy out). */
  view?: boolean;
  /** Copy the output into this array (written directly when it is a resident array). */
  into?: Float32Array | null;
  /** Float offset where the call's scratch starts (default heapTop): memory below it is kept. */
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

/**
 * Lays one call out in memory, runs it and copies the output out (see RunOptions for the other
 * places the output can go).
 * For a (stride-1) transposed call, the equivalent convolution is run: input padded by
 * d (k - 1) - p before and that plus outputPadding after, kernel flipped.
 */
function run(
  info: ConvInfo,
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  { view = false, into = null, scratchAt, xAt: xGiven, wAt: wGiven, weightTaps }: RunOptions = {},
): Float32Array {
  const e = wasmEngine();
  if (!e) throw new ConvError(info.op, `the wasm backend is unavailable: ${loadError}`);
  const { batch: n, inChannels: c, outChannels: f, groups: g, transposed } = info;
  const P = PARAMS_OFFSET / 4;
  if (f32.length === 0) views(e); // first call: the parameters are written before ensureBytes

  // Per dimension (1-D and 2-D run as 3-D with leading sizes of 1): conv stride s, input dilation
  // u, prep padding before pb (negative crops), prepped extent per phase q; written as params.
  const lead = 3 - info.inSize.length;
  let identity = !transposed;
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
    if (transposed) {
      // stride 1 only (strided ones go through convTransposeSubPixel): pad d (k - 1) - p, flipped kernel
      if (stride !== 1) throw new Error(`${info.op}: internal: a strided transposed conv reached run()`);
      pb = reach - before;
      q = out + reach; // padded extent, convolved with stride 1
    } else {
      s = stride;
      pb = before;
      q = Math.ceil((before + inSize + after) / s);
      if (s !== 1 || before !== 0 || after !== 0) identity = false;
    }
    i32[P + Param.KD + i] = kernel;
    i32[P + Param.DD + i] = dilation;
    i32[P + Param.SD + i] = s;
    i32[P + Param.OD + i] = out;
    i32[P + Param.DQ + i] = q;
    i32[P + Param.ID + i] = inSize;
    i32[P + Param.PD + i] = pb;
    kvol *= kernel;
    outPlane *= out;
    channelStride *= s * q;
    inPlane *= inSize;
  }
  if (identity) {
    // xp is x itself: prepped extents are the input's
    for (let i = 0; i < 3; i++) i32[P + Param.DQ + i] = i32[P + Param.ID + i]!;
    channelStride = inPlane;
  }
  const cg = c / g,
    fg = f / g;
  const k = cg * kvol;
  const mr = panelRows(fg);
  const panels = Math.ceil(fg / mr);
  const inLen = x.length,
    outLen = n * f * outPlane;

  // Buffers, in floats from heapTop (each 16-byte aligned); resident arrays are used where they are.
  let at = scratchAt ?? heapTop / 4;
  const xHere = inPlaceAt(x, xGiven),
    wHere = inPlaceAt(weight, wGiven),
    yHere = inPlaceAt(into);
  const xAt = xHere >= 0 ? xHere : at;
  if (xHere < 0) at = align4(at + inLen + SLACK);
  const wAt = wHere >= 0 ? wHere : at;
  if (wHere < 0) at = align4(at + weight.length);
  const biasAt = at;
  at = align4(at + f + 8);
  const apAt = at;
  at = align4(at + g * panels * k * mr);
  const offAt = at;
  at = align4(at + k);
  // depthwise-like convs prep one channel at a time into each thread's buffer (kernel 1x32)
  const fused = mr === 1 && cg === 1 && !identity;
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

  // threaded calls whose first job runs by input channel copy x in as that job runs (Feed)
  const feedX = threads > 1 && !identity && xHere < 0;
  if (!feedX && xHere < 0) f32.set(x, xAt);
  if (wHere < 0) f32.set(weight, wAt);
  if (bias) f32.set(bias, biasAt);
  f32.fill(0, bias ? biasAt + f : biasAt, biasAt + f + 8);

  i32[P + Param.N] = n;
  i32[P + Param.G] = g;
  i32[P + Param.CG] = cg;
  i32[P + Param.FG] = fg;
  i32[P + Param.XP] = xpAt * 4;
  i32[P + Param.AP] = apAt * 4;
  i32[P + Param.BIAS] = biasAt * 4;
  i32[P + Param.Y] = yAt * 4;
  i32[P + Param.OFF] = offAt * 4;
  i32[P + Param.BUF] = bufAt * 4;
  i32[P + Param.X] = xAt * 4;
  i32[P + Param.WPTR] = wAt * 4;
  i32[P + Param.MR] = mr;
  const taps =
    weightTaps ??
    (transposed
      ? { origin: info.kernelSize.map((k) => k - 1), step: info.kernelSize.map(() => 1), kernel: info.kernelSize }
      : null);
  i32[P + Param.TRANSPOSED] = taps ? 1 : 0;
  if (taps) {
    for (let i = 0; i < 3; i++) {
      const j = i - lead;
      i32[P + Param.T0D + i] = j < 0 ? 0 : taps.origin[j]!;
      i32[P + Param.STD + i] = j < 0 ? 1 : taps.step[j]!;
      i32[P + Param.K0D + i] = j < 0 ? 1 : taps.kernel[j]!;
    }
  }
  i32[P + Param.IDENTITY] = identity ? 1 : 0;
  // pack strips of B when enough panels reuse them (dense convs); grouped/depthwise read xp directly
  i32[P + Param.PACKB] = mr === 4 && panels >= 4 ? 1 : 0;
  i32[P + Param.FUSED] = fused ? 1 : 0;

  if (threads > 1) {
    // the prep (one pass over the input) is split over the threads too, by channels
    e.exports.packWeights(PARAMS_OFFSET);
    const feed: Feed = (u0, u1) => f32.set(x.subarray(u0 * inPlane, u1 * inPlane), xAt + u0 * inPlane);
    if (!identity && !fused) parallel!(e, JOB_PREP, n * c, 0, 0, 0, feedX ? feed : null);
    // depthwise-like gemm units are (n, g) = input channels: they take the feed themselves
    const out =
      parallel!(
        e,
        JOB_GEMM,
        e.exports.units(PARAMS_OFFSET),
        bufAt * 4,
        bufFloats * 4,
        view || into ? 0 : outLen,
        fused && feedX ? feed : null,
      ) ?? into;
    if (yHere >= 0) return into!;
    if (!out) return f32.subarray(yAt, yAt + outLen);
    out.set(f32.subarray(yAt, yAt + outLen));
    return out;
  }
  if (macs < SLICED_MIN_MACS) {
    e.exports.conv(PARAMS_OFFSET, bufAt * 4);
  } else {
    // a large call runs in slices: V8 compiles a hot kernel with its optimizing tier in the
    // background (gemm: ~17 ms here) and only calls made after that run the optimized code, so a
    // call in one piece runs the baseline code to its end (workload a's second call: 19 ms in one
    // piece, 6.4 ms in slices; 6.1 once warm)
    e.exports.pack(PARAMS_OFFSET);
    const units = e.exports.units(PARAMS_OFFSET),
      slice = Math.ceil(units / SLICES);
    for (let u = 0; u < units; u += slice) e.exports.gemm(PARAMS_OFFSET, u, Math.min(u + slice, units), bufAt * 4);
  }
  if (into) {
    if (yHere < 0) into.set(f32.subarray(yAt, yAt + outLen));
    return into;
  }
  if (view) return f32.subarray(yAt, yAt + outLen);
  // a fresh array filled by set(), not f32.slice(): V8 slices a shared buffer value by value,
  // 0.8 MB in 110 us against 77 us for new + set (which copies as memcpy does)
  const y = new Float32Array(outLen);
  y.set(f32.subarray(yAt, yAt + outLen));
  return y;
}

/** Elements below which relu stays a JS loop (the copies in and out would cost more than they save). */
export const RELU_WASM_MIN = 4096;

/**
 * relu(x) on the kernels' integer SIMD (bitwise the reference loop's result, NaNs included), into
 * a fresh array: 4-10x the JS loop on MobileNet's activations here, the copies in and out
 * included (V8 runs the loop at 1.4-8 ns per element). x is read where it is when it lives in
 * wasm memory.
 * Small arrays, and a call that would need more memory than the engine can get, run the loop.
 */
export function reluWasm(x: Float32Array): Float32Array {
  const e = wasmEngine();
  if (!e || x.length < RELU_WASM_MIN) return reluReference(x);
  if (f32.length === 0) views(e);
  const n = x.length;
  const xHere = inPlaceAt(x);
  const xAt = xHere >= 0 ? xHere : heapTop / 4;
  const yAt = xHere >= 0 ? heapTop / 4 : align4(xAt + n);
  try {
    ensureBytes("relu", e, (yAt + n) * 4);
  } catch (error) {
    if (error instanceof ConvError) return reluReference(x);
    throw error;
  }
  if (xHere < 0) f32.set(x, xAt);
  e.exports.relu(xAt * 4, yAt * 4, n);
  const y = new Float32Array(n);
  y.set(f32.subarray(yAt, yAt + n));
  return y;
}

/** Rounds a float count up to a multiple of 4 (16 bytes); plain arithmetic, counts may pass 2^31. */
const align4 = (v: number): number => Math.ceil(v / 4) * 4;

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
  const e = wasmEngine();
  if (!e) throw new ConvError(info.op, `the wasm backend is unavailable: ${loadError}`);
  if (f32.length === 0) views(e);
  const rank = info.inSize.length,
    lead = 3 - rank;
  const { batch: n, outChannels: f } = info;
  const outSize = info.outSize,
    kernel = info.kernelSize;
  const outLen = n * f * outSize.reduce((a, v) => a * v, 1);
  // y, x and the weight stay in the module's memory for every phase: y is `out` itself when it is
  // resident, else a region below the phases' scratch (copied out at the end); x and the weight
  // are copied in once (not at all when resident)
  let at = heapTop / 4;
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
