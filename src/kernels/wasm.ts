/**
 * The "wasm" backend: convkit's WebAssembly SIMD kernels (assembly/convkit.ts) driven from JS.
 * This module only re-exports its parts, one job each:
 *   wasm-engine.ts      loading and instantiation, the memory, its views and growth
 *   wasm-params.ts      the parameter block the driver writes and the kernels read (one table)
 *   wasm-heap.ts        resident arrays (toWasm): blocks of the memory that outlive calls
 *   wasm-conv.ts        the conv driver: lays a call out, writes its parameters, runs it
 *   wasm-transposed.ts  transposed convs: stride 1 through the driver, strided ones by sub-pixel
 *                       decomposition
 *   wasm-relu.ts        relu on the kernels' integer SIMD
 * and wasm-threads.ts (the thread pool), wasm-binary.ts (the compiled kernels' bytes).
 */
export {
  CONTROL_OFFSET,
  MAX_MEMORY_BYTES,
  MAX_THREADS,
  PARAMS_OFFSET,
  getWasmFma,
  setWasmFma,
  wasmAvailable,
  wasmEngine,
  wasmFmaSupported,
  wasmMemoryBytes,
  wasmSimdSupported,
  wasmUnavailableReason,
  type KernelExports,
  type WasmEngine,
} from "./wasm-engine.js";
export { Param } from "./wasm-params.js";
export { allocResident, freeResident, isFreedResident, isResident, wasmResidentBytes } from "./wasm-heap.js";
export {
  JOB_GEMM,
  JOB_PREP,
  convWasm,
  setParallelRunner,
  type Feed,
  type Job,
  type ParallelRunner,
} from "./wasm-conv.js";
export { convTransposeWasm } from "./wasm-transposed.js";
export { RELU_WASM_MIN, reluWasm } from "./wasm-relu.js";
