/**
 * Tensors whose values live in the wasm engine's memory ("in wasm"), for loops that call the same
 * convolution again and again. A call copies a plain x and weight into the engine's memory and its
 * output back out into a fresh array; for a tensor in wasm it passes the address instead, and
 * writes an `out` in wasm in place. On a small, memory-bound call (the benchmark's workload c,
 * depthwise 3x3, C=256, 28x28; bench/results.md) those copies are a large share of the time, and
 * threads cannot split them.
 *
 *   const x = toWasm(input), out = toWasm(zeros([1, 256, 28, 28]));
 *   for (...) conv2d(x, w, null, { groups: 256, padding: 1, out });
 *   disposeWasm(x); disposeWasm(out);
 *
 * Like TensorFlow.js's tensors, they hold engine memory until disposed (disposeWasm): garbage
 * collection does not free them, because a subarray of a tensor's data does not keep the tensor
 * alive, and memory freed under it would be rewritten by later calls. Every op and Tensor method
 * refuses a disposed tensor (core/tensor.ts, checkTensor). Where the engine's memory is not shared
 * (a page that is not cross-origin isolated, or no WebAssembly SIMD) growing it would detach every
 * view, so toWasm returns a plain copy there and inWasm() says false; results are the same, only
 * the copies stay.
 */
import { ConvError, shapeText } from "../core/errors.js";
import { allocResident, freeResident, isFreedResident, isResident } from "./wasm.js";
import { checkTensor, setDisposedDataCheck, Tensor } from "../core/tensor.js";
import { describeType } from "../core/validate.js";

// Every Tensor method and op refuses a tensor whose memory disposeWasm freed (core/tensor.ts, checkTensor).
setDisposedDataCheck(isFreedResident);

export { wasmResidentBytes } from "./wasm.js";

/** A copy of `t` in the wasm engine's memory (a plain copy where that memory is not shared; see inWasm). */
export function toWasm(t: Tensor): Tensor {
  checkTensor("toWasm", "tensor", t); // a Tensor, not disposed
  const data = allocResident("toWasm", t.size);
  if (!data) return new Tensor(t.data.slice(), t.shape);
  data.set(t.data);
  return new Tensor(data, t.shape);
}

/** Whether `t`'s values live in the wasm engine's memory (made by toWasm and not disposed); false for anything else. */
export function inWasm(t: Tensor): boolean {
  return t instanceof Tensor && isResident(t.data);
}

/**
 * Frees the engine memory of a tensor made by toWasm; later calls reuse it, so the tensor must not
 * be used again. Returns false, doing nothing, for any other tensor (or one already disposed).
 */
export function disposeWasm(t: Tensor): boolean {
  if (!(t instanceof Tensor)) throw new ConvError("disposeWasm", `tensor must be a Tensor, got ${describeType(t)}`);
  return freeResident(t.data);
}

/** Throws if `t` is a tensor whose engine memory disposeWasm freed (its data may hold anything now). */
export function checkNotDisposed(op: string, name: string, t: Tensor | null | undefined): void {
  if (t && isFreedResident(t.data)) {
    throw new ConvError(
      op,
      `the ${name} ${shapeText(t.shape)} was disposed (disposeWasm); its memory may have been reused`,
    );
  }
}
