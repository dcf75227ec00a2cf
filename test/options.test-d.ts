/** Options are precise unions: a misspelled padding mode or padding string does not compile. */
import { describe, expectTypeOf, it } from "vitest";
import {
  Conv1d,
  Conv2d,
  conv2d,
  conv3d,
  convTranspose2d,
  disposeWasm,
  maxPool2d,
  pad,
  setWasmFma,
  toWasm,
  zeros,
  type PaddingMode,
  AVG_POOL_OPTION_KEYS,
  CONV_OPTION_KEYS,
  CONV_TRANSPOSE_OPTION_KEYS,
  MAX_POOL_OPTION_KEYS,
  type AvgPoolOptions,
  type ConvOptions,
  type ConvTransposeOptions,
  type PoolOptions,
  type Tensor,
} from "../src/index.js";

const x = zeros([1, 4, 5, 5]);
const w = zeros([10, 4, 3, 3]);

describe("option types", () => {
  it("paddingMode accepts exactly PyTorch's four modes", () => {
    expectTypeOf<PaddingMode>().toEqualTypeOf<"zeros" | "reflect" | "replicate" | "circular">();
    conv2d(x, w, null, { paddingMode: "reflect" });
    // @ts-expect-error a misspelled padding mode is a compile error
    conv2d(x, w, null, { paddingMode: "reflection" });
    // @ts-expect-error so is one PyTorch does not have
    new Conv2d(4, 10, 3, { paddingMode: "symmetric" });
  });

  it('padding is a number, one number per dimension, "same" or "valid"', () => {
    conv2d(x, w, null, { padding: "same" });
    conv2d(x, w, null, { padding: [1, 2] });
    // @ts-expect-error a misspelled padding string is a compile error
    conv2d(x, w, null, { padding: "smae" });
    // @ts-expect-error conv2d takes two padding values, not three
    conv2d(x, w, null, { padding: [1, 2, 3] });
    // @ts-expect-error transposed convolutions take no padding string
    convTranspose2d(x, zeros([4, 2, 3, 3]), null, { padding: "same" });
    conv3d(zeros([1, 1, 3, 3, 3]), zeros([1, 1, 1, 1, 1]), null, { stride: [1, 2, 1] });
  });

  it("layer sizes are tuples of the layer's rank", () => {
    new Conv1d(1, 1, 3, { dilation: [2] });
    // @ts-expect-error Conv1d has one spatial dimension
    new Conv1d(1, 1, [3, 3]);
    expectTypeOf(new Conv2d(1, 1, 3).kernelSize).toEqualTypeOf<readonly [number, number]>();
  });

  it("functional ops return Tensors; pooling needs a kernel size", () => {
    expectTypeOf(conv2d(x, w)).toEqualTypeOf<Tensor>();
    expectTypeOf(conv2d(x, w, null, { out: zeros([1, 4, 3, 3]) })).toEqualTypeOf<Tensor>();
    // @ts-expect-error out is a Tensor, not a bare array
    conv2d(x, w, null, { out: new Float32Array(36) });
    // @ts-expect-error kernelSize is required
    maxPool2d(x, { stride: 2 });
    // @ts-expect-error pad modes are a closed set
    pad(x, [1, 1], "edge");
  });

  it("tensors in wasm memory are Tensors; the FMA switch takes a boolean", () => {
    expectTypeOf(toWasm(x)).toEqualTypeOf<Tensor>();
    expectTypeOf(disposeWasm(x)).toEqualTypeOf<boolean>();
    // @ts-expect-error toWasm copies a Tensor, not a bare array
    toWasm(new Float32Array(4));
    // @ts-expect-error setWasmFma takes true or false
    setWasmFma("on");
  });
});

describe("option key lists", () => {
  it("each list of option names holds exactly the keys of its options interface", () => {
    type Keys<T extends readonly string[]> = T[number];
    expectTypeOf<Keys<typeof CONV_OPTION_KEYS>>().toEqualTypeOf<keyof ConvOptions>();
    expectTypeOf<Keys<typeof CONV_TRANSPOSE_OPTION_KEYS>>().toEqualTypeOf<keyof ConvTransposeOptions>();
    expectTypeOf<Keys<typeof MAX_POOL_OPTION_KEYS>>().toEqualTypeOf<keyof PoolOptions>();
    expectTypeOf<Keys<typeof AVG_POOL_OPTION_KEYS>>().toEqualTypeOf<keyof AvgPoolOptions<2>>();
  });
});
