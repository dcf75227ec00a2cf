/** Every invalid configuration throws a ConvError naming the op, the argument and the shapes, before any compute. */
import { describe, expect, it } from "vitest";
import {
  avgPool2d,
  Conv2d,
  conv1d,
  conv2d,
  conv3d,
  convTranspose2d,
  ConvTranspose2d,
  DepthwiseConv2d,
  GroupedSeparableConv2d,
  maxPool2d,
  pad,
  randn,
  setBackend,
  Tensor,
  zeros,
  type BackendName,
} from "../src/index.js";
import { expectConvError } from "./helpers.js";

const x = zeros([1, 4, 5, 5]);
const w = zeros([10, 4, 3, 3]);

describe("convolution errors", () => {
  it("input channels not divisible by groups", () => {
    expectConvError(
      () => conv2d(zeros([1, 3, 5, 5]), zeros([4, 1, 3, 3]), null, { groups: 2 }),
      /^conv2d: input channels \(3\) must be divisible by groups \(2\); input \[1, 3, 5, 5\]$/,
    );
  });

  it("output channels not divisible by groups", () => {
    expectConvError(
      () => conv2d(x, zeros([5, 2, 3, 3]), null, { groups: 2 }),
      /^conv2d: output channels \(5\) must be divisible by groups \(2\); weight \[5, 2, 3, 3\]$/,
    );
  });

  it("input channels != weight in-channels x groups", () => {
    expectConvError(
      () => conv2d(x, zeros([10, 3, 3, 3])),
      /^conv2d: input \[1, 4, 5, 5\] has 4 channels but weight \[10, 3, 3, 3\] expects 3 x groups 1 = 3$/,
    );
    expectConvError(
      () => convTranspose2d(x, zeros([3, 2, 3, 3])),
      /^convTranspose2d: input \[1, 4, 5, 5\] has 4 channels but weight \[3, 2, 3, 3\] expects 3/,
    );
  });

  it("dilated kernel larger than the padded input", () => {
    expectConvError(
      () => conv2d(x, w, null, { dilation: 3 }),
      /^conv2d: kernel size \(dilated\) 7 = 3 x \(3 - 1\) \+ 1 exceeds the padded input size 5 in spatial dimension 0; input \[1, 4, 5, 5\], weight \[10, 4, 3, 3\]$/,
    );
    expectConvError(
      () => conv1d(zeros([1, 1, 2]), zeros([1, 1, 4]), null, { padding: 0 }),
      /^conv1d: kernel size \(dilated\) 4 .* exceeds the padded input size 2/,
    );
  });

  it("stride, dilation, groups and kernel size must be positive integers", () => {
    expectConvError(() => conv2d(x, w, null, { stride: 0 }), /^conv2d: stride must be a positive integer, got 0$/);
    expectConvError(
      () => conv2d(x, w, null, { stride: [1, 1.5] }),
      /^conv2d: stride must be a positive integer, got \[1,1\.5\]$/,
    );
    expectConvError(
      () => conv2d(x, w, null, { dilation: -1 }),
      /^conv2d: dilation must be a positive integer, got -1$/,
    );
    expectConvError(() => conv2d(x, w, null, { groups: 0 }), /^conv2d: groups must be a positive integer, got 0$/);
    expectConvError(
      () => conv2d(x, zeros([10, 4, 0, 3])),
      /^conv2d: kernel size must be a positive integer; weight \[10, 4, 0, 3\]$/,
    );
    expectConvError(() => new Conv2d(4, 10, 0), /^Conv2d: kernelSize must be a positive integer, got 0$/);
    expectConvError(
      () => new Conv2d(4, 10, [3, 3, 3] as unknown as [number, number]),
      /^Conv2d: kernelSize must be a number or an array of 2, got \[3,3,3\]$/,
    );
  });

  it("negative padding", () => {
    expectConvError(
      () => conv2d(x, w, null, { padding: -1 }),
      /^conv2d: padding must be a non-negative integer, got -1$/,
    );
    expectConvError(
      () => convTranspose2d(x, zeros([4, 2, 3, 3]), null, { padding: [0, -2] }),
      /^convTranspose2d: padding must be a non-negative integer, got \[0,-2\]$/,
    );
  });

  it('padding "same" with stride > 1', () => {
    expectConvError(
      () => conv2d(x, w, null, { padding: "same", stride: 2 }),
      /^conv2d: padding "same" needs stride 1, got stride \[2, 2\]$/,
    );
    expectConvError(
      () => new Conv2d(4, 10, 3, { padding: "same", stride: [1, 2] }),
      /^Conv2d: padding "same" needs stride 1, got stride \[1, 2\]$/,
    );
  });

  it("unknown padding string or padding mode", () => {
    expectConvError(
      () => conv2d(x, w, null, { padding: "full" as "same" }),
      /^conv2d: unknown padding "full"; expected a number, an array of 2, "same" or "valid"$/,
    );
    expectConvError(
      () => conv2d(x, w, null, { paddingMode: "mirror" as "reflect" }),
      /^conv2d: unknown paddingMode "mirror"; expected one of "zeros", "reflect", "replicate", "circular"$/,
    );
    expectConvError(
      () => new Conv2d(4, 10, 3, { paddingMode: "wrap" as "circular" }),
      /^Conv2d: unknown paddingMode "wrap"/,
    );
    expectConvError(() => pad(x, [1, 1], "edge" as "replicate"), /^pad: unknown mode "edge"/);
  });

  it("reflect padding >= the input size", () => {
    expectConvError(
      () => conv2d(zeros([1, 4, 3, 8]), w, null, { padding: 3, paddingMode: "reflect" }),
      /^conv2d: reflect padding \(3\) must be smaller than the input size \(3\) in spatial dimension 0; input \[1, 4, 3, 8\]$/,
    );
    expectConvError(
      () => pad(zeros([1, 1, 2]), [2, 0], "reflect"),
      /^pad: reflect padding \(2\) must be smaller than the input size \(2\) in dimension 2; input \[1, 1, 2\]$/,
    );
    expectConvError(
      () => conv1d(zeros([1, 1, 2]), zeros([1, 1, 3]), null, { padding: 3, paddingMode: "circular" }),
      /^conv1d: circular padding \(3\) must not exceed the input size \(2\)/,
    );
  });

  it("outputPadding >= max(stride, dilation)", () => {
    expectConvError(
      () => convTranspose2d(x, zeros([4, 2, 3, 3]), null, { stride: 2, outputPadding: 2 }),
      /^convTranspose2d: outputPadding \(2\) must be smaller than either stride \(2\) or dilation \(1\) in spatial dimension 0$/,
    );
    expectConvError(
      () => new ConvTranspose2d(4, 2, 3, { outputPadding: 1 }),
      /^ConvTranspose2d: outputPadding \(1\) must be smaller than either stride \(1\) or dilation \(1\) in spatial dimension 0$/,
    );
  });

  it("transposed padding so large the output would be empty", () => {
    expectConvError(
      () => convTranspose2d(zeros([1, 4, 2, 2]), zeros([4, 2, 3, 3]), null, { padding: 3 }),
      /^convTranspose2d: padding \(3\) is too large: output size would be -2 in spatial dimension 0/,
    );
  });

  it("wrong rank for the op", () => {
    expectConvError(
      () => conv2d(zeros([5, 5]), w),
      /^conv2d: expected input of rank 3 \(unbatched\) or 4 \(batched\), got rank 2: \[5, 5\]$/,
    );
    expectConvError(
      () => conv1d(x, w),
      /^conv1d: expected input of rank 2 \(unbatched\) or 3 \(batched\), got rank 4: \[1, 4, 5, 5\]$/,
    );
    expectConvError(
      () => conv3d(zeros([1, 4, 5, 5, 5]), w),
      /^conv3d: expected weight of rank 5, got rank 4: \[10, 4, 3, 3\]$/,
    );
    expectConvError(
      () => maxPool2d(zeros([5]), { kernelSize: 2 }),
      /^maxPool2d: expected input of rank 3 \(unbatched\) or 4 \(batched\), got rank 1: \[5\]$/,
    );
  });

  it("bias length != output channels", () => {
    expectConvError(
      () => conv2d(x, w, zeros([9])),
      /^conv2d: bias \[9\] must have one entry per output channel \(10\); input \[1, 4, 5, 5\], weight \[10, 4, 3, 3\]$/,
    );
    expectConvError(
      () => convTranspose2d(x, zeros([4, 3, 3, 3]), zeros([4]), { groups: 2 }),
      /^convTranspose2d: bias \[4\] must have one entry per output channel \(6\)/,
    );
  });

  it("data length != product of the shape", () => {
    expectConvError(
      () => Tensor.from([1, 2, 3], [2, 2]),
      /^Tensor\.from: data length \(3\) must equal the product of shape \[2, 2\] \(4\)$/,
    );
  });

  it("an output no typed array can hold is refused before allocating", () => {
    expectConvError(
      () => conv2d(zeros([1, 1, 1, 1]), zeros([4, 1, 1, 1]), null, { padding: 25000 }),
      /^conv2d: the output \[1, 4, 50001, 50001\] would have 1\.000e\+10 elements, more than convkit allocates for one tensor \(2\^28\); padding \(25000, 25000\) makes it so in spatial dimension 0/,
    );
    expectConvError(() => zeros([65536, 65537]), /has 4\.295e\+9 elements, more than a Float32Array can hold/);
  });

  it("layer constructors check channels against groups", () => {
    expectConvError(
      () => new Conv2d(3, 10, 3, { groups: 2 }),
      /^Conv2d: inChannels \(3\) must be divisible by groups \(2\)$/,
    );
    expectConvError(
      () => new Conv2d(4, 9, 3, { groups: 2 }),
      /^Conv2d: outChannels \(9\) must be divisible by groups \(2\)$/,
    );
    expectConvError(
      () => new GroupedSeparableConv2d(4, 10, 3, { groups: 3 }),
      /^GroupedSeparableConv2d: inChannels \(4\) must be divisible by groups \(3\)$/,
    );
    expectConvError(() => new DepthwiseConv2d(0, 3), /^DepthwiseConv2d: channels must be a positive integer, got 0$/);
  });

  it("a layer's forward checks the input it gets", () => {
    expectConvError(
      () => new Conv2d(3, 8, 3).forward(x),
      /^conv2d: input \[1, 4, 5, 5\] has 4 channels but weight \[8, 3, 3, 3\] expects 3 x groups 1 = 3$/,
    );
  });

  it("pooling errors", () => {
    expectConvError(
      () => maxPool2d(x, { kernelSize: 2, padding: 2 }),
      /^maxPool2d: padding \(2\) must be at most half the kernel size \(2\) in spatial dimension 0$/,
    );
    expectConvError(
      () => avgPool2d(zeros([1, 1, 2, 2]), { kernelSize: 3 }),
      /^avgPool2d: window \(dilated\) 3 exceeds the padded input size 2 in spatial dimension 0; input \[1, 1, 2, 2\]$/,
    );
    expectConvError(() => maxPool2d(x, { kernelSize: 0 }), /^maxPool2d: kernelSize must be a positive integer, got 0$/);
  });

  it("unknown backend", () => {
    expectConvError(
      () => setBackend("gpu" as BackendName),
      /^setBackend: unknown backend "gpu"; available: "reference"/,
    );
    expectConvError(() => conv2d(x, w, null, { backend: "gpu" }), /^conv2d: unknown backend "gpu"/);
  });
});

describe("IEEE values propagate without a throw", () => {
  it("NaN and Infinity flow through conv as IEEE arithmetic says", () => {
    const input = randn([1, 1, 4, 4], { seed: 1 });
    input.data[5] = NaN; // (1, 1)
    input.data[15] = Infinity; // (3, 3)
    const y = conv2d(input, Tensor.from(new Array(9).fill(1), [1, 1, 3, 3]));
    // Outputs (0,0), (0,1), (1,0), (1,1) all cover (1,1); only (1,1) covers (3,3).
    expect(Number.isNaN(y.get(0, 0, 0, 0))).toBe(true);
    expect(Number.isNaN(y.get(0, 0, 1, 1))).toBe(true);
    const z = conv1d(Tensor.from([Infinity, 1], [1, 1, 2]), Tensor.from([1], [1, 1, 1]));
    expect(Array.from(z.data)).toEqual([Infinity, 1]);
    const nanTimesZero = conv1d(Tensor.from([Infinity], [1, 1, 1]), Tensor.from([0], [1, 1, 1]));
    expect(Number.isNaN(nanTimesZero.item())).toBe(true);
  });
});
