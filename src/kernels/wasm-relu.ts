/** relu on the wasm engine's integer SIMD (assembly/convkit.ts, relu). */
import { ConvError } from "../core/errors.js";
import { reluReference } from "./reference.js";
import { align4, ensureBytes, f32, views, wasmEngine } from "./wasm-engine.js";
import { inPlaceAt, scratchStart } from "./wasm-heap.js";

/**
 * Elements below which relu stays a JS loop: the copies in and out would cost more than the SIMD
 * loop saves (bench/relu.mjs times both on MobileNetV2's activations and a small vector).
 */
export const RELU_WASM_MIN = 4096;

/**
 * relu(x) on the kernels' integer SIMD (bitwise the reference loop's result, NaNs included), into
 * a fresh array (bench/relu.mjs: against the JS loop, copies in and out included). x is read where
 * it is when it lives in wasm memory.
 * Small arrays, and a call that would need more memory than the engine can get, run the loop.
 */
export function reluWasm(x: Float32Array): Float32Array {
  const e = wasmEngine();
  if (!e || x.length < RELU_WASM_MIN) return reluReference(x);
  if (f32.length === 0) views(e);
  const n = x.length;
  const xHere = inPlaceAt(x);
  const xAt = xHere >= 0 ? xHere : scratchStart();
  const yAt = xHere >= 0 ? scratchStart() : align4(xAt + n);
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
