/**
 * Backends: who runs the convolution loops. Every functional op validates its arguments and
 * computes a ConvInfo first (arithmetic.ts), then hands flat float32 arrays to the active backend.
 * "reference" is the readable direct-loop oracle (kernels/reference.ts); "wasm" runs the
 * WebAssembly SIMD kernels (kernels/wasm.ts) and is the default wherever WebAssembly SIMD exists
 * and the kernels are built, with the reference as the fallback.
 */
import type { ConvInfo } from "../core/arithmetic.js";
import { check, ConvError } from "../core/errors.js";
import { formatValue } from "../core/validate.js";
import { convReference, convTransposeReference, reluReference } from "./reference.js";
import { convTransposeWasm, convWasm, reluWasm, wasmAvailable, wasmUnavailableReason } from "./wasm.js";

export { getWasmFma, setWasmFma, wasmAvailable, wasmFmaSupported, wasmMemoryBytes, wasmSimdSupported } from "./wasm.js";
export { getThreads, PARALLEL_MIN_MACS, setThreads } from "./wasm-threads.js";
export { timeConv, type ConvTiming, type TimeConvOptions } from "../analysis/timing.js";

/**
 * A backend computes y from flat arrays. With `out` (the output's length, not aliasing the inputs),
 * it may write y there and return it; a backend that returns its own array instead is also
 * correct (the op copies it into `out`).
 */
export interface ConvBackend {
  readonly name: string;
  /** x (N, C_in, ...in), weight (C_out, C_in/g, ...k), bias (C_out) -> y (N, C_out, ...out); zero padding. */
  conv(
    info: ConvInfo,
    x: Float32Array,
    weight: Float32Array,
    bias: Float32Array | null,
    out?: Float32Array | null,
  ): Float32Array;
  /** x (N, C_in, ...in), weight (C_in, C_out/g, ...k), bias (C_out) -> y (N, C_out, ...out). */
  convTranspose(
    info: ConvInfo,
    x: Float32Array,
    weight: Float32Array,
    bias: Float32Array | null,
    out?: Float32Array | null,
  ): Float32Array;
  /** y = max(x, 0) elementwise, NaN kept, into a fresh array (a backend without it: the reference loop). */
  relu?(x: Float32Array): Float32Array;
}

export type BackendName = "reference" | "wasm";

export const referenceBackend: ConvBackend = {
  name: "reference",
  conv: convReference,
  convTranspose: convTransposeReference,
  relu: reluReference,
};

export const wasmBackend: ConvBackend = {
  name: "wasm",
  conv: convWasm,
  convTranspose: convTransposeWasm,
  relu: reluWasm,
};

const backends = new Map<string, ConvBackend>([
  ["reference", referenceBackend],
  ["wasm", wasmBackend],
]);
/** Undefined until the first call picks the default: wasm where it can run, else reference. */
let active: ConvBackend | undefined;

function activeBackend(): ConvBackend {
  if (!active) active = wasmAvailable() ? wasmBackend : referenceBackend;
  return active;
}

/** Registers a backend under its name (used by optional fast engines). */
export function registerBackend(backend: ConvBackend): void {
  const op = "registerBackend";
  check(
    backend !== null && typeof backend === "object" && !Array.isArray(backend),
    op,
    () => `backend must be an object with a name, conv and convTranspose, got ${formatValue(backend)}`,
  );
  const { name, conv, convTranspose, relu } = backend;
  check(
    typeof name === "string" && name.length > 0,
    op,
    () => `backend.name must be a non-empty string, got ${formatValue(name)}`,
  );
  check(typeof conv === "function", op, () => `backend.conv must be a function, got ${formatValue(conv)}`);
  check(
    typeof convTranspose === "function",
    op,
    () => `backend.convTranspose must be a function, got ${formatValue(convTranspose)}`,
  );
  check(
    relu === undefined || typeof relu === "function",
    op,
    () => `backend.relu must be a function when given, got ${formatValue(relu)}`,
  );
  backends.set(name, backend);
}

/** Selects the backend every op uses unless a call names another. */
export function setBackend(name: BackendName | (string & {})): void {
  const backend = getBackend(name, "setBackend");
  if (backend === wasmBackend && !wasmAvailable())
    throw new ConvError("setBackend", `the wasm backend is unavailable: ${wasmUnavailableReason()}`);
  active = backend;
}

/** The name of the active backend. */
export function getBackendName(): string {
  return activeBackend().name;
}

/** The backend called `name`, or the active one. */
export function getBackend(name?: string, op = "getBackend"): ConvBackend {
  if (name === undefined) return activeBackend();
  const backend = typeof name === "string" ? backends.get(name) : undefined;
  if (!backend)
    throw new ConvError(
      op,
      `unknown backend ${formatValue(name)}; available: ${[...backends.keys()].map((n) => `"${n}"`).join(", ")}`,
    );
  return backend;
}
