/**
 * relu on the wasm kernels (integer SIMD on the float bits) against the reference loop: bitwise
 * the same on every float class, NaN payloads and signs included, for any length; inputs in wasm
 * memory read in place; bad inputs refused before any work (batchNorm's disposed inputs too).
 */
import { describe, expect, it } from "vitest";
import {
  batchNorm,
  ConvError,
  disposeWasm,
  randn,
  relu,
  setBackend,
  getBackendName,
  Tensor,
  toWasm,
} from "../src/index.js";
import { reluReference } from "../src/kernels/reference.js";
import { RELU_WASM_MIN, reluWasm } from "../src/kernels/wasm.js";

/** Floats given by their bits (NaN payloads and signs survive only this way). */
function fromBits(bits: number[]): Float32Array {
  return new Float32Array(new Int32Array(bits).buffer);
}
const bitsOf = (a: Float32Array) => Array.from(new Int32Array(a.buffer, a.byteOffset, a.length));

// +0, -0, 1, -1, +inf, -inf, the smallest denormals, the largest finite, quiet and signalling NaNs of both signs with payloads
const SPECIAL = fromBits([
  0x00000000,
  0x80000000,
  0x3f800000,
  0xbf800000,
  0x7f800000,
  0xff800000,
  0x00000001,
  0x80000001,
  0x7f7fffff,
  0xff7fffff,
  0x7fc00000,
  0xffc00000,
  0x7fc00123,
  0xffc00123,
  0x7f800001,
  0xff800001,
  0x7fbfffff | 0,
  0xffffffff | 0,
]);

/** A large array (at or above the wasm threshold) of random values with the special ones spread through it. */
function mixed(length: number, seed: number): Float32Array {
  const x = randn([length], { seed }).data.slice();
  for (let i = 0; i < SPECIAL.length; i++) x[(i * 7919) % length] = SPECIAL[i]!;
  x[length - 1] = SPECIAL[11]!; // a NaN in the scalar tail
  return x;
}

describe("relu on the wasm kernels", () => {
  it("is bitwise the reference loop on every float class, for lengths that end in a partial vector", () => {
    for (const length of [RELU_WASM_MIN, RELU_WASM_MIN + 1, RELU_WASM_MIN + 3, 3 * RELU_WASM_MIN + 2, 200_003]) {
      const x = mixed(length, length);
      expect(bitsOf(reluWasm(x)), `length ${length}`).toEqual(bitsOf(reluReference(x)));
    }
  });

  it("keeps each NaN's sign and payload, turns -0 into +0 and negatives into +0", () => {
    const x = new Float32Array(RELU_WASM_MIN);
    x.set(SPECIAL);
    const y = bitsOf(reluWasm(x)).slice(0, SPECIAL.length);
    expect(y).toEqual(
      bitsOf(
        fromBits([
          0,
          0,
          0x3f800000,
          0,
          0x7f800000,
          0,
          0x00000001,
          0,
          0x7f7fffff,
          0,
          0x7fc00000,
          0xffc00000,
          0x7fc00123,
          0xffc00123,
          0x7f800001,
          0xff800001,
          0x7fbfffff,
          0xffffffff | 0,
        ]),
      ),
    );
  });

  it("gives relu() the same bits on the wasm and reference backends, small and large, without writing its input", () => {
    const previous = getBackendName();
    try {
      for (const shape of [
        [1, 2, 3, 5],
        [1, 64, 56, 57],
      ]) {
        const x = new Tensor(
          mixed(
            shape.reduce((a, v) => a * v, 1),
            3,
          ),
          shape,
        );
        const before = bitsOf(x.data);
        setBackend("wasm");
        const fast = relu(x);
        setBackend("reference");
        const slow = relu(x);
        expect(fast.shape).toEqual(shape);
        expect(bitsOf(fast.data)).toEqual(bitsOf(slow.data));
        expect(bitsOf(x.data)).toEqual(before);
      }
    } finally {
      setBackend(previous);
    }
  });

  it("reads an input in wasm memory where it is and returns a fresh array outside it", () => {
    const x = new Tensor(mixed(50_001, 5), [50_001]);
    const resident = toWasm(x);
    const y = relu(resident);
    expect(bitsOf(y.data)).toEqual(bitsOf(reluReference(x.data)));
    expect(y.data.buffer).not.toBe(resident.data.buffer);
    expect(bitsOf(resident.data)).toEqual(bitsOf(x.data));
    disposeWasm(resident);
  });

  it("refuses a disposed tensor and a non-tensor with a ConvError naming relu", () => {
    const resident = toWasm(randn([RELU_WASM_MIN]));
    disposeWasm(resident);
    expect(() => relu(resident)).toThrow(ConvError);
    expect(() => relu(resident)).toThrow(/relu: the input \[4096\] was disposed/);
    expect(() => relu(null as unknown as Tensor)).toThrow(/^relu: input must be a Tensor, got null$/);
    expect(() => relu([1, 2] as unknown as Tensor)).toThrow(/^relu: input must be a Tensor, got an array$/);
  });
});

describe("batchNorm and tensors in wasm memory", () => {
  it("reads an input in wasm memory, and refuses a disposed input or statistic with a ConvError naming batchNorm", () => {
    const x = randn([1, 8, 30]),
      mean = randn([8], { seed: 7 }),
      variance = new Tensor(new Float32Array(8).fill(2), [8]);
    const resident = toWasm(x);
    expect(Array.from(batchNorm(resident, mean, variance).data)).toEqual(Array.from(batchNorm(x, mean, variance).data));
    disposeWasm(resident);
    expect(() => batchNorm(resident, mean, variance)).toThrow(ConvError);
    expect(() => batchNorm(resident, mean, variance)).toThrow(/batchNorm: the input \[1, 8, 30\] was disposed/);
    const residentVar = toWasm(variance);
    disposeWasm(residentVar);
    expect(() => batchNorm(x, mean, residentVar)).toThrow(/batchNorm: the runningVar \[8\] was disposed/);
  });
});
