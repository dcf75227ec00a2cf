import { describe, expect, it } from "vitest";
import {
  BatchNorm2d,
  buildLayer,
  Conv2d,
  ConvNd,
  ConvTranspose2d,
  ConvTransposeNd,
  DepthwiseConv2d,
  GroupedSeparableConv2d,
  Linear,
  loadModel,
  manualSeed,
  MaxPool2d,
  MAX_NESTING,
  NamedSequential,
  PoolNd,
  PointwiseConv2d,
  ReLU,
  resolveSpec,
  SeparableConv2d,
  Sequential,
  zeros,
  type Module,
} from "../src/index.js";
import { expectConvError } from "./helpers.js";

describe("a composite layer's constructor errors start with the composite's own name", () => {
  it.each([
    [
      "SeparableConv2d: a bad stride, checked by its depthwise step",
      () => new SeparableConv2d(4, 6, 3, { stride: NaN }),
      /^SeparableConv2d: depthwise: stride must be a positive integer, got NaN$/,
    ],
    [
      "SeparableConv2d: a bad padding mode, checked by its depthwise step",
      () => new SeparableConv2d(4, 6, 3, { paddingMode: "mirror" as never }),
      /^SeparableConv2d: depthwise: unknown paddingMode "mirror"/,
    ],
    [
      "SeparableConv2d: inChannels (the depthwise step's channels) is named as the caller passed it",
      () => new SeparableConv2d(NaN, 6, 3),
      /^SeparableConv2d: inChannels must be a positive integer, got NaN$/,
    ],
    [
      "SeparableConv2d: outChannels",
      () => new SeparableConv2d(4, 0, 3),
      /^SeparableConv2d: outChannels must be a positive integer, got 0$/,
    ],
    [
      "SeparableConv2d: kernelSize",
      () => new SeparableConv2d(4, 6, NaN),
      /^SeparableConv2d: kernelSize must be a positive integer, got NaN$/,
    ],
    [
      "SeparableConv2d: bias",
      () => new SeparableConv2d(4, 6, 3, { bias: "no" as never }),
      /^SeparableConv2d: bias must be true or false, got "no"$/,
    ],
    [
      "GroupedSeparableConv2d: a bad dilation, checked by its depthwise step",
      () => new GroupedSeparableConv2d(4, 6, 3, { groups: 2, dilation: -1 }),
      /^GroupedSeparableConv2d: depthwise: dilation must be a positive integer, got -1$/,
    ],
    [
      "GroupedSeparableConv2d: groups that do not divide outChannels",
      () => new GroupedSeparableConv2d(4, 6, 3, { groups: 4 }),
      /^GroupedSeparableConv2d: outChannels \(6\) must be divisible by groups \(4\)$/,
    ],
    [
      "GroupedSeparableConv2d: kernelSize",
      () => new GroupedSeparableConv2d(4, 6, [3, 0], { groups: 2 }),
      /^GroupedSeparableConv2d: kernelSize/,
    ],
    [
      "DepthwiseConv2d: kernelSize, checked by the Conv2d it extends",
      () => new DepthwiseConv2d(4, NaN),
      /^DepthwiseConv2d: kernelSize must be a positive integer, got NaN$/,
    ],
    [
      "DepthwiseConv2d: stride",
      () => new DepthwiseConv2d(4, 3, { stride: 0 }),
      /^DepthwiseConv2d: stride must be a positive integer, got 0$/,
    ],
    [
      "PointwiseConv2d: inChannels",
      () => new PointwiseConv2d(NaN, 6),
      /^PointwiseConv2d: inChannels must be a positive integer, got NaN$/,
    ],
    [
      "PointwiseConv2d: groups that do not divide inChannels",
      () => new PointwiseConv2d(4, 6, { groups: 3 }),
      /^PointwiseConv2d: inChannels \(4\) must be divisible by groups \(3\)$/,
    ],
  ])("%s", (_, fn, message) => expectConvError(fn, message));

  it("a (grouped) separable spec's errors name its own type after resolveSpec's op", () => {
    expectConvError(
      () => resolveSpec({ type: "SeparableConv2d", inChannels: 4, outChannels: 6, kernelSize: 3, stride: NaN }),
      /^resolveSpec: SeparableConv2d: depthwise: stride must be a positive integer, got NaN$/,
    );
    expectConvError(
      () =>
        resolveSpec({
          type: "GroupedSeparableConv2d",
          inChannels: 4,
          outChannels: 6,
          kernelSize: 0,
          groups: 2,
        }),
      /^resolveSpec: GroupedSeparableConv2d: depthwise: kernelSize must be a positive integer, got 0$/,
    );
  });

  it("Conv2d itself still reports as Conv2d", () => {
    expectConvError(() => new Conv2d(4, 6, 3, { stride: NaN }), /^Conv2d: stride must be a positive integer, got NaN$/);
  });
});

describe("seeds must be safe integers", () => {
  const unsafe: [string, unknown, RegExp][] = [
    ["1e308", 1e308, /seed must be a safe integer \(\|seed\| < 2\^53\), got 1e\+308$/],
    ["2^53", 2 ** 53, /seed must be a safe integer .*, got 9007199254740992$/],
    ["-(2^53)", -(2 ** 53), /seed must be a safe integer .*, got -9007199254740992$/],
    ["a BigInt", 2n, /seed must be an integer, got 2n$/],
    ["a Symbol", Symbol("s"), /seed must be an integer, got Symbol\(s\)$/],
  ];
  const layers: [string, (seed: never) => unknown][] = [
    ["Conv2d", (seed) => new Conv2d(4, 6, 3, { seed })],
    ["ConvTranspose2d", (seed) => new ConvTranspose2d(4, 6, 3, { seed })],
    ["DepthwiseConv2d", (seed) => new DepthwiseConv2d(4, 3, { seed })],
    ["PointwiseConv2d", (seed) => new PointwiseConv2d(4, 6, { seed })],
    ["SeparableConv2d", (seed) => new SeparableConv2d(4, 6, 3, { seed })],
    ["GroupedSeparableConv2d", (seed) => new GroupedSeparableConv2d(4, 6, 3, { groups: 2, seed })],
    ["Linear", (seed) => new Linear(4, 6, { seed })],
    ["manualSeed", (seed) => manualSeed(seed)],
    ["buildLayer", (seed) => buildLayer({ type: "Linear", inFeatures: 2, outFeatures: 2 }, { seed })],
    [
      "model", // loadModel's errors are the model file's
      (seed) =>
        loadModel({ inputShape: [1, 2], layers: [{ type: "Linear", inFeatures: 2, outFeatures: 2 }] }, { seed }),
    ],
  ];
  for (const [op, make] of layers) {
    it.each(unsafe)(`${op} refuses seed %s with a ConvError naming seed`, (_, seed, message) => {
      expectConvError(() => make(seed as never), new RegExp(`^${op}: ${message.source}`));
    });
  }

  it("a composite's children get seed + i, as before, for ordinary seeds", () => {
    for (const seed of [5, -3, 0]) {
      const separable = new SeparableConv2d(4, 6, 3, { seed });
      expect(separable.depthwise.weight.data).toEqual(new DepthwiseConv2d(4, 3, { seed }).weight.data);
      expect(separable.pointwise.weight.data).toEqual(new PointwiseConv2d(4, 6, { seed: seed + 1 }).weight.data);
    }
  });

  it("the largest safe seed gives its children seeds the stream reads as seed + i (modulo 2^32), not unsafe sums", () => {
    const seed = Number.MAX_SAFE_INTEGER; // 2^53 - 1, which is 2^32 - 1 modulo 2^32
    const separable = new GroupedSeparableConv2d(4, 6, 3, { groups: 2, seed });
    expect(separable.depthwise.weight.data).toEqual(new DepthwiseConv2d(4, 3, { seed: 2 ** 32 - 1 }).weight.data);
    expect(separable.pointwise.weight.data).toEqual(new Conv2d(4, 6, 1, { groups: 2, seed: 0 }).weight.data);
    const model = buildLayer(
      {
        type: "Sequential",
        layers: [
          { type: "Linear", inFeatures: 2, outFeatures: 2 },
          { type: "Linear", inFeatures: 2, outFeatures: 2 },
        ],
      },
      { seed },
    );
    const second = model.children()[1]![1] as Linear;
    expect(second.weight.data).toEqual(new Linear(2, 2, { seed: 999 }).weight.data); // 2^32 - 1 + 1000
  });
});

describe("a layer's parameters and buffers together stay under MAX_ALLOCATED_ELEMENTS", () => {
  it("BatchNorm2d(1e8) is refused before allocating its four 1e8-value arrays", () => {
    expectConvError(
      () => new BatchNorm2d(1e8),
      /^BatchNorm2d: the parameters and buffers \(runningMean \[100000000\], runningVar \[100000000\], weight \[100000000\], bias \[100000000\]\) would hold 4\.000e\+8 values in total, more than convkit allocates for one layer \(2\^28\); check numFeatures$/,
    );
  });

  it("BatchNorm2d(7e7) is refused although each of its arrays is under the limit", () => {
    expectConvError(
      () => new BatchNorm2d(7e7),
      /^BatchNorm2d: the parameters and buffers .* 2\.800e\+8 values in total/,
    );
  });

  it("a weight at the limit plus its bias is refused (Conv2d and Linear)", () => {
    expectConvError(
      () => new Conv2d(1, 2 ** 28, 1),
      /^Conv2d: the parameters and buffers \(weight \[268435456, 1, 1, 1\], bias \[268435456\]\) would hold 5\.369e\+8 values in total/,
    );
    expectConvError(
      () => new Linear(1, 2 ** 28),
      /^Linear: the parameters and buffers \(weight \[268435456, 1\], bias/,
    );
  });

  it("GroupedSeparableConv2d counts both steps before building either", () => {
    expectConvError(
      () => new GroupedSeparableConv2d(4, 1e8, 3, { groups: 2 }),
      /^GroupedSeparableConv2d: the parameters and buffers \(depthwise weight \[4, 1, 3, 3\], pointwise weight \[100000000, 2, 1, 1\], depthwise bias \[4\], pointwise bias \[100000000\]\) would hold 3\.000e\+8 values in total/,
    );
    expectConvError(
      () => new SeparableConv2d(1e8, 6, 3),
      /^SeparableConv2d: the depthwise weight \[100000000, 1, 3, 3\] would have 9\.000e\+8 elements/,
    );
  });
});

describe("a layer refuses at construction what its forward would refuse for any input", () => {
  it("BatchNorm2d refuses eps: Infinity (batchNorm refuses it whatever the input)", () => {
    expectConvError(() => new BatchNorm2d(4, { eps: Infinity }), /^BatchNorm2d: eps must be finite, got Infinity$/);
    expectConvError(
      () => resolveSpec({ type: "BatchNorm2d", numFeatures: 4, eps: Infinity }),
      /^resolveSpec: BatchNorm2d: eps must be finite, got Infinity$/,
    );
  });
});

describe("Sequential and NamedSequential refuse what is not a layer, naming it", () => {
  it.each([
    ["a number", () => new Sequential(NaN as never), /^Sequential: layer 0 is not a Module, got NaN$/],
    [
      "a spec object, with a pointer to buildLayer",
      () => new Sequential(new ReLU(), { type: "ReLU" } as never),
      /^Sequential: layer 1 is not a Module, got \{"type":"ReLU"\}; build a spec with buildLayer$/,
    ],
    [
      "entries that are not an array",
      () => new NamedSequential(null as never),
      /^NamedSequential: entries must be an array of \[name, Module\] pairs, got null$/,
    ],
    [
      "an entry that is not a pair",
      () => new NamedSequential([1] as never),
      /^NamedSequential: entries\[0\] must be a \[name, Module\] pair, got 1$/,
    ],
    [
      "a pair without its layer",
      () => new NamedSequential([["relu"]] as never),
      /^NamedSequential: entries\[0\] must be a \[name, Module\] pair, got \["relu"\]$/,
    ],
    [
      "a name that is not a string",
      () => new NamedSequential([[3, new ReLU()]] as never),
      /^NamedSequential: entries\[0\]: layer names must be non-empty strings without "\.", got 3$/,
    ],
    [
      "a name with a dot",
      () => new NamedSequential([["a.b", new ReLU()]]),
      /^NamedSequential: entries\[0\]: layer names must be non-empty strings without "\.", got "a\.b"$/,
    ],
    [
      "a duplicate name",
      () =>
        new NamedSequential([
          ["a", new ReLU()],
          ["a", new ReLU()],
        ]),
      /^NamedSequential: entries\[1\]: duplicate layer name "a"$/,
    ],
    [
      "a layer that is not a Module",
      () => new NamedSequential([["a", 3 as unknown as Module]]),
      /^NamedSequential: entries\[0\] \(layer "a"\) is not a Module, got 3$/,
    ],
  ])("%s", (_, fn, message) => expectConvError(fn, message));

  it("forward and parameters() of a module tree nested more than MAX_NESTING deep are a ConvError, not a stack overflow", () => {
    let layer: Module = new Linear(2, 2, { seed: 1 });
    for (let i = 1; i < MAX_NESTING; i++) layer = new Sequential(layer); // MAX_NESTING levels, the Linear included
    expect(layer.forward(zeros([1, 2])).shape).toEqual([1, 2]);
    expect(layer.parameters()).toHaveLength(2);
    let deep = layer;
    for (let i = 0; i < 2000; i++) deep = new Sequential(deep);
    expectConvError(() => deep.forward(zeros([1, 2])), /^Sequential: layers nest more than 100 deep$/);
    expectConvError(() => deep.numParameters(), /^Sequential: layers nest more than 100 deep$/);
    // A container edited to hold itself is refused the same way.
    const cyclic = new Sequential(new ReLU());
    cyclic.layers.push(cyclic);
    expectConvError(() => cyclic.forward(zeros([1, 2])), /^Sequential: layers nest more than 100 deep$/);
    expect(new Sequential(new ReLU()).forward(zeros([1, 2])).shape).toEqual([1, 2]); // the depth count is back to 0
  });

  it("an empty Sequential or NamedSequential is valid and passes its input through, as in PyTorch", () => {
    const x = zeros([1, 2, 3, 3]);
    expect(new Sequential().forward(x)).toBe(x);
    expect(new NamedSequential([]).forward(x)).toBe(x);
  });
});

describe("layer base classes take their options as the layers do", () => {
  it("ConvNd and ConvTransposeNd without an options object use the defaults", () => {
    // The bases are abstract to TypeScript only; a subclass that passes no options reaches them so.
    const Conv = ConvNd as unknown as new (...args: unknown[]) => Conv2d;
    const ConvT = ConvTransposeNd as unknown as new (...args: unknown[]) => ConvTranspose2d;
    const conv = new Conv("Conv2d", 2, 4, 6, 3, undefined);
    expect([conv.stride, conv.padding, conv.groups]).toEqual([[1, 1], [0, 0], 1]);
    const convT = new ConvT("ConvTranspose2d", 2, 4, 6, 3, undefined);
    expect([convT.stride, convT.outputPadding]).toEqual([
      [1, 1],
      [0, 0],
    ]);
  });

  it("a pooling layer refuses a null padding, dilation or ceilMode, and keeps a null stride as no stride", () => {
    expectConvError(() => new MaxPool2d(3, { padding: null as never }), /^MaxPool2d: padding must be/);
    expectConvError(() => new MaxPool2d(3, { dilation: null as never }), /^MaxPool2d: dilation must be/);
    expectConvError(
      () => new MaxPool2d(3, { ceilMode: null as never }),
      /^MaxPool2d: ceilMode must be true or false, got null$/,
    );
    expect(new MaxPool2d(3, { stride: null as never, padding: 1 }).options).toEqual(
      new MaxPool2d(3, { padding: 1 }).options,
    );
    const Pool = PoolNd as unknown as new (...args: unknown[]) => MaxPool2d;
    expect(new Pool("MaxPool2d", 2, true, 3, undefined).options).toEqual({ kernelSize: 3 });
  });

  it("an empty NamedSequential is the identity, as PyTorch's empty nn.Sequential", () => {
    const x = zeros([1, 2, 3, 3]);
    expect(new NamedSequential([]).forward(x).shape).toEqual([1, 2, 3, 3]);
  });
});
