import fc from "fast-check";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AdaptiveAvgPool2d,
  adaptiveAvgPool2d,
  adaptivePoolWindow,
  BatchNorm2d,
  batchNorm,
  buildLayer,
  ConvError,
  Flatten,
  flatten,
  flattenShape,
  Linear,
  linear,
  layerSpec,
  layerStats,
  NamedSequential,
  rand,
  ReLU,
  relu,
  resolveSpec,
  Sequential,
  Conv2d,
  Tensor,
  type LayerSpec,
  type Module,
} from "../src/index.js";
import { expectClose, repoRoot } from "./helpers.js";

interface TorchLayerCase {
  name: string;
  layer: LayerSpec;
  input_shape: number[];
  input: number[];
  params: Record<string, number[]>;
  output_shape: number[];
  output: number[];
}

const torchCases = (
  JSON.parse(readFileSync(resolve(repoRoot, "test/fixtures/layers-network-cases.json"), "utf8")) as {
    cases: TorchLayerCase[];
  }
).cases;

/** The case's layer with PyTorch's parameters and running statistics copied in. */
function layerWithParams(c: TorchLayerCase): Module {
  const layer = buildLayer(c.layer, { seed: 1 });
  const set = (key: string, values: number[]) => Tensor.from(values, [values.length]);
  const p = c.params;
  if (layer instanceof Linear) {
    layer.weight = Tensor.from(p.weight!, layer.weight.shape);
    layer.bias = p.bias ? set("bias", p.bias) : null;
  }
  if (layer instanceof BatchNorm2d) {
    layer.runningMean = set("running_mean", p.running_mean!);
    layer.runningVar = set("running_var", p.running_var!);
    if (p.weight) layer.weight = set("weight", p.weight);
    if (p.bias) layer.bias = set("bias", p.bias);
  }
  return layer;
}

describe("network layers match PyTorch 1.13 (test/fixtures/layers-network-cases.json)", () => {
  it("holds cases for every new layer type", () => {
    expect(new Set(torchCases.map((c) => c.layer.type))).toEqual(
      new Set(["Linear", "ReLU", "Flatten", "BatchNorm2d", "AdaptiveAvgPool2d"]),
    );
  });

  it.each(torchCases.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const y = layerWithParams(c).forward(Tensor.from(c.input, c.input_shape));
    expect(y.shape).toEqual(c.output_shape);
    expectClose(y, c.output, { rtol: 1e-5, atol: 1e-6 });
    expect(layerStats(c.layer, c.input_shape).outputShape).toEqual(c.output_shape);
  });
});

describe("functional ops", () => {
  it("linear(x, w, b) computes x W^T + b over the last dimension", () => {
    const x = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3]);
    const w = Tensor.from([1, 0, 0, 0, 1, 1], [2, 3]);
    expect(linear(x, w, Tensor.from([10, 20], [2])).toArray()).toEqual([
      [11, 25],
      [14, 31],
    ]);
    expect(linear(x, w).toArray()).toEqual([
      [1, 5],
      [4, 11],
    ]);
  });

  it("linear() names both shapes when the features disagree", () => {
    expect(() => linear(rand([2, 4]), rand([3, 5]))).toThrow(
      /linear: input \[2, 4\] has 4 features in its last dimension but weight \[3, 5\] expects 5/,
    );
    expect(() => linear(rand([2, 5]), rand([3, 5]), rand([2]))).toThrow(
      /bias \[2\] must have one entry per output feature \(3\)/,
    );
  });

  it("relu() zeroes negatives and keeps NaN", () => {
    expect(Array.from(relu(Tensor.from([-1, 0, 2, NaN], [4])).data)).toEqual([0, 0, 2, NaN]);
  });

  it("flattenShape() follows torch.flatten, negative dims included", () => {
    expect(flattenShape("f", [2, 3, 4, 5])).toEqual([120]);
    expect(flattenShape("f", [2, 3, 4, 5], 1)).toEqual([2, 60]);
    expect(flattenShape("f", [2, 3, 4, 5], -3, -2)).toEqual([2, 12, 5]);
    expect(flatten(rand([2, 3, 4]), 1).shape).toEqual([2, 12]);
    expect(() => flattenShape("flatten", [2, 3], 2)).toThrow(/startDim 2 is out of range for input \[2, 3\]/);
    expect(() => flattenShape("flatten", [2, 3, 4], 2, 1)).toThrow(/startDim \(2\) must not come after endDim \(1\)/);
  });

  it("batchNorm() folds the running statistics into a scale and a shift", () => {
    const x = Tensor.from([1, 2, 3, 4], [1, 2, 2, 1]);
    const y = batchNorm(x, Tensor.from([1, 2], [2]), Tensor.from([4, 1], [2]), {
      weight: Tensor.from([2, 1], [2]),
      bias: Tensor.from([0, 1], [2]),
      eps: 0,
    });
    expect(Array.from(y.data)).toEqual([0, 1, 2, 3]);
  });

  it("adaptivePoolWindow() overlaps windows when the sizes do not divide", () => {
    expect([0, 1, 2].map((i) => adaptivePoolWindow(i, 7, 3))).toEqual([
      [0, 3],
      [2, 5],
      [4, 7],
    ]);
    expect([0, 1].map((i) => adaptivePoolWindow(i, 8, 2))).toEqual([
      [0, 4],
      [4, 8],
    ]);
    expect(adaptiveAvgPool2d(Tensor.from([1, 2, 3, 4], [1, 1, 2, 2]), 1).item()).toBe(2.5);
  });
});

describe("network layer classes", () => {
  it("Linear and BatchNorm2d count parameters as PyTorch does", () => {
    expect(new Linear(320, 50).numParameters()).toBe(16050);
    expect(new Linear(320, 50, { bias: false }).numParameters()).toBe(16000);
    expect(new BatchNorm2d(64).numParameters()).toBe(128);
    expect(new BatchNorm2d(64, { affine: false }).numParameters()).toBe(0);
  });

  it("Linear draws its initial weights from the seed", () => {
    expect(new Linear(4, 3, { seed: 7 }).weight.data).toEqual(new Linear(4, 3, { seed: 7 }).weight.data);
    const bound = 1 / Math.sqrt(4);
    expect(Array.from(new Linear(4, 3, { seed: 7 }).weight.data).every((v) => Math.abs(v) <= bound)).toBe(true);
  });

  it("BatchNorm2d refuses input that is not 4-D, as PyTorch does", () => {
    expect(() => new BatchNorm2d(3).forward(rand([3, 4, 4]))).toThrow(
      /BatchNorm2d: expected 4D input \(N, C, H, W\), got \[3, 4, 4\]/,
    );
    expect(() => new BatchNorm2d(3).forward(rand([1, 4, 4, 4]))).toThrow(/has 4 channels but the layer expects 3/);
  });

  it("constructors reject bad options with the option's name", () => {
    expect(() => new Linear(0, 3)).toThrow(/Linear: inFeatures must be a positive integer, got 0/);
    expect(() => new AdaptiveAvgPool2d([2, 0] as unknown as [number, number])).toThrow(
      /AdaptiveAvgPool2d: outputSize must hold positive integers/,
    );
    expect(() => new BatchNorm2d(3, { momentum: 2 })).toThrow(/momentum must be a number in \[0, 1\]/);
  });

  it("NamedSequential names its children and refuses duplicates", () => {
    const net = new NamedSequential([
      ["conv", new Conv2d(1, 2, 3)],
      ["act", new ReLU()],
    ]);
    expect(net.children().map(([name]) => name)).toEqual(["conv", "act"]);
    expect(net.forward(rand([1, 1, 5, 5])).shape).toEqual([1, 2, 3, 3]);
    expect(
      () =>
        new NamedSequential([
          ["a", new ReLU()],
          ["a", new ReLU()],
        ]),
    ).toThrow(/duplicate layer name "a"/);
  });
});

// --- Property: layerStats(layer, shape).outputShape is the shape layer.forward produces. -------------------

const small = fc.integer({ min: 1, max: 3 });
const channels = fc.integer({ min: 1, max: 4 });
const spatial = (rank: number) => fc.array(fc.integer({ min: 1, max: 7 }), { minLength: rank, maxLength: rank });

/** A random layer spec of any type convkit counts, with a random input shape (valid or not). */
const layerAndInput: fc.Arbitrary<{ spec: LayerSpec; input: number[] }> = fc.oneof(
  fc
    .record({
      rank: fc.constantFrom(1, 2, 3),
      cin: channels,
      cout: channels,
      g: fc.constantFrom(1, 2),
      k: small,
      s: small,
      p: fc.integer({ min: 0, max: 2 }),
      d: small,
      bias: fc.boolean(),
      batched: fc.boolean(),
      size: spatial(3),
      mode: fc.constantFrom("zeros", "reflect", "replicate", "circular"),
    })
    .map(({ rank, cin, cout, g, k, s, p, d, bias, batched, size, mode }) => ({
      spec: {
        type: `Conv${rank}d`,
        inChannels: cin * g,
        outChannels: cout * g,
        kernelSize: k,
        stride: s,
        padding: p,
        dilation: d,
        groups: g,
        bias,
        paddingMode: mode,
      } as LayerSpec,
      input: [...(batched ? [2] : []), cin * g, ...size.slice(0, rank)],
    })),
  fc
    .record({
      rank: fc.constantFrom(1, 2),
      cin: channels,
      cout: channels,
      g: fc.constantFrom(1, 2),
      k: small,
      s: small,
      p: fc.integer({ min: 0, max: 1 }),
      d: small,
      op: fc.integer({ min: 0, max: 2 }),
      size: spatial(2),
    })
    .map(({ rank, cin, cout, g, k, s, p, d, op, size }) => ({
      spec: {
        type: `ConvTranspose${rank}d`,
        inChannels: cin * g,
        outChannels: cout * g,
        kernelSize: k,
        stride: s,
        padding: p,
        dilation: d,
        groups: g,
        outputPadding: Math.min(op, Math.max(s, d) - 1),
      } as LayerSpec,
      input: [1, cin * g, ...size.slice(0, rank)],
    })),
  fc
    .record({
      c: channels,
      m: fc.constantFrom(1, 2),
      k: small,
      s: small,
      p: fc.constantFrom<number | "same">(0, 1, "same"),
      size: spatial(2),
    })
    .map(({ c, m, k, s, p, size }) => ({
      spec: {
        type: "DepthwiseConv2d",
        channels: c,
        channelMultiplier: m,
        kernelSize: k,
        stride: p === "same" ? 1 : s,
        padding: p,
      } as LayerSpec,
      input: [1, c, ...size],
    })),
  fc.record({ cin: channels, cout: channels, s: small, size: spatial(2) }).map(({ cin, cout, s, size }) => ({
    spec: { type: "PointwiseConv2d", inChannels: cin, outChannels: cout, stride: s } as LayerSpec,
    input: [1, cin, ...size],
  })),
  fc
    .record({
      cin: channels,
      cout: channels,
      g: fc.constantFrom(1, 2),
      k: small,
      s: small,
      size: spatial(2),
      grouped: fc.boolean(),
    })
    .map(({ cin, cout, g, k, s, size, grouped }) => ({
      spec: (grouped
        ? {
            type: "GroupedSeparableConv2d",
            inChannels: cin * g,
            outChannels: cout * g,
            kernelSize: k,
            stride: s,
            groups: g,
          }
        : { type: "SeparableConv2d", inChannels: cin * g, outChannels: cout, kernelSize: k, stride: s }) as LayerSpec,
      input: [1, cin * g, ...size],
    })),
  fc
    .record({
      rank: fc.constantFrom(1, 2, 3),
      max: fc.boolean(),
      k: small,
      s: fc.option(small, { nil: undefined }),
      p: fc.integer({ min: 0, max: 1 }),
      d: small,
      ceil: fc.boolean(),
      size: spatial(3),
    })
    .map(({ rank, max, k, s, p, d, ceil, size }) => ({
      spec: (max
        ? {
            type: `MaxPool${rank}d`,
            kernelSize: k,
            ...(s === undefined ? {} : { stride: s }),
            padding: p,
            dilation: d,
            ceilMode: ceil,
          }
        : {
            type: `AvgPool${rank}d`,
            kernelSize: k,
            ...(s === undefined ? {} : { stride: s }),
            padding: p,
            ceilMode: ceil,
          }) as LayerSpec,
      input: [2, 2, ...size.slice(0, rank)],
    })),
  fc
    .record({ inF: channels, outF: channels, bias: fc.boolean(), lead: fc.array(small, { maxLength: 2 }) })
    .map(({ inF, outF, bias, lead }) => ({
      spec: { type: "Linear", inFeatures: inF, outFeatures: outF, bias } as LayerSpec,
      input: [...lead, inF],
    })),
  fc
    .record({
      start: fc.integer({ min: -3, max: 3 }),
      end: fc.integer({ min: -3, max: 3 }),
      shape: fc.array(small, { minLength: 1, maxLength: 4 }),
    })
    .map(({ start, end, shape }) => ({
      spec: { type: "Flatten", startDim: start, endDim: end } as LayerSpec,
      input: shape,
    })),
  fc
    .array(small, { minLength: 1, maxLength: 4 })
    .map((shape) => ({ spec: { type: "ReLU" } as LayerSpec, input: shape })),
  fc
    .record({ c: channels, affine: fc.boolean(), shape: fc.array(small, { minLength: 2, maxLength: 3 }) })
    .map(({ c, affine, shape }) => ({
      spec: { type: "BatchNorm2d", numFeatures: c, affine } as LayerSpec,
      input: [shape[0]!, c, ...shape.slice(1), 2],
    })),
  fc
    .record({
      out: fc.oneof(small, fc.tuple(fc.option(small, { nil: null }), fc.option(small, { nil: null }))),
      size: spatial(2),
      batched: fc.boolean(),
    })
    .map(({ out, size, batched }) => ({
      spec: { type: "AdaptiveAvgPool2d", outputSize: out } as LayerSpec,
      input: [...(batched ? [2] : []), 3, ...size],
    })),
  fc.record({ g: fc.constantFrom(1, 2), c: channels, size: spatial(2) }).map(({ g, c, size }) => ({
    spec: { type: "ChannelShuffle", groups: g } as LayerSpec,
    input: [1, c * g, ...size],
  })),
);

/** Runs fn; returns its value, or the ConvError it threw. */
function attempt<T>(fn: () => T): T | ConvError {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ConvError) return error;
    throw error;
  }
}

describe("layerStats() agrees with the forward pass", () => {
  it("outputShape equals the forward pass's shape, and both refuse the same inputs (fast-check, every layer type)", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(layerAndInput, ({ spec, input }) => {
        const stats = attempt(() => layerStats(spec, input));
        const layer = buildLayer(spec, { seed: 3 });
        const forward = attempt(() => layer.forward(rand(input, { seed: 5 })).shape);
        if (stats instanceof ConvError) {
          expect(forward, `${JSON.stringify(spec)} on [${input}]: layerStats threw ${stats.message}`).toBeInstanceOf(
            ConvError,
          );
        } else {
          seen.add(spec.type);
          expect(forward, `${JSON.stringify(spec)} on [${input}]`).toEqual(stats.outputShape);
          expect(layerStats(layer, input)).toEqual(stats);
        }
      }),
      { numRuns: 600, seed: 42 },
    );
    // every family produced valid cases too
    expect(seen.size).toBeGreaterThanOrEqual(20);
  });

  it("layerSpec(buildLayer(spec)) describes the same layer (and JSON survives the round trip)", () => {
    fc.assert(
      fc.property(layerAndInput, ({ spec }) => {
        const again = layerSpec(buildLayer(spec));
        expect(resolveSpec(JSON.parse(JSON.stringify(again)))).toEqual(resolveSpec(spec));
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it("composite layers report their children and add them up", () => {
    const net = new Sequential(
      new Conv2d(3, 8, 3, { padding: 1 }),
      new ReLU(),
      new Flatten(),
      new Linear(8 * 4 * 4, 10),
    );
    const stats = layerStats(net, [2, 3, 4, 4]);
    expect(stats.children.map((c) => c.stats.type)).toEqual(["Conv2d", "ReLU", "Flatten", "Linear"]);
    expect(stats.params.total).toBe(net.numParameters());
    expect(stats.macs).toBe(stats.children.reduce((s, c) => s + c.stats.macs, 0));
    expect(stats.outputShape).toEqual(net.forward(rand([2, 3, 4, 4])).shape);
  });
});
