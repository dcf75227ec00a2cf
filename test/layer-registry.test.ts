import { describe, expect, it } from "vitest";
import { main } from "../src/cli.js";
import {
  AdaptiveAvgPool2d,
  AvgPool1d,
  AvgPool2d,
  AvgPool3d,
  BatchNorm2d,
  buildLayer,
  ChannelShuffle,
  Conv1d,
  Conv2d,
  Conv3d,
  ConvNd,
  ConvTranspose1d,
  ConvTranspose2d,
  ConvTranspose3d,
  ConvTransposeNd,
  DepthwiseConv2d,
  Flatten,
  GroupedSeparableConv2d,
  Identity,
  LAYER_TYPES,
  layerSpec,
  layerStats,
  Linear,
  loadModel,
  manualSeed,
  MaxPool1d,
  MaxPool2d,
  MaxPool3d,
  parseModel,
  PointwiseConv2d,
  resolveSpec,
  SeparableConv2d,
  Sequential,
  summary,
  zeros,
  type LayerSpec,
} from "../src/index.js";
import { expectConvError } from "./helpers.js";

/** Runs the CLI on a model file given as text. */
function report(text: string): { code: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const code = main(["report", "model.json"], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readFile: () => text,
  });
  return { code, stdout, stderr };
}

/** A spec of `depth` Sequentials nested around one ReLU. */
function nested(depth: number): LayerSpec {
  let spec: LayerSpec = { type: "ReLU" };
  for (let i = 0; i < depth; i++) spec = { type: "Sequential", layers: [spec] };
  return spec;
}

describe("layer constructors refuse unknown options and wrong types", () => {
  it("new Conv2d(8, 16, 3, { paddding: 1 }) refuses the misspelling and suggests padding (it used to give 26x26)", () => {
    expectConvError(
      () => new Conv2d(8, 16, 3, { paddding: 1 } as never),
      /^Conv2d: unknown option "paddding"; did you mean "padding"\? Conv2d takes stride, padding/,
    );
  });

  it("new Conv2d(..., { group: 2 }) refuses the misspelling instead of building a regular conv", () => {
    expectConvError(
      () => new Conv2d(8, 16, 3, { group: 2 } as never),
      /Conv2d: unknown option "group"; did you mean "groups"\?/,
    );
  });

  it("new SeparableConv2d(4, 6, 3, { groups: 2 }) refuses groups, which it does not take", () => {
    expectConvError(
      () => new SeparableConv2d(4, 6, 3, { groups: 2 } as never),
      /^SeparableConv2d: unknown option "groups"; SeparableConv2d takes stride, padding, dilation, paddingMode, bias, seed$/,
    );
  });

  it('new ConvTranspose2d(..., { paddingMode: "reflect" }) refuses paddingMode, as PyTorch does', () => {
    expectConvError(
      () => new ConvTranspose2d(4, 6, 3, { paddingMode: "reflect" } as never),
      /^ConvTranspose2d: unknown option "paddingMode"; ConvTranspose2d takes stride, padding, outputPadding/,
    );
  });

  it('bias: "false" is refused: booleans are booleans', () => {
    expectConvError(
      () => new Conv2d(4, 6, 3, { bias: "false" } as never),
      /^Conv2d: bias must be true or false, got "false"$/,
    );
  });

  it("{ seed: NaN } is refused instead of silently equalling seed 0", () => {
    expectConvError(() => new Conv2d(4, 6, 3, { seed: NaN }), /^Conv2d: seed must be an integer, got NaN$/);
    expectConvError(() => new Linear(4, 6, { seed: NaN }), /^Linear: seed must be an integer, got NaN$/);
    expectConvError(() => manualSeed(NaN), /^manualSeed: seed must be an integer, got NaN$/);
  });

  it("new Conv3d(64, 64, 1000) is a ConvError naming the weight and kernelSize, thrown before allocating", () => {
    expectConvError(
      () => new Conv3d(64, 64, 1000),
      /^Conv3d: the weight \[64, 64, 1000, 1000, 1000\] would have 4\.096e\+12 elements, more than convkit allocates for one tensor \(2\^28\); check kernelSize/,
    );
    expectConvError(
      () => new Linear(1e5, 1e5),
      /^Linear: the weight \[100000, 100000\] would have 1\.000e\+10 elements, .*; check inFeatures and outFeatures$/,
    );
  });

  it("the rank classes keep their names, type strings and instanceof behaviour", () => {
    const cases: [new (...args: never[]) => object, string, object, unknown][] = [
      [Conv1d, "Conv1d", new Conv1d(1, 1, 1), ConvNd],
      [Conv2d, "Conv2d", new Conv2d(1, 1, 1), ConvNd],
      [Conv3d, "Conv3d", new Conv3d(1, 1, 1), ConvNd],
      [ConvTranspose1d, "ConvTranspose1d", new ConvTranspose1d(1, 1, 1), ConvTransposeNd],
      [ConvTranspose2d, "ConvTranspose2d", new ConvTranspose2d(1, 1, 1), ConvTransposeNd],
      [ConvTranspose3d, "ConvTranspose3d", new ConvTranspose3d(1, 1, 1), ConvTransposeNd],
      [MaxPool1d, "MaxPool1d", new MaxPool1d(2), Object],
      [MaxPool2d, "MaxPool2d", new MaxPool2d(2), Object],
      [MaxPool3d, "MaxPool3d", new MaxPool3d(2), Object],
      [AvgPool1d, "AvgPool1d", new AvgPool1d(2), Object],
      [AvgPool2d, "AvgPool2d", new AvgPool2d(2), Object],
      [AvgPool3d, "AvgPool3d", new AvgPool3d(2), Object],
    ];
    for (const [Layer, name, layer, Base] of cases) {
      expect(Layer.name).toBe(name);
      expect((layer as { type: string }).type).toBe(name);
      expect(layer.constructor.name).toBe(name);
      expect(layer).toBeInstanceOf(Layer);
      expect(layer).toBeInstanceOf(Base as new () => object);
    }
    expect(new Conv2d(1, 1, 1)).not.toBeInstanceOf(Conv1d);
    expect(new DepthwiseConv2d(2, 3)).toBeInstanceOf(Conv2d);
    expect(new MaxPool2d(2)).not.toBeInstanceOf(AvgPool2d);
  });

  // Each: the call, and a regex naming the layer and the argument (with the suggestion where there is one).
  const constructorCases: [string, () => unknown, RegExp][] = [
    [
      "Conv2d padding_mode",
      () => new Conv2d(1, 1, 3, { padding_mode: "zeros" } as never),
      /^Conv2d: unknown option "padding_mode"; did you mean "paddingMode"\?/,
    ],
    [
      "Conv2d strides",
      () => new Conv2d(1, 1, 3, { strides: 2 } as never),
      /^Conv2d: unknown option "strides"; did you mean "stride"\?/,
    ],
    [
      "Conv2d dilaton",
      () => new Conv2d(1, 1, 3, { dilaton: 2 } as never),
      /^Conv2d: unknown option "dilaton"; did you mean "dilation"\?/,
    ],
    [
      "Conv2d kernel_size",
      () => new Conv2d(1, 1, 3, { kernel_size: 3 } as never),
      /^Conv2d: unknown option "kernel_size"/,
    ],
    [
      "Conv2d outputPadding",
      () => new Conv2d(1, 1, 3, { outputPadding: 1 } as never),
      /^Conv2d: unknown option "outputPadding"/,
    ],
    [
      "Conv1d Bias",
      () => new Conv1d(1, 1, 3, { Bias: false } as never),
      /^Conv1d: unknown option "Bias"; did you mean "bias"\?/,
    ],
    [
      "Conv3d paddingMOde",
      () => new Conv3d(1, 1, 3, { paddingMOde: "zeros" } as never),
      /^Conv3d: unknown option "paddingMOde"; did you mean "paddingMode"\?/,
    ],
    ["Conv2d bias 0", () => new Conv2d(1, 1, 3, { bias: 0 } as never), /^Conv2d: bias must be true or false, got 0$/],
    [
      "Conv2d groups '2'",
      () => new Conv2d(2, 2, 3, { groups: "2" } as never),
      /^Conv2d: groups must be a positive integer, got "2"$/,
    ],
    [
      "Conv2d seed string",
      () => new Conv2d(1, 1, 3, { seed: "1" } as never),
      /^Conv2d: seed must be an integer, got "1"$/,
    ],
    ["Conv2d options null", () => new Conv2d(1, 1, 3, null as never), /^Conv2d: options must be an object/],
    ["Conv2d options array", () => new Conv2d(1, 1, 3, [1] as never), /^Conv2d: options must be an object/],
    [
      "Conv2d inChannels '3'",
      () => new Conv2d("3" as never, 1, 3),
      /^Conv2d: inChannels must be a positive integer, got "3"$/,
    ],
    ["Conv2d kernelSize 1.5", () => new Conv2d(1, 1, 1.5), /^Conv2d: kernelSize must be a positive integer/],
    [
      "ConvTranspose2d output_padding",
      () => new ConvTranspose2d(1, 1, 3, { output_padding: 1 } as never),
      /^ConvTranspose2d: unknown option "output_padding"; did you mean "outputPadding"\?/,
    ],
    [
      "ConvTranspose1d padding same",
      () => new ConvTranspose1d(1, 1, 3, { padding: "same" } as never),
      /^ConvTranspose1d: padding must be a number or an array of 1/,
    ],
    [
      "ConvTranspose3d bias 'no'",
      () => new ConvTranspose3d(1, 1, 1, { bias: "no" } as never),
      /^ConvTranspose3d: bias must be true or false/,
    ],
    [
      "DepthwiseConv2d groups",
      () => new DepthwiseConv2d(2, 3, { groups: 2 } as never),
      /^DepthwiseConv2d: unknown option "groups"; DepthwiseConv2d takes stride, padding, dilation, paddingMode, bias, seed, channelMultiplier$/,
    ],
    [
      "DepthwiseConv2d channel_multiplier",
      () => new DepthwiseConv2d(2, 3, { channel_multiplier: 2 } as never),
      /^DepthwiseConv2d: unknown option "channel_multiplier"; did you mean "channelMultiplier"\?/,
    ],
    [
      "PointwiseConv2d padding",
      () => new PointwiseConv2d(2, 3, { padding: 1 } as never),
      /^PointwiseConv2d: unknown option "padding"; PointwiseConv2d takes stride, groups, bias, seed$/,
    ],
    [
      "SeparableConv2d dilation_rate",
      () => new SeparableConv2d(2, 3, 3, { dilation_rate: 2 } as never),
      /^SeparableConv2d: unknown option "dilation_rate"/,
    ],
    [
      "GroupedSeparableConv2d group",
      () => new GroupedSeparableConv2d(4, 4, 3, { group: 2 } as never),
      /^GroupedSeparableConv2d: unknown option "group"; did you mean "groups"\?/,
    ],
    [
      "MaxPool2d ceil_mode",
      () => new MaxPool2d(2, { ceil_mode: true } as never),
      /^MaxPool2d: unknown option "ceil_mode"; did you mean "ceilMode"\?/,
    ],
    [
      "MaxPool2d countIncludePad",
      () => new MaxPool2d(2, { countIncludePad: false } as never),
      /^MaxPool2d: unknown option "countIncludePad"/,
    ],
    [
      "MaxPool1d ceilMode 1",
      () => new MaxPool1d(2, { ceilMode: 1 } as never),
      /^MaxPool1d: ceilMode must be true or false, got 1$/,
    ],
    [
      "AvgPool2d count_include_pad",
      () => new AvgPool2d(3, { count_include_pad: false } as never),
      /^AvgPool2d: unknown option "count_include_pad"; did you mean "countIncludePad"\?/,
    ],
    ["AvgPool2d dilation", () => new AvgPool2d(3, { dilation: 2 } as never), /^AvgPool2d: unknown option "dilation"/],
    [
      "AvgPool3d countIncludePad 'no'",
      () => new AvgPool3d(3, { countIncludePad: "no" } as never),
      /^AvgPool3d: countIncludePad must be true or false, got "no"$/,
    ],
    ["AvgPool1d kernelSize 0", () => new AvgPool1d(0), /^AvgPool1d: kernelSize must be a positive integer/],
    [
      "Linear biass",
      () => new Linear(2, 3, { biass: false } as never),
      /^Linear: unknown option "biass"; did you mean "bias"\?/,
    ],
    [
      "Linear bias 'false'",
      () => new Linear(2, 3, { bias: "false" } as never),
      /^Linear: bias must be true or false, got "false"$/,
    ],
    [
      "BatchNorm2d epsilon",
      () => new BatchNorm2d(3, { epsilon: 1e-3 } as never),
      /^BatchNorm2d: unknown option "epsilon"/,
    ],
    [
      "BatchNorm2d affine 1",
      () => new BatchNorm2d(3, { affine: 1 } as never),
      /^BatchNorm2d: affine must be true or false, got 1$/,
    ],
    [
      "BatchNorm2d eps NaN",
      () => new BatchNorm2d(3, { eps: NaN }),
      /^BatchNorm2d: eps must be a non-negative number, got NaN$/,
    ],
    [
      "ChannelShuffle groups 0",
      () => new ChannelShuffle(0),
      /^ChannelShuffle: groups must be a positive integer, got 0$/,
    ],
    [
      "Flatten startDim '1'",
      () => new Flatten("1" as never),
      /^Flatten: startDim and endDim must be integers, got "1" and -1$/,
    ],
  ];
  it.each(constructorCases)("%s", (_name, call, message) => expectConvError(call, message));
});

describe("layer specs refuse unknown fields and wrong types, with the same checks as the constructors", () => {
  const conv = { type: "Conv2d", inChannels: 1, outChannels: 1, kernelSize: 3 };
  const specCases: [string, unknown, RegExp][] = [
    ["Conv2d paddding", { ...conv, paddding: 1 }, /^Conv2d: unknown option "paddding"; did you mean "padding"\?/],
    [
      "Conv2d in_channels",
      { ...conv, in_channels: 1 },
      /^Conv2d: unknown option "in_channels"; did you mean "inChannels"\?/,
    ],
    ["Conv2d seed", { ...conv, seed: 1 }, /^Conv2d: unknown option "seed"/],
    ["Conv2d bias 'false'", { ...conv, bias: "false" }, /^Conv2d: bias must be true or false, got "false"$/],
    [
      "Conv2d missing kernelSize",
      { type: "Conv2d", inChannels: 1, outChannels: 1 },
      /^Conv2d: missing required option "kernelSize"$/,
    ],
    [
      "Conv2d name with a dot",
      { ...conv, name: "a.b" },
      /^Conv2d: name must be a non-empty string without "\.", got "a\.b"$/,
    ],
    [
      "ConvTranspose2d paddingMode",
      { ...conv, type: "ConvTranspose2d", paddingMode: "reflect" },
      /^ConvTranspose2d: unknown option "paddingMode"/,
    ],
    [
      "SeparableConv2d groups",
      { ...conv, type: "SeparableConv2d", groups: 1 },
      /^SeparableConv2d: unknown option "groups"/,
    ],
    [
      "MaxPool2d ceilMode 1",
      { type: "MaxPool2d", kernelSize: 2, ceilMode: 1 },
      /^MaxPool2d: ceilMode must be true or false, got 1$/,
    ],
    [
      "AvgPool2d count_include_pad",
      { type: "AvgPool2d", kernelSize: 2, count_include_pad: true },
      /^AvgPool2d: unknown option "count_include_pad"; did you mean "countIncludePad"\?/,
    ],
    [
      "Linear in_features",
      { type: "Linear", in_features: 2, outFeatures: 3 },
      /^Linear: unknown option "in_features"; did you mean "inFeatures"\?/,
    ],
    [
      "BatchNorm2d momentum 2",
      { type: "BatchNorm2d", numFeatures: 3, momentum: 2 },
      /^BatchNorm2d: momentum must be a number in \[0, 1\], got 2$/,
    ],
    [
      "Flatten start_dim",
      { type: "Flatten", start_dim: 1 },
      /^Flatten: unknown option "start_dim"; did you mean "startDim"\?/,
    ],
    ["ReLU inplace", { type: "ReLU", inplace: true }, /^ReLU: unknown option "inplace"; ReLU takes no options$/],
    [
      "Sequential layer",
      { type: "Sequential", layer: [] },
      /^Sequential: unknown option "layer"; did you mean "layers"\?/,
    ],
    [
      "Sequential layers not an array",
      { type: "Sequential", layers: "ReLU" },
      /^Sequential: layers must be an array of layer objects, got "ReLU"$/,
    ],
  ];
  // resolveSpec reports the constructor's message under its own op.
  const fromResolveSpec = (message: RegExp) => new RegExp(`^resolveSpec: ${message.source.replace(/^\^/, "")}`);
  it.each(specCases)("%s", (_name, spec, message) =>
    expectConvError(() => resolveSpec(spec), fromResolveSpec(message)),
  );

  it('refuses "constructor", "toString" and "__proto__" as layer types (inherited keys are not types)', () => {
    for (const type of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      expectConvError(
        () => resolveSpec({ type }),
        new RegExp(`^resolveSpec: spec: unknown layer type "${type}"; expected one of Conv1d`),
      );
      expectConvError(
        () => parseModel(`{"inputShape": [1, 3, 8, 8], "layers": [{"type": "${type}"}]}`),
        new RegExp(`^model: layer 0: unknown layer type "${type}"`),
      );
    }
  });

  it("refuses a spec nested 2,000 deep with a ConvError, not a stack overflow", () => {
    expectConvError(() => resolveSpec(nested(2000)), /^resolveSpec: spec: layers nest more than 100 deep$/);
    expectConvError(() => layerStats(nested(2000), [1, 3]), /layers nest more than 100 deep/);
    expectConvError(
      () => parseModel({ inputShape: [1, 3], layers: [nested(2000)] }),
      /^model: layer 0: layers nest more than 100 deep$/,
    );
    expect(layerStats(nested(99), [1, 3]).otherOps).toBe(3);
  });

  it("refuses a cyclic spec with a ConvError", () => {
    const cyclic = { type: "Sequential", layers: [] as unknown[] };
    cyclic.layers.push({ type: "ReLU" }, cyclic);
    expectConvError(() => resolveSpec(cyclic), /^resolveSpec: spec: a Sequential contains itself \(a cyclic spec\)$/);
    expectConvError(() => summary(cyclic as never, [1, 3]), /a Sequential contains itself/);
    expectConvError(() => parseModel({ inputShape: [1, 3], layers: [cyclic] }), /a Sequential contains itself/);
  });

  it("accepts a spec shared by several parents (a repeated layer is not a cycle)", () => {
    const relu = { type: "ReLU" } as const;
    const block: LayerSpec = { type: "Sequential", layers: [relu, relu] };
    expect(layerStats({ type: "Sequential", layers: [block, block] }, [1, 3]).otherOps).toBe(12);
  });

  it("refuses a module tree nested 2,000 deep with a ConvError", () => {
    let model = new Sequential();
    for (let i = 0; i < 2000; i++) model = new Sequential(model);
    expectConvError(() => layerSpec(model), /^layerSpec: layers nest more than 100 deep$/);
  });

  it('layerStats(spec, "1,3") refuses the string shape', () => {
    expectConvError(
      () => layerStats({ type: "ReLU" }, "1,3" as never),
      /^layerStats: inputShape must be an array of sizes, got "1,3"$/,
    );
    expectConvError(() => layerStats({ type: "ReLU" }, null as never), /^layerStats: inputShape .* got null$/);
  });
});

describe("convkit report prints one line for any bad model file", () => {
  const files: [string, string, RegExp][] = [
    [
      "inherited type",
      '{"inputShape": [1, 3], "layers": [{"type": "constructor"}]}',
      /unknown layer type "constructor"/,
    ],
    ["toString", '{"inputShape": [1, 3], "layers": [{"type": "toString"}]}', /unknown layer type "toString"/],
    ["__proto__", '{"inputShape": [1, 3], "layers": [{"type": "__proto__"}]}', /unknown layer type "__proto__"/],
    ["2,000-deep nesting", JSON.stringify({ inputShape: [1, 3], layers: [nested(2000)] }), /nest more than 100 deep/],
    [
      "a __proto__ field",
      '{"inputShape": [1, 3], "layers": [{"type": "ReLU", "__proto__": {}}]}',
      /unknown option "__proto__"/,
    ],
    ["a string shape", '{"inputShape": "1,3", "layers": [{"type": "ReLU"}]}', /inputShape must be a non-empty array/],
  ];
  it.each(files)("%s", (_name, text, message) => {
    const { code, stdout, stderr } = report(text);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^convkit: model\.json: /);
    expect(stderr).toMatch(message);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  });
});

describe("convkit report and errors that are not ConvErrors", () => {
  it("prints an unexpected error as one line naming the file, not a stack trace", () => {
    let stderr = "";
    const hostile = {
      get inputShape(): never {
        throw new TypeError("a getter that throws\n    at somewhere (file.js:1:1)");
      },
      layers: [],
    };
    const code = main(["report", "model.json"], {
      stdout: () => undefined,
      stderr: (t) => (stderr += t),
      readFile: () => hostile as never,
    });
    expect(code).toBe(1);
    expect(stderr).toBe("convkit: model.json: TypeError: a getter that throws\n");
  });
});

/** At least one spec per registered type, with an input it accepts. */
const SAMPLES: [LayerSpec, number[]][] = [
  [{ type: "Conv1d", inChannels: 2, outChannels: 4, kernelSize: 3, padding: 1, groups: 2 }, [1, 2, 9]],
  [
    { type: "Conv2d", inChannels: 3, outChannels: 4, kernelSize: [3, 1], stride: 2, padding: "valid", bias: false },
    [2, 3, 7, 6],
  ],
  [
    { type: "Conv2d", inChannels: 2, outChannels: 2, kernelSize: 3, padding: "same", paddingMode: "reflect" },
    [1, 2, 5, 5],
  ],
  [{ type: "Conv3d", inChannels: 1, outChannels: 2, kernelSize: 2, dilation: [1, 2, 1] }, [1, 1, 4, 5, 4]],
  [{ type: "ConvTranspose1d", inChannels: 2, outChannels: 3, kernelSize: 3, stride: 2, outputPadding: 1 }, [1, 2, 4]],
  [{ type: "ConvTranspose2d", inChannels: 4, outChannels: 2, kernelSize: 3, groups: 2, padding: 1 }, [1, 4, 5, 5]],
  [{ type: "ConvTranspose3d", inChannels: 1, outChannels: 1, kernelSize: 2, bias: false }, [1, 1, 2, 2, 2]],
  [{ type: "DepthwiseConv2d", channels: 3, kernelSize: 3, channelMultiplier: 2, padding: 1 }, [1, 3, 6, 6]],
  [{ type: "PointwiseConv2d", inChannels: 4, outChannels: 6, groups: 2, stride: 2 }, [1, 4, 5, 5]],
  [{ type: "SeparableConv2d", inChannels: 3, outChannels: 5, kernelSize: 3, bias: false }, [1, 3, 6, 6]],
  [{ type: "GroupedSeparableConv2d", inChannels: 4, outChannels: 6, kernelSize: 3, groups: 2 }, [1, 4, 6, 6]],
  [{ type: "MaxPool1d", kernelSize: 3, stride: 2, padding: 1, dilation: 2 }, [1, 2, 9]],
  [{ type: "MaxPool2d", kernelSize: 2, ceilMode: true }, [1, 2, 5, 5]],
  [{ type: "MaxPool3d", kernelSize: 2 }, [1, 1, 4, 4, 4]],
  [{ type: "AvgPool1d", kernelSize: 3, padding: 1, countIncludePad: false }, [1, 2, 7]],
  [{ type: "AvgPool2d", kernelSize: 3, stride: 1 }, [1, 2, 5, 5]],
  [{ type: "AvgPool3d", kernelSize: [1, 2, 2] }, [1, 1, 3, 4, 4]],
  [{ type: "AdaptiveAvgPool2d", outputSize: [2, null] }, [1, 2, 5, 5]],
  [{ type: "Linear", inFeatures: 6, outFeatures: 3 }, [2, 6]],
  [{ type: "Flatten", startDim: 1, endDim: 2 }, [2, 3, 4, 5]],
  [{ type: "ReLU" }, [2, 3, 4]],
  [{ type: "Identity" }, [2, 3, 4]],
  [{ type: "BatchNorm2d", numFeatures: 3, affine: false, eps: 1e-3 }, [1, 3, 4, 4]],
  [{ type: "ChannelShuffle", groups: 2 }, [1, 4, 3, 3]],
  [
    {
      type: "Sequential",
      layers: [
        { type: "Conv2d", inChannels: 1, outChannels: 4, kernelSize: 3, name: "conv" },
        { type: "ReLU", name: "act" },
        { type: "Sequential", layers: [{ type: "MaxPool2d", kernelSize: 2 }] },
      ],
    },
    [1, 1, 8, 8],
  ],
];

describe("every registered layer type round-trips", () => {
  it("has a sample spec for every registered type (a new type must add one)", () => {
    const sampled = new Set(SAMPLES.map(([spec]) => spec.type));
    expect(LAYER_TYPES.filter((type) => !sampled.has(type as LayerSpec["type"]))).toEqual([]);
  });

  it.each(SAMPLES.map(([spec, input]) => [spec.type, spec, input] as const))(
    "%s: spec -> buildLayer -> layerSpec describes the same layer, and layerStats of the module equals that of the spec",
    (_type, spec, input) => {
      const module = buildLayer(spec, { seed: 3 });
      const again = layerSpec(module);
      expect(resolveSpec(JSON.parse(JSON.stringify(again)))).toEqual(resolveSpec(spec));
      expect(layerSpec(buildLayer(again))).toEqual(again);
      const fromModule = layerStats(module, input);
      expect(fromModule).toEqual(layerStats(spec, input));
      expect(module.forward(zeros(input)).shape).toEqual(fromModule.outputShape);
      expect(module.numParameters()).toBe(fromModule.params.total);
    },
  );

  it("loadModel builds what parseModel validated, for a file holding every sample", () => {
    const layers = SAMPLES.map(([spec], i) => ({ type: "Sequential", name: `s${i}`, layers: [spec] }) as LayerSpec);
    for (const [i, layer] of layers.entries()) {
      const input = SAMPLES[i]![1];
      const { model, outputShape } = loadModel({ inputShape: input, layers: [layer] });
      expect(layerStats(model, input).outputShape).toEqual(outputShape);
    }
  });
});

describe("Identity", () => {
  it("returns its input, has no parameters, and is pointwise for the receptive field", () => {
    const x = zeros([1, 2, 3, 3]);
    const layer = new Identity();
    expect(layer.forward(x)).toBe(x);
    expect(layer.numParameters()).toBe(0);
    const stats = layerStats({ type: "Identity" }, [1, 2, 3, 3]);
    expect(stats).toMatchObject({
      type: "Identity",
      outputShape: [1, 2, 3, 3],
      macs: 0,
      flops: 0,
      window: { kind: "pointwise" },
    });
    expect(stats.memory.totalBytes).toBe(0);
    expect(Object.values(stats.counts)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("reads from a model file and shows in a summary", () => {
    const file = {
      inputShape: [1, 1, 8, 8],
      layers: [
        { type: "Conv2d", name: "conv", inChannels: 1, outChannels: 2, kernelSize: 3 },
        { type: "Identity", name: "skip" },
      ],
    };
    expect(parseModel(file).outputShape).toEqual([1, 2, 6, 6]);
    expect(loadModel(file).model.children()[1]![1]).toBeInstanceOf(Identity);
    const text = summary(file.layers as LayerSpec[], file.inputShape).toText();
    expect(text).toMatch(/skip \(Identity\) +\[1, 2, 6, 6\] +\[1, 2, 6, 6\] +0 +0 +0 +0 +3 \/ 1 \/ 0/);
    expectConvError(
      () => resolveSpec({ type: "Identity", inplace: true }),
      /^resolveSpec: Identity: unknown option "inplace"; Identity takes no options$/,
    );
  });
});

describe("AdaptiveAvgPool2d and BatchNorm2d constructors keep their checks", () => {
  it("refuses a bad outputSize", () => {
    expectConvError(() => new AdaptiveAvgPool2d(0 as never), /AdaptiveAvgPool2d: .*outputSize/);
  });

  it("refuses a bad outputSize in a spec with the constructor's message", () => {
    for (const outputSize of [0, [2, 1.5]]) {
      const message = /^AdaptiveAvgPool2d: outputSize must hold positive integers \(or null to keep the input size\)/;
      expectConvError(() => new AdaptiveAvgPool2d(outputSize as never), message);
      expectConvError(
        () => resolveSpec({ type: "AdaptiveAvgPool2d", outputSize } as never),
        new RegExp(`^resolveSpec: ${message.source.slice(1)}`),
      );
    }
  });
});
