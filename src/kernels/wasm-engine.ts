/**
 * The WebAssembly engine: the kernels (assembly/convkit.ts) compiled and instantiated over one
 * memory, the views the host reads and writes it through, and its growth.
 *
 * Layout of the memory (bytes):
 *   [0, 256)          unused
 *   [256, 512)        parameters of the current call (i32 fields, wasm-params.ts)
 *   [1024, 2048)      thread control words (wasm-threads.ts)
 *   [65536, heapTop)  resident arrays (wasm-heap.ts, made by toWasm): blocks that outlive calls
 *   [heapTop, ...)    each call's scratch, laid out afresh by the call (wasm-conv.ts)
 */
import { ConvError } from "../core/errors.js";
import { checkBoolean } from "../core/validate.js";
import { wasmBinary } from "./wasm-binary.js";

export const PARAMS_OFFSET = 256;
export const CONTROL_OFFSET = 1024;
export const MAX_THREADS = 60;
/** Where the resident arrays begin (bytes). */
export const DATA_OFFSET = 65536;
const PAGE = 65536;
/** Largest memory the kernels address (their offsets are 32-bit signed). */
export const MAX_MEMORY_BYTES = 2 ** 31 - PAGE;
/** Floats of slack after x and xp: a strip may read up to 31 positions past the last valid one. */
export const SLACK = 64;

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

/** The engine, or a ConvError naming `op` saying why the wasm backend cannot run here. */
export function wasmEngineFor(op: string): WasmEngine {
  const e = wasmEngine();
  if (!e) throw new ConvError(op, `the wasm backend is unavailable: ${loadError}`);
  if (f32.length === 0) views(e); // first call: views before any parameter is written
  return e;
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
 * Whether calls use the kernels' fused multiply-add build (f32x4.relaxed_madd: faster on
 * every workload of bench/run.mjs, its "fma" columns in bench/results.md) or f32x4 mul + add. On by default where
 * the runtime has relaxed SIMD. FMA rounds once where mul + add rounds twice, so results differ
 * in the last bits between the two (both are within the tests' 1e-4 of the reference); turn it
 * off for results bitwise equal to those of a runtime without relaxed SIMD. Thread counts never
 * change results.
 */
export function setWasmFma(enabled: boolean): void {
  checkBoolean("setWasmFma", "enabled", enabled);
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
// memory.buffer on every call: that getter is slow on a shared memory, and calls are short.
export let f32 = new Float32Array(0);
export let i32 = new Int32Array(0);

export function views(e: WasmEngine): void {
  f32 = new Float32Array(e.memory.buffer);
  i32 = new Int32Array(e.memory.buffer);
}

export const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);

/** Grows the memory to at least `bytes` (and the views with it), or throws a ConvError naming op. */
export function ensureBytes(op: string, e: WasmEngine, bytes: number): void {
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

/** Rounds a float count up to a multiple of 4 (16 bytes); plain arithmetic, counts may pass 2^31. */
export const align4 = (v: number): number => Math.ceil(v / 4) * 4;
