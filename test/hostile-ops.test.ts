/**
 * Hostile input to the tensor core, the functional ops and the reference kernels: each call is
 * answered as PyTorch answers it, or refused with a ConvError naming the op and the argument,
 * quickly and before anything large is allocated.
 */
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  adaptiveAvgPool2d,
  adaptivePoolWindow,
  allClose,
  arange,
  avgPool2d,
  batchNorm,
  batchNormInfo,
  cat,
  conv1d,
  conv2d,
  conv3d,
  ConvError,
  convInfo,
  convOutputSize,
  convTransposeInfo,
  convTransposeOutputSize,
  convTranspose1d,
  convTranspose2d,
  convTranspose3d,
  disposeWasm,
  effectiveKernelSize,
  formatShape,
  getBackend,
  layerStats,
  MAX_ALLOCATED_ELEMENTS,
  maxAbsDiff,
  maxPool2d,
  mulberry32,
  numel,
  ones,
  pad,
  poolInfo,
  poolOutputSize,
  rand,
  randn,
  registerBackend,
  samePadding,
  setBackend,
  stridesOf,
  tensor,
  Tensor,
  toWasm,
  zeros,
} from "../src/index.js";
import { checkFunction, checkInteger, checkNonNegativeInteger } from "../src/core/validate.js";

function convError(fn: () => unknown): ConvError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConvError);
    return e as ConvError;
  }
  throw new Error("expected a ConvError, got a result");
}

/** Runs `fn` and returns its result and how long it took, in ms. */
function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const result = fn();
  return [result, performance.now() - t0];
}

describe("strided transposed convolutions with a tiny output", () => {
  it("convTranspose1d(ones([1,1,1]), ones([1,1,3]), null, {stride: 1e8}) answers [1, 1, 1] at once, as PyTorch", () => {
    const [y, ms] = timed(() =>
      convTranspose1d(ones([1, 1, 1]), ones([1, 1, 3]), null, { stride: 1e8, backend: "reference" }),
    );
    expect(y.shape).toEqual([1, 1, 3]);
    expect(Array.from(y.data)).toEqual([1, 1, 1]);
    expect(ms).toBeLessThan(1000);
  });

  it("convTranspose2d with stride 1e5 and convTranspose3d with stride 1e4 answer a 3^d output at once", () => {
    const [y2, ms2] = timed(() =>
      convTranspose2d(ones([1, 1, 1, 1]), ones([1, 1, 3, 3]), null, { stride: 1e5, backend: "reference" }),
    );
    expect(y2.shape).toEqual([1, 1, 3, 3]);
    expect(y2.sum()).toBe(9);
    const [y3, ms3] = timed(() =>
      convTranspose3d(ones([1, 1, 1, 1, 1]), ones([1, 1, 3, 3, 3]), null, { stride: 1e4, backend: "reference" }),
    );
    expect(y3.shape).toEqual([1, 1, 3, 3, 3]);
    expect(y3.sum()).toBe(27);
    expect(ms2 + ms3).toBeLessThan(1000);
  });

  it("convTranspose1d refuses an output of billions of elements before allocating, naming stride", () => {
    const [error, ms] = timed(() =>
      convError(() =>
        convTranspose1d(ones([1, 1, 2]), ones([1, 1, 3]), null, { stride: 2 ** 31, backend: "reference" }),
      ),
    );
    expect(error.message).toMatch(
      /^convTranspose1d: the output \[1, 1, 2147483651\] would have 2\.147e\+9 elements, more than convkit allocates for one tensor \(2\^28\); stride \(2147483648\) makes it so in spatial dimension 0/,
    );
    expect(ms).toBeLessThan(1000);
  });
});

describe("sizes are checked before anything is allocated", () => {
  it("pad(ones([1,4,8,8]), [1e9, 1e9]) refuses before building its index maps", () => {
    const [error, ms] = timed(() => convError(() => pad(ones([1, 4, 8, 8]), [1e9, 1e9])));
    expect(error.message).toMatch(/^pad: output \[1, 4, 8, 2000000008\] has 6\.400e\+10 elements/);
    expect(ms).toBeLessThan(1000);
  });

  it("pad() refuses an output within what a typed array holds but over the op limit, naming pads", () => {
    expect(convError(() => pad(ones([1, 1]), [20000, 20000, 20000, 20000])).message).toMatch(
      /^pad: the output \[40001, 40001\] would have 1\.600e\+9 elements, more than convkit allocates for one tensor \(2\^28\); pads \[20000, 20000, 20000, 20000\] make it that large$/,
    );
  });

  it("conv2d with padding 15811 on a 1x1 input refuses its 1e9-element output, naming padding", () => {
    for (const backend of ["reference", "wasm"]) {
      const [error, ms] = timed(() =>
        convError(() => conv2d(ones([1, 1, 1, 1]), ones([1, 1, 1, 1]), null, { padding: 15811, backend })),
      );
      expect(error.message).toMatch(
        /^conv2d: the output \[1, 1, 31623, 31623\] would have 1\.000e\+9 elements, more than convkit allocates for one tensor \(2\^28\); padding \(15811, 15811\) makes it so in spatial dimension 0 \(input 1, output 31623\)$/,
      );
      expect(ms).toBeLessThan(1000);
    }
  });

  it("conv2d with replicate padding checks the padded input before padding it, even for a 1x1 output", () => {
    expect(
      convError(() =>
        conv2d(ones([1, 1, 1, 1]), ones([1, 1, 2, 2]), null, {
          padding: 20000,
          dilation: 40000,
          paddingMode: "replicate",
        }),
      ).message,
    ).toMatch(
      /^conv2d: the padded input \[1, 1, 40001, 40001\] would have 1\.600e\+9 elements, .*; the replicate padding \(\[20000, 20000\], \[20000, 20000\]\) makes it that large$/,
    );
  });

  it("maxPool2d and avgPool2d check their output against the same limit", () => {
    expect(MAX_ALLOCATED_ELEMENTS).toBe(2 ** 28);
    // a pooling output is never larger than its input plus padding; the limit is checked all the same
    expect(maxPool2d(ones([1, 1, 4, 4]), { kernelSize: 2 }).shape).toEqual([1, 1, 2, 2]);
    expect(avgPool2d(ones([1, 1, 4, 4]), { kernelSize: 2 }).shape).toEqual([1, 1, 2, 2]);
  });

  it("the shape-only path (convInfo, layerStats) accepts shapes over 2^32 elements: it allocates nothing", () => {
    const info = convInfo("conv2d", 2, [1000, 64, 512, 512], [64, 64, 3, 3], null, { padding: 1 });
    expect(info.outputShape).toEqual([1000, 64, 512, 512]);
    const stats = layerStats(
      { type: "Conv2d", inChannels: 64, outChannels: 64, kernelSize: 3, padding: 1, bias: false },
      [1000, 64, 512, 512],
    );
    expect(stats.macs).toBe(1000 * 64 * 512 * 512 * 64 * 9);
    const big = [1000, 64, 512, 512];
    expect(layerStats({ type: "Flatten" }, big).outputShape).toEqual([1000, 64 * 512 * 512]);
    expect(layerStats({ type: "BatchNorm2d", numFeatures: 64 }, big).outputShape).toEqual(big);
    expect(layerStats({ type: "MaxPool2d", kernelSize: 2 }, big).outputShape).toEqual([1000, 64, 256, 256]);
    expect(layerStats({ type: "Linear", inFeatures: 512, outFeatures: 10 }, [1e8, 64, 512]).outputShape).toEqual([
      1e8, 64, 10,
    ]);
  });
});

describe("arguments that are not what they look like", () => {
  const x = ones([1, 1, 3, 3]);
  const w = ones([1, 1, 3, 3]);

  it.each([
    ["[7]", [7]],
    ["a number", 7],
    ["a Float32Array", new Float32Array([7])],
    ["a duck-typed {shape, data}", { shape: [1], data: new Float32Array([7]) }],
  ])("conv2d(x, w, bias) refuses a bias that is %s instead of dropping it", (_, bias) => {
    expect(convError(() => conv2d(x, w, bias as unknown as Tensor)).message).toMatch(
      /^conv2d: bias must be a Tensor, got (an array|a number|Float32Array|a plain object)$/,
    );
  });

  it("conv2d, convTranspose2d and maxPool2d refuse a duck-typed input or weight", () => {
    const fake = { shape: [1, 1, 3, 3], data: new Float32Array(1) } as unknown as Tensor;
    expect(convError(() => conv2d(fake, w)).message).toMatch(/^conv2d: input must be a Tensor, got a plain object$/);
    expect(convError(() => conv2d(x, fake)).message).toMatch(/^conv2d: weight must be a Tensor, got a plain object$/);
    expect(convError(() => convTranspose2d(x, fake)).message).toMatch(/^convTranspose2d: weight must be a Tensor/);
    expect(convError(() => maxPool2d(fake, { kernelSize: 2 })).message).toMatch(/^maxPool2d: input must be a Tensor/);
    expect(convError(() => conv2d(x, w, null, { out: fake })).message).toMatch(/^conv2d: out must be a Tensor/);
  });

  it("a Tensor whose data no longer matches its shape is refused", () => {
    const bias = ones([1]);
    (bias as { data: Float32Array }).data = new Float32Array(0);
    expect(convError(() => conv2d(x, w, bias)).message).toMatch(
      /^conv2d: the bias \[1\] holds Float32Array of length 0, not the 1 float32 values its shape needs$/,
    );
    const input = ones([1, 1, 3, 3]);
    (input as { data: unknown }).data = [1, 2, 3];
    expect(convError(() => conv2d(input, w)).message).toMatch(/^conv2d: the input \[1, 1, 3, 3\] holds an array/);
    expect(convError(() => input.sum()).message).toMatch(/^sum: the tensor \[1, 1, 3, 3\] holds an array/);
  });

  it("Tensor methods, cat, allClose and maxAbsDiff refuse a tensor freed by disposeWasm", () => {
    const t = toWasm(ones([2, 3]));
    expect(disposeWasm(t)).toBe(true); // Node's engine memory is shared: toWasm put t in it
    const disposed = /the tensor( a| 0)? \[2, 3\] was disposed \(disposeWasm\)/;
    const calls: [string, () => unknown][] = [
      ["reshape", () => t.reshape([3, 2])],
      ["transpose", () => t.transpose(0, 1)],
      ["permute", () => t.permute(1, 0)],
      ["slice", () => t.slice(0, 0, 1)],
      ["get", () => t.get(0, 0)],
      ["item", () => t.item()],
      ["toArray", () => t.toArray()],
      ["sum", () => t.sum()],
      ["map", () => t.map((v) => v)],
      ["cat", () => cat([t])],
      ["allClose", () => allClose(t, ones([2, 3]))],
      ["maxAbsDiff", () => maxAbsDiff(t, ones([2, 3]))],
    ];
    for (const [op, call] of calls) {
      const message = convError(call).message;
      expect(message.startsWith(`${op}: `), message).toBe(true);
      expect(message).toMatch(disposed);
    }
  });
});

describe("NaN and infinity as in PyTorch (reference backend)", () => {
  // Expected values from torch 2 (float32 and float64 alike), e.g.
  // F.conv1d(torch.ones(1,1,3), torch.tensor([[[inf,1,1]]]), padding=1) -> [nan, inf, inf]
  const inf = Infinity;
  const cases: [string, () => Tensor, number[]][] = [
    [
      "conv1d, an infinite weight on a zero-padded tap gives NaN (0 x Inf)",
      () => conv1d(ones([1, 1, 3]), tensor([[[inf, 1, 1]]]), null, { padding: 1, backend: "reference" }),
      [NaN, inf, inf],
    ],
    [
      "conv1d, a NaN weight reaches every output, padded taps included",
      () => conv1d(ones([1, 1, 3]), tensor([[[NaN, 1, 1]]]), null, { padding: 1, backend: "reference" }),
      [NaN, NaN, NaN],
    ],
    [
      "conv1d, an infinite input reaches only the outputs that read it",
      () => conv1d(tensor([[[inf, 1, 1]]]), ones([1, 1, 3]), null, { padding: 1, backend: "reference" }),
      [inf, inf, 2],
    ],
    [
      "conv1d, dilation 2 and padding 2: the infinite middle tap never lands on padding",
      () => conv1d(ones([1, 1, 3]), tensor([[[1, inf, 1]]]), null, { padding: 2, dilation: 2, backend: "reference" }),
      [inf, inf, inf],
    ],
    [
      "conv2d, stride 2 and padding 1 with one infinite weight",
      () => {
        const w = ones([1, 1, 3, 3]);
        w.data[0] = inf;
        return conv2d(ones([1, 1, 4, 4]), w, null, { padding: 1, stride: 2, backend: "reference" });
      },
      [NaN, NaN, NaN, inf],
    ],
    [
      "convTranspose1d, an infinite weight stays where its taps land",
      () =>
        convTranspose1d(ones([1, 1, 3]), tensor([[[inf, 1, 1]]]), null, {
          padding: 1,
          stride: 2,
          backend: "reference",
        }),
      [1, inf, 1, inf, 1],
    ],
    [
      "convTranspose1d, a NaN weight does not spread to outputs its taps skip",
      () =>
        convTranspose1d(ones([1, 1, 3]), tensor([[[NaN, 1, 1]]]), null, {
          padding: 1,
          stride: 2,
          backend: "reference",
        }),
      [1, NaN, 1, NaN, 1],
    ],
    [
      "convTranspose1d, a NaN input reaches only its own taps",
      () => convTranspose1d(tensor([[[NaN, 1, 1]]]), ones([1, 1, 3]), null, { stride: 2, backend: "reference" }),
      [NaN, NaN, NaN, 1, 2, 1, 1],
    ],
    [
      "convTranspose1d, stride 3, dilation 2, padding 2",
      () =>
        convTranspose1d(ones([1, 1, 2]), tensor([[[inf, 1, 1]]]), null, {
          stride: 3,
          dilation: 2,
          padding: 2,
          backend: "reference",
        }),
      [1, inf, 1, 1],
    ],
  ];
  it.each(cases)("%s", (_, run, expected) => {
    expect(Array.from(run().data)).toEqual(expected);
  });

  it("conv3d with finite weights still skips the padding (same values as before)", () => {
    const x = randn([1, 2, 3, 3, 3], { seed: 1 });
    const w = randn([2, 2, 2, 2, 2], { seed: 2 });
    const y = conv3d(x, w, null, { padding: 1, backend: "reference" });
    expect(y.data.every(Number.isFinite)).toBe(true);
    expect(maxAbsDiff(y, conv3d(x, w, null, { padding: 1 }))).toBeLessThan(1e-5);
  });
});

describe("validate.ts checks added for these ops", () => {
  it("checkNonNegativeInteger, checkInteger with a minimum and checkFunction name the op and the argument", () => {
    expect(checkNonNegativeInteger("pad", "pads", 0)).toBe(0);
    expect(() => checkNonNegativeInteger("pad", "pads", -1)).toThrow(
      /^pad: pads must be a non-negative integer, got -1$/,
    );
    expect(() => checkNonNegativeInteger("pad", "pads", 1n)).toThrow(
      /^pad: pads must be a non-negative integer, got 1n$/,
    );
    expect(checkInteger("f", "k", 3, { min: 1 })).toBe(3);
    expect(() => checkInteger("f", "k", 0, { min: 1 })).toThrow(/^f: k must be an integer >= 1, got 0$/);
    expect(() => checkFunction("timeConv", "run", null)).toThrow(/^timeConv: run must be a function, got null$/);
  });
});

describe("seeds", () => {
  it("rand and randn refuse a seed that is not an integer instead of treating it as seed 0", () => {
    for (const seed of [NaN, Infinity, 0.5, "1", 1n]) {
      expect(convError(() => rand([2], { seed: seed as number })).message).toMatch(/^rand: seed must be an integer/);
      expect(convError(() => randn([2], { seed: seed as number })).message).toMatch(/^randn: seed must be an integer/);
    }
  });

  it("an integer seed is taken modulo 2^32, as the documentation says", () => {
    expect(rand([4], { seed: 2 ** 32 + 5 }).data).toEqual(rand([4], { seed: 5 }).data);
    expect(rand([4], { seed: -1 }).data).toEqual(rand([4], { seed: 2 ** 32 - 1 }).data);
  });
});

describe("crashes that are now ConvErrors", () => {
  const x = ones([1, 1, 3, 3]);
  const w = ones([1, 1, 3, 3]);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;

  it.each([
    ["conv2d(x, w, null, null)", () => conv2d(x, w, null, null as never), /^conv2d: options must be an object/],
    ["conv2d(null, w)", () => conv2d(null as never, w), /^conv2d: input must be a Tensor, got null$/],
    ["a BigInt stride", () => conv2d(x, w, null, { stride: 2n as never }), /^conv2d: stride .* got 2n$/],
    ["a Symbol padding", () => conv2d(x, w, null, { padding: Symbol("p") as never }), /got Symbol\(p\)$/],
    ["a cyclic padding", () => conv2d(x, w, null, { padding: cyclic as never }), /^conv2d: padding must be/],
    ["a BigInt groups", () => conv2d(x, w, null, { groups: 1n as never }), /^conv2d: groups .* got 1n$/],
    ["a Symbol paddingMode", () => conv2d(x, w, null, { paddingMode: Symbol.iterator as never }), /paddingMode/],
    ["a Symbol backend", () => conv2d(x, w, null, { backend: Symbol("b") as never }), /^conv2d: unknown backend/],
    ['pad(x, "abc")', () => pad(x, "abc" as never), /^pad: pads must be an array .* got "abc"/],
    ["pad with a bad mode", () => pad(x, [1, 1], Symbol("m") as never), /^pad: unknown mode Symbol\(m\)/],
    ["pad with a BigInt", () => pad(x, [1n, 1] as never), /^pad: pads must be non-negative integers/],
    ['tensor("abc")', () => tensor("abc" as never), /^tensor: values must be nested arrays of numbers, got "abc"/],
    ["a nested array holding itself", () => tensor(cyclicArray()), /^tensor: .* contains itself/],
    ['zeros("abc")', () => zeros("abc" as never), /^zeros: shape must be an array of sizes, got "abc"$/],
    ["zeros([NaN])", () => zeros([NaN]), /^zeros: shape \[NaN\] must hold non-negative integers$/],
    ["zeros([-1])", () => zeros([-1]), /^zeros: shape \[-1\] must hold non-negative integers$/],
    ["zeros([1e10])", () => zeros([1e10]), /^zeros: shape \[10000000000\] has 1\.000e\+10 elements, more than/],
    ['rand(["2"])', () => rand(["2"] as never), /^rand: shape \["2"\] must hold non-negative integers$/],
    ["arange(NaN)", () => arange(NaN), /^arange: stop must be a finite number, got NaN$/],
    ["arange(0, 1e12)", () => arange(0, 1e12), /^arange: the output \[1000000000000\] would have 1\.000e\+12/],
    ["arange with a zero step", () => arange(0, 5, 0), /^arange: step must be a finite non-zero number, got 0$/],
  ])("%s", (_, call, message) => {
    expect(convError(call).message).toMatch(message);
  });
});

function cyclicArray(): never {
  const a: unknown[] = [];
  a.push(a);
  return a as never;
}

describe("shapes are copied with copyShape, never slice(), in the core and the ops", () => {
  it("no .shape.slice( or Shape.slice( in src/core and src/ops (slice() on a frozen array is slow in V8)", () => {
    for (const dir of ["src/core", "src/ops"]) {
      for (const file of readdirSync(dir)) {
        const text = readFileSync(`${dir}/${file}`, "utf8");
        expect(text.match(/(\.shape|Shape)\.slice\(/g), `${dir}/${file}`).toBeNull();
      }
    }
  });
});

describe("size arithmetic refuses what it cannot answer exactly", () => {
  it("effectiveKernelSize(k, d) and samePadding(k, d) refuse non-integers, BigInt and Symbol, and sizes past 2^53", () => {
    expect(convError(() => effectiveKernelSize(NaN, 2)).message).toMatch(
      /^effectiveKernelSize: kernelSize must be a positive integer, got NaN$/,
    );
    expect(convError(() => effectiveKernelSize(3, 2n as never)).message).toMatch(
      /^effectiveKernelSize: dilation .* got 2n$/,
    );
    expect(convError(() => samePadding(Symbol("k") as never)).message).toMatch(
      /^samePadding: kernelSize .* got Symbol\(k\)$/,
    );
    expect(convError(() => effectiveKernelSize(1e308, 2)).message).toMatch(
      /^effectiveKernelSize: kernelSize 1e\+308 and dilation 2 give a size of Infinity/,
    );
    expect(convError(() => samePadding(3, 1e308)).message).toMatch(/^samePadding: kernelSize 3 and dilation 1e\+308/);
    expect([effectiveKernelSize(3, 2), samePadding(4, 1)]).toEqual([5, [1, 2]]);
  });

  it("convOutputSize, convTransposeOutputSize and poolOutputSize never return Infinity", () => {
    expect(convError(() => convOutputSize(8, 3, { padding: 1e308 })).message).toMatch(
      /^convOutputSize: .*padding 1e\+308/,
    );
    expect(convError(() => convTransposeOutputSize(4, 3, { stride: 1e308 })).message).toMatch(
      /^convTransposeOutputSize: .*stride 1e\+308/,
    );
    expect(convError(() => poolOutputSize(8, 3, { padding: 1e308 })).message).toMatch(
      /^poolOutputSize: .*padding 1e\+308/,
    );
  });

  it("numel(shape), stridesOf(shape) and formatShape(shape) refuse what is not an array of sizes", () => {
    expect(convError(() => numel(NaN as never)).message).toMatch(/^numel: shape must be an array of sizes, got NaN$/);
    expect(convError(() => numel([2, -1])).message).toMatch(/^numel: shape \[2,-1\] must hold non-negative integers$/);
    expect(convError(() => numel([1e300, 1e300])).message).toMatch(/^numel: /);
    expect(convError(() => stridesOf(null as never)).message).toMatch(/^stridesOf: shape must be an array/);
    expect(convError(() => formatShape([[1]] as never)).message).toMatch(
      /^formatShape: shape must be an array of non-negative integers/,
    );
    expect([numel([2, 3]), stridesOf([2, 3]), formatShape([2, 3])]).toEqual([6, [3, 1], "[2, 3]"]);
  });

  it("adaptivePoolWindow(i, inSize, outSize) checks its arguments and never returns NaN", () => {
    expect(convError(() => adaptivePoolWindow(undefined as never, 6, 4)).message).toMatch(
      /^adaptivePoolWindow: index /,
    );
    expect(convError(() => adaptivePoolWindow(4, 6, 4)).message).toMatch(
      /^adaptivePoolWindow: index 4 must be below outSize 4$/,
    );
    expect(convError(() => adaptivePoolWindow(0, 6, 2n as never)).message).toMatch(/^adaptivePoolWindow: outSize /);
    expect(adaptivePoolWindow(1, 6, 4)).toEqual([1, 3]);
  });

  it("convInfo, convTransposeInfo and poolInfo refuse options that are not an object, unknown keys and sizes past 2^53", () => {
    const x = [1, 4, 6, 6];
    expect(convError(() => convInfo("demo", 2, x, [6, 4, 3, 3], null, NaN as never)).message).toMatch(
      /^demo: options must be an object/,
    );
    expect(convError(() => convInfo("demo", 2, x, [6, 4, 3, 3], null, { dilaton: 2 } as never)).message).toMatch(
      /^demo: unknown option "dilaton"; did you mean "dilation"\?/,
    );
    expect(convError(() => convInfo("demo", 2, x, [6, 4, 3, 3], null, { padding: 1e308 })).message).toMatch(
      /^demo: padding 1e\+308 \+ 1e\+308/,
    );
    expect(convError(() => convTransposeInfo("demo", 2, x, [4, 3, 3, 3], null, null as never)).message).toMatch(
      /^demo: options must be an object/,
    );
    expect(convError(() => convTransposeInfo("demo", 2, x, [4, 3, 3, 3], null, { stride: 1e308 })).message).toMatch(
      /^demo: input size 6, stride 1e\+308/,
    );
    expect(convError(() => poolInfo("demo", 2, x, { kernelSize: 3, strides: 2 } as never)).message).toMatch(
      /^demo: unknown option "strides"; did you mean "stride"\?/,
    );
    expect(convError(() => poolInfo("demo", 2, x, { kernelSize: 3, countIncludePad: NaN } as never)).message).toMatch(
      /^demo: countIncludePad must be true or false, got NaN$/,
    );
  });

  it("adaptiveAvgPool2d(x, 4096) computes its 67M outputs without a per-window allocation", () => {
    const [y, ms] = timed(() => adaptiveAvgPool2d(ones([1, 1, 2, 2]), [4096, 4096]));
    expect(y.shape).toEqual([1, 1, 4096, 4096]);
    expect(y.data[0]).toBe(1);
    expect(ms).toBeLessThan(5000);
    expect(convError(() => adaptiveAvgPool2d(ones([1, 1, 2, 2]), 1e308)).message).toMatch(/^adaptiveAvgPool2d: /);
  });
});

describe("backends", () => {
  it("registerBackend(backend) refuses a backend without a name, conv or convTranspose", () => {
    expect(convError(() => registerBackend(null as never)).message).toMatch(
      /^registerBackend: backend must be an object/,
    );
    expect(convError(() => registerBackend(NaN as never)).message).toMatch(
      /^registerBackend: backend must be an object/,
    );
    expect(convError(() => registerBackend({ name: "" } as never)).message).toMatch(
      /^registerBackend: backend.name must be a non-empty string/,
    );
    expect(convError(() => registerBackend({ name: "x", conv: () => null } as never)).message).toMatch(
      /^registerBackend: backend.convTranspose must be a function/,
    );
  });

  it('getBackend("") and conv2d(x, w, null, {backend: ""}) are refused naming the backend, not a TypeError', () => {
    expect(() => registerBackend({ name: "" } as never)).toThrow(ConvError);
    expect(convError(() => getBackend("")).message).toMatch(
      /^getBackend: unknown backend ""; available: "reference", "wasm"$/,
    );
    expect(convError(() => setBackend(Symbol("b") as never)).message).toMatch(
      /^setBackend: unknown backend Symbol\(b\)/,
    );
    const x = ones([1, 1, 3, 3]);
    expect(convError(() => conv2d(x, x, null, { backend: "" })).message).toMatch(/^conv2d: unknown backend ""/);
  });
});

describe("messages name the argument as the API does", () => {
  it("batchNorm(x, runningMean, runningVar) names runningMean and runningVar", () => {
    const x = ones([1, 2, 3, 3]);
    expect(convError(() => batchNorm(x, NaN as never, ones([2]))).message).toMatch(
      /^batchNorm: runningMean must be a Tensor/,
    );
    expect(convError(() => batchNorm(x, ones([2]), [1, 1] as never)).message).toMatch(
      /^batchNorm: runningVar must be a Tensor/,
    );
    expect(convError(() => batchNormInfo("demo", [1, 2, 3, 3], NaN as never, [2], null, null)).message).toMatch(
      /^demo: runningMean must be an array of sizes/,
    );
  });

  it("new ConvError(op, message) takes a Symbol message without a TypeError", () => {
    expect(new ConvError("demo", Symbol("m") as never).message).toBe("demo: Symbol(m)");
  });
});

describe("seeds are safe integers", () => {
  it("mulberry32(seed), rand and randn refuse BigInt, Symbol and seeds past 2^53; null is not seed 0", () => {
    expect(convError(() => mulberry32(2n as never)).message).toMatch(/^mulberry32: seed must be an integer, got 2n$/);
    expect(convError(() => mulberry32(Symbol("s") as never)).message).toMatch(/^mulberry32: seed must be an integer/);
    expect(convError(() => rand([2], { seed: 1e308 })).message).toMatch(
      /^rand: seed must be a safe integer \(\|seed\| < 2\^53\), got 1e\+308$/,
    );
    expect(convError(() => randn([2], { seed: null as never })).message).toMatch(
      /^randn: seed must be an integer, got null$/,
    );
    expect(convError(() => rand([2], { low: null as never })).message).toMatch(
      /^rand: low must be a finite number, got null$/,
    );
  });
});

describe("tensor helpers with hostile arguments", () => {
  it("cat(tensors, dim) refuses a Symbol dim with a ConvError", () => {
    expect(convError(() => cat([ones([1, 2]), ones([1, 3])], Symbol("d") as never)).message).toMatch(
      /^cat: dim must be an integer, got Symbol\(d\)$/,
    );
  });

  it("arange(0, 1e8, 2) fills its 5e7 values in a loop, well within a second or two", () => {
    const [t, ms] = timed(() => arange(0, 1e8, 2));
    expect([t.shape, t.data[3]]).toEqual([[5e7], 6]);
    expect(ms).toBeLessThan(3000);
  });
});
