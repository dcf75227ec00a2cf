/** The tutorial's walk-through: a (5, 5, 4) sample, channels first (4, 5, 5), to (10, 3, 3). */
import { describe, expect, it } from "vitest";
import {
  Conv2d,
  DepthwiseConv2d,
  GroupedSeparableConv2d,
  PointwiseConv2d,
  SeparableConv2d,
  Sequential,
  Tensor,
  zeros,
} from "../src/index.js";
import { expectClose, loadTorchCases } from "./helpers.js";

const sample = zeros([5, 5, 4]).transpose(0, 2);

describe("the tutorial's variants on (4, 5, 5)", () => {
  it("the sample is channels first after transpose(0, 2)", () => {
    expect(sample.shape).toEqual([4, 5, 5]);
  });

  it.each([
    ["regular 3x3", () => new Conv2d(4, 10, 3), [10, 3, 3], 370],
    ["grouped 3x3, groups 2", () => new Conv2d(4, 10, 3, { groups: 2 }), [10, 3, 3], 190],
    ["depthwise 3x3", () => new DepthwiseConv2d(4, 3), [4, 3, 3], 40],
    [
      "pointwise after depthwise",
      () => new Sequential(new DepthwiseConv2d(4, 3), new PointwiseConv2d(4, 10)),
      [10, 3, 3],
      90,
    ],
    ["depthwise-separable 3x3", () => new SeparableConv2d(4, 10, 3), [10, 3, 3], 90],
    ["GDSConv 3x3, groups 2", () => new GroupedSeparableConv2d(4, 10, 3, { groups: 2 }), [10, 3, 3], 70],
    ["dilated 3x3, dilation 2", () => new Conv2d(4, 10, 3, { dilation: 2 }), [10, 1, 1], 370],
  ] as const)("%s: output %j, %i parameters", (_, make, shape, params) => {
    const layer = make();
    expect(layer.forward(sample).shape).toEqual(shape);
    expect(layer.numParameters()).toBe(params);
  });

  it("pointwise 4 -> 10 alone has 50 parameters", () => {
    expect(new PointwiseConv2d(4, 10).numParameters()).toBe(50);
  });

  it("GDSConv with groups 2 has 35 parameters per group", () => {
    const layer = new GroupedSeparableConv2d(4, 10, 3, { groups: 2 });
    // per group: depthwise 2 x 3 x 3 + 2, pointwise 2 x 5 + 5
    expect(layer.numParameters() / 2).toBe(2 * 9 + 2 + (2 * 5 + 5));
  });

  it("layers given PyTorch's weights reproduce PyTorch's seed-article outputs", () => {
    const cases = loadTorchCases().filter((c) => c.name.startsWith("seed "));
    expect(cases.length).toBe(5);
    for (const c of cases) {
      const layer = new Conv2d(
        c.weight_shape[1]! * c.groups,
        c.weight_shape[0]!,
        c.weight_shape.slice(2) as [number, number],
        { groups: c.groups, dilation: c.dilation as [number, number] },
      );
      layer.weight = Tensor.from(c.weight, c.weight_shape);
      layer.bias = Tensor.from(c.bias!, [c.bias!.length]);
      const y = layer.forward(Tensor.from(c.input, c.input_shape));
      expect(y.shape).toEqual(c.output_shape);
      expectClose(y, c.output);
    }
  });
});

describe("layer initialisation", () => {
  it("weights and biases lie in U(-1/sqrt(fanIn), 1/sqrt(fanIn)) as PyTorch's kaiming_uniform(a = sqrt 5)", () => {
    const layer = new Conv2d(8, 16, 3, { groups: 2, seed: 3 });
    const bound = 1 / Math.sqrt((8 / 2) * 9);
    for (const p of layer.parameters()) {
      expect(Math.max(...p.data.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...p.data.map(Math.abs))).toBeGreaterThan(0.5 * bound);
    }
  });

  it("the same seed gives the same weights; no seed draws fresh ones from the global stream", () => {
    expect(Array.from(new Conv2d(4, 10, 3, { seed: 5 }).weight.data)).toEqual(
      Array.from(new Conv2d(4, 10, 3, { seed: 5 }).weight.data),
    );
    expect(Array.from(new Conv2d(4, 10, 3).weight.data)).not.toEqual(Array.from(new Conv2d(4, 10, 3).weight.data));
  });

  it("bias: false leaves the bias out", () => {
    const layer = new Conv2d(4, 10, 3, { bias: false });
    expect(layer.bias).toBeNull();
    expect(layer.numParameters()).toBe(360);
  });
});
