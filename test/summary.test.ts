import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  buildLayer,
  Conv2d,
  ConvError,
  layerStats,
  Linear,
  ModelSummary,
  resolvedLayerStats,
  resolveLayer,
  resolveModel,
  resolveSpec,
  loadModel,
  MaxPool2d,
  modelToJSON,
  NamedSequential,
  parseModel,
  ReLU,
  SeparableConv2d,
  Sequential,
  summary,
  receptiveField,
  Flatten,
  rand,
  type LayerSpec,
} from "../src/index.js";
import { repoRoot } from "./helpers.js";

const exampleText = (name: string) => readFileSync(resolve(repoRoot, "examples", name), "utf8");

const net = new NamedSequential([
  ["conv", new Conv2d(3, 8, 3, { padding: 1 })],
  ["act", new ReLU()],
  ["pool", new MaxPool2d(2)],
  ["sep", new SeparableConv2d(8, 16, 3, { padding: 1 })],
  ["flat", new Flatten()],
  ["fc", new Linear(16 * 16 * 16, 10)],
]);
const input = [2, 3, 32, 32];

describe("summary()", () => {
  const s = summary(net, input);

  it("lists composites before their children, with dotted names and depths", () => {
    expect(s.rows.map((r) => [r.name, r.type, r.depth, r.leaf])).toEqual([
      ["conv", "Conv2d", 1, true],
      ["act", "ReLU", 1, true],
      ["pool", "MaxPool2d", 1, true],
      ["sep", "SeparableConv2d", 1, false],
      ["sep.depthwise", "DepthwiseConv2d", 2, true],
      ["sep.pointwise", "PointwiseConv2d", 2, true],
      ["flat", "Flatten", 1, true],
      ["fc", "Linear", 1, true],
    ]);
  });

  it("totals add up the layers once (a composite's row is its children's sum) and match the modules", () => {
    expect(s.totals.params).toBe(net.numParameters());
    const leaves = s.rows.filter((r) => r.leaf);
    expect(s.totals.macs).toBe(leaves.reduce((t, r) => t + r.macs, 0));
    expect(s.totals.flops).toBe(leaves.reduce((t, r) => t + r.flops, 0));
    const sep = s.rows.find((r) => r.name === "sep")!;
    expect(sep.params).toBe(8 * 9 + 8 + 8 * 16 + 16);
    expect(sep.macs).toBe(s.rows.filter((r) => r.name.startsWith("sep.")).reduce((t, r) => t + r.macs, 0));
    expect(s.totals.outputShape).toEqual(net.forward(rand(input)).shape);
  });

  it("gives each row the receptive field after it; the composite's is its last child's", () => {
    const rf = Object.fromEntries(
      s.rows.map((r) => [
        r.name,
        r.receptiveField && [r.receptiveField.size[0], r.receptiveField.stride[0], r.receptiveField.padding[0]],
      ]),
    );
    expect(rf).toEqual({
      conv: [3, 1, 1],
      act: [3, 1, 1],
      pool: [4, 2, 1],
      sep: [8, 2, 3],
      "sep.depthwise": [8, 2, 3],
      "sep.pointwise": [8, 2, 3],
      flat: null,
      fc: null,
    });
  });

  it("depth folds deeper layers into their parent's row, keeping the totals", () => {
    const shallow = summary(net, input, { depth: 1 });
    expect(shallow.rows.map((r) => r.name)).toEqual(["conv", "act", "pool", "sep", "flat", "fc"]);
    expect(shallow.totals).toEqual(s.totals);
    expect(shallow.rows.find((r) => r.name === "sep")!.receptiveField!.size).toEqual([8, 8]);
  });

  it("reports in another tool's convention with its label, beside the exact counts", () => {
    const t = summary(net, input, { convention: "torchinfo" });
    expect(t.countLabel).toBe("Mult-Adds (torchinfo)");
    expect(t.rows[0]!.count).toBe((8 * 27 + 8) * 2 * 32 * 32);
    expect(t.rows[0]!.macs).toBe(8 * 27 * 2 * 32 * 32);
    expect(t.totals.count).toBe(t.totals.counts.torchinfo);
    expect(s.totals.count).toBe(s.totals.macs);
  });

  it("takes a module, a spec, or a list of either, with the same numbers", () => {
    const specs: LayerSpec[] = [
      { type: "Conv2d", name: "c", inChannels: 3, outChannels: 4, kernelSize: 3 },
      { type: "ReLU" },
    ];
    const fromSpecs = summary(specs, [1, 3, 8, 8]);
    const fromModules = summary(new Sequential(new Conv2d(3, 4, 3), new ReLU()), [1, 3, 8, 8]);
    expect(fromSpecs.totals).toEqual(fromModules.totals);
    expect(fromSpecs.rows.map((r) => r.name)).toEqual(["c", "1"]);
    expect(fromModules.rows.map((r) => r.name)).toEqual(["0", "1"]);
    expect(summary(new Conv2d(3, 4, 3), [1, 3, 8, 8]).rows.map((r) => r.name)).toEqual(["0"]);
  });

  it("names the layer, its input shape and the reason when shapes do not chain", () => {
    const bad = new Sequential(new Conv2d(3, 8, 3), new Flatten(), new Linear(100, 10));
    expect(() => summary(bad, [1, 3, 8, 8])).toThrow(
      /^summary: layer 2 \(Linear\) on input \[1, 288\]: Linear: input \[1, 288\] has 288 features in its last dimension but weight \[10, 100\] expects 100/,
    );
    expect(() => summary(net, input, { convention: "macs" as never })).toThrow(/summary: unknown convention "macs"/);
  });

  it("summary(model, inputShape) and receptiveField(model, inputShape) refuse an inputShape that is not an array of sizes", () => {
    expect(() => summary(net, "1,3,8,8" as never)).toThrow(
      /^summary: inputShape must be an array of sizes, got "1,3,8,8"$/,
    );
    expect(() => receptiveField(net, { foo: 1 } as never)).toThrow(
      /^receptiveField: inputShape must be an array of sizes, got \{"foo":1\}$/,
    );
    expect(() => summary(net, [1, -3, 8, 8])).toThrow(
      /^summary: inputShape \[1, -3, 8, 8\] must hold non-negative integers$/,
    );
  });
});

describe("summary renderings", () => {
  const s = summary(parseModel(exampleText("vgg16.json")).layers, [1, 3, 224, 224], { title: "VGG-16" });

  it("toText() aligns columns, groups thousands and prints shapes like [1, 64, 224, 224]", () => {
    const text = s.toText();
    const lines = text.split("\n");
    const header = lines[1]!;
    expect(header).toMatch(
      /^Layer \(type\)\s+Input shape\s+Output shape\s+Params\s+MACs\s+FLOPs\s+Memory \(bytes\)\s+RF size \/ stride \/ padding$/,
    );
    const conv = lines.find((l) => l.startsWith("conv1_2 (Conv2d)"))!;
    expect(conv).toContain("[1, 64, 224, 224]");
    expect(conv).toContain("36,928");
    expect(conv).toContain("1,849,688,064");
    expect(conv).toMatch(/5 \/ 1 \/ 2$/);
    // every table row is as wide as the header (right-aligned last column)
    const rows = lines.slice(3, 3 + s.rows.length);
    for (const row of rows) expect(row.length).toBe(header.length);
    expect(text).toContain("Total params: 138,357,544");
    expect(String(s)).toBe(text);
  });

  it("toMarkdown() writes a table with right-aligned numbers and the totals", () => {
    const md = s.toMarkdown();
    expect(md).toContain(
      "| Layer (type) | Input shape | Output shape | Params | MACs | FLOPs | Memory (bytes) | RF size / stride / padding |",
    );
    expect(md).toContain("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |");
    expect(md).toContain(
      "| pool5 (MaxPool2d) | [1, 512, 14, 14] | [1, 512, 7, 7] | 0 | 0 | 75,264 | 501,760 | 212 / 32 / 90 |",
    );
    expect(md).toContain("- Total MACs: 15,470,264,320");
  });

  it("toCSV() writes raw numbers, quoted shapes and one line per row", () => {
    const lines = s.toCSV().trimEnd().split("\n");
    expect(lines).toHaveLength(s.rows.length + 1);
    expect(lines[0]).toBe(
      "name,type,depth,leaf,input_shape,output_shape,params,weight_params,bias_params,macs,bias_adds,other_ops,flops,memory_bytes,arithmetic_intensity,count_exact,rf_size,rf_stride,rf_padding,rf_center",
    );
    expect(lines[1]).toBe(
      'conv1_1,Conv2d,1,true,"[1, 3, 224, 224]","[1, 64, 224, 224]",1792,1728,64,86704128,3211264,0,176619520,13454336,13.127,86704128,"[3, 3]","[1, 1]","[1, 1]","[0, 0]"',
    );
    expect(lines.at(-1)).toMatch(/^fc8,Linear,1,true,"\[1, 4096\]","\[1, 1000\]",4097000,/);
    expect(lines.at(-1)).toMatch(/,,,,$/);
  });

  it("toJSON() is what JSON.stringify writes, and parses back to the rows and totals", () => {
    const back = JSON.parse(JSON.stringify(s));
    expect(back.rows).toEqual(s.rows);
    expect(back.totals).toEqual(s.totals);
    expect(back.convention).toBe("exact");
    expect(back.title).toBe("VGG-16");
  });
});

describe("model files", () => {
  it("parseModel() validates every example without allocating weights, and knows their output shapes", () => {
    expect(parseModel(exampleText("vgg16.json")).outputShape).toEqual([1, 1000]);
    expect(parseModel(exampleText("mobilenet-v1.json")).outputShape).toEqual([1, 1000]);
    expect(parseModel(exampleText("wavenet.json")).outputShape).toEqual([1, 256, 4096 - 1023]);
    expect(parseModel(exampleText("small-cnn.json")).outputShape).toEqual([7, 10]);
    expect(parseModel(exampleText("tutorial-dilated.json")).outputShape).toEqual([1, 10, 1, 1]);
  });

  it("loadModel() builds a NamedSequential that runs, named as in the file", () => {
    const { model, inputShape, name } = loadModel(exampleText("small-cnn.json"), { seed: 1 });
    expect(name).toBe("small CNN");
    expect(model.children().map(([n]) => n)).toEqual([
      "conv1",
      "pool1",
      "relu1",
      "conv2",
      "pool2",
      "relu2",
      "flatten",
      "fc1",
      "relu3",
      "fc2",
    ]);
    expect(model.forward(rand(inputShape)).shape).toEqual([7, 10]);
    expect(model.numParameters()).toBe(21_840);
    expect(loadModel(exampleText("small-cnn.json"), { seed: 1 }).model.parameters()[0]!.data).toEqual(
      model.parameters()[0]!.data,
    );
  });

  it("loadModel(source, options) refuses an unknown option and a seed that is not an integer, as model errors", () => {
    const text = exampleText("small-cnn.json");
    expect(() => loadModel(text, { sead: 1 } as never)).toThrow(/^model: unknown option "sead"; did you mean "seed"\?/);
    expect(() => loadModel(text, { seed: 0.5 })).toThrow(/^model: seed must be an integer, got 0\.5$/);
  });

  it("modelToJSON() writes a file loadModel() reads back to the same summary", () => {
    const json = modelToJSON(net, input, { name: "net" });
    const again = loadModel(JSON.stringify(json));
    expect(again.name).toBe("net");
    expect(summary(again.model, input).rows).toEqual(summary(net, input).rows);
  });

  it.each([
    ["not JSON", "{", /model: not valid JSON/],
    ["not an object", "[1, 2]", /^model: source must be JSON text or an object with "inputShape" and "layers", got /],
    [
      "unknown field",
      '{"inputShape": [1, 3, 8, 8], "layers": [{"type": "ReLU"}], "input": 1}',
      /model: unknown field "input"; did you mean "inputShape"\? model takes name, description, source, inputShape, layers/,
    ],
    [
      "bad input shape",
      '{"inputShape": [1, 3, -8], "layers": [{"type": "ReLU"}]}',
      /model: inputShape \[1, 3, -8\] must hold non-negative integers/,
    ],
    ["no layers", '{"inputShape": [1, 3, 8, 8], "layers": []}', /model: layers must be a non-empty array/],
    [
      "unknown layer type",
      '{"inputShape": [1, 3, 8, 8], "layers": [{"type": "ReLU"}, {"type": "Conv4d", "name": "c"}]}',
      /model: layer 1 "c": unknown layer type "Conv4d"; expected one of Conv1d, Conv2d/,
    ],
    [
      "misspelt option",
      '{"inputShape": [1, 3, 8, 8], "layers": [{"type": "Conv2d", "inChannels": 3, "outChannels": 4, "kernel": 3}]}',
      /model: layer 0: Conv2d: unknown option "kernel"; did you mean "kernelSize"\? Conv2d takes inChannels, outChannels, kernelSize, stride/,
    ],
    [
      "missing option",
      '{"inputShape": [1, 3, 8, 8], "layers": [{"type": "Linear", "inFeatures": 3}]}',
      /model: layer 0: Linear: missing required option "outFeatures"/,
    ],
    [
      "invalid option",
      '{"inputShape": [1, 3, 8, 8], "layers": [{"type": "Conv2d", "name": "c1", "inChannels": 3, "outChannels": 4, "kernelSize": 3, "groups": 2}]}',
      /model: layer 0 "c1": Conv2d: inChannels \(3\) must be divisible by groups \(2\)/,
    ],
    [
      "wrong type of value",
      '{"inputShape": [1, 3, 8, 8], "layers": [{"type": "Conv2d", "inChannels": "3", "outChannels": 4, "kernelSize": 3}]}',
      /Conv2d: inChannels must be a positive integer, got "3"/,
    ],
    [
      "shapes that do not chain",
      '{"inputShape": [1, 3, 8, 8], "layers": [{"type": "Conv2d", "name": "a", "inChannels": 3, "outChannels": 4, "kernelSize": 3}, {"type": "Conv2d", "name": "b", "inChannels": 5, "outChannels": 4, "kernelSize": 3}]}',
      /model: layer 1 "b" \(Conv2d\) on input \[1, 4, 6, 6\]: Conv2d: input \[1, 4, 6, 6\] has 4 channels but weight \[4, 5, 3, 3\] expects 5/,
    ],
    [
      "a kernel that does not fit",
      '{"inputShape": [1, 1, 4, 4], "layers": [{"type": "Conv2d", "inChannels": 1, "outChannels": 1, "kernelSize": 5}]}',
      /layer 0 \(Conv2d\) on input \[1, 1, 4, 4\]: Conv2d: kernel size \(dilated\) 5 = 1 x \(5 - 1\) \+ 1 exceeds the padded input size 4/,
    ],
    [
      "duplicate names",
      '{"inputShape": [1, 3], "layers": [{"type": "ReLU", "name": "r"}, {"type": "ReLU", "name": "r"}]}',
      /model: layer 1 "r": duplicate layer name "r"/,
    ],
    [
      "a nested error",
      '{"inputShape": [1, 3, 8, 8], "layers": [{"type": "Sequential", "name": "block", "layers": [{"type": "ReLU"}, {"type": "MaxPool2d"}]}]}',
      /model: layer 0 "block": Sequential: layer 1: MaxPool2d: missing required option "kernelSize"/,
    ],
  ])("parseModel() explains a file with %s", (_, text, message) => {
    expect(() => parseModel(text)).toThrow(message);
  });
});

describe("functions taking a layer, spec or model report errors under their own op", () => {
  const conv = { type: "Conv2d", inChannels: 4, outChannels: 6, kernelSize: 3, padding: 1 } as LayerSpec;
  const input = [1, 4, 6, 6];
  const refuses = (fn: () => unknown, message: RegExp) => {
    let thrown: unknown;
    try {
      fn();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConvError);
    expect((thrown as Error).message).toMatch(message);
  };

  it("layerStats(layer, inputShape) names its layer argument when it is not a layer object or a Module", () => {
    refuses(
      () => layerStats(NaN as never, input),
      /^layerStats: layer must be a layer object like \{"type": "Conv2d", \.\.\.\} or a Module, got NaN$/,
    );
    refuses(() => layerStats({ ...conv, kernelSize: 0 } as never, input), /^layerStats: Conv2d: kernelSize/);
    refuses(() => layerStats({ type: "Conv5d" } as never, input), /^layerStats: layer: unknown layer type "Conv5d"/);
  });

  it("layerStats(layer, inputShape) names the input shape a layer refuses", () => {
    refuses(
      () => layerStats(conv, [0, 1]),
      /^layerStats: on inputShape \[0, 1\]: Conv2d: expected input of rank 3 \(unbatched\) or 4 \(batched\)/,
    );
  });

  it("resolveSpec, resolveLayer, resolveModel and buildLayer name their argument", () => {
    refuses(
      () => resolveSpec(NaN),
      /^resolveSpec: spec must be a layer object like \{"type": "Conv2d", \.\.\.\}, got NaN$/,
    );
    refuses(() => resolveSpec({ type: "Conv5d" }), /^resolveSpec: spec: unknown layer type "Conv5d"/);
    refuses(() => resolveLayer(null as never), /^resolveLayer: layer must be a layer object .* or a Module, got null$/);
    refuses(() => resolveModel(3 as never), /^resolveModel: model must be a layer object .* or a Module, got 3$/);
    refuses(() => resolveModel([conv, 1] as never), /^resolveModel: layer 1: expected a layer object/);
    refuses(() => buildLayer("Conv2d" as never), /^buildLayer: spec must be a layer object .*, got "Conv2d"$/);
    refuses(() => buildLayer({ ...conv, stride: 0 } as never), /^buildLayer: Conv2d: stride/);
  });

  it("resolvedLayerStats(layer, inputShape) refuses what is not resolveLayer's result", () => {
    refuses(() => resolvedLayerStats(null as never, input), /^resolvedLayerStats: layer must be a resolved layer/);
    refuses(() => resolvedLayerStats(resolveSpec(conv), NaN as never), /^resolvedLayerStats: inputShape must be/);
    refuses(() => resolvedLayerStats(resolveSpec(conv), [1, 5, 6, 6]), /^resolvedLayerStats: on inputShape/);
  });

  it("summary and receptiveField name the model argument and the failing layer", () => {
    refuses(() => summary(NaN as never, input), /^summary: model must be a layer object .* or a Module, got NaN$/);
    refuses(() => receptiveField(NaN as never, input), /^receptiveField: model must be a layer object/);
    refuses(
      () => summary([conv, { ...conv, inChannels: 5 }] as LayerSpec[], input),
      /^summary: layer 1 \(Conv2d\) on input \[1, 6, 6, 6\]: Conv2d: input/,
    );
  });

  it("an empty model is the identity, as PyTorch's empty nn.Sequential", () => {
    expect(resolveModel([])).toEqual({ kind: "sequence", type: "Sequential", children: [] });
    const s = summary([], input);
    expect(s.rows).toEqual([]);
    expect(s.totals.outputShape).toEqual(input);
    expect(s.totals.params).toBe(0);
    expect(receptiveField([], input)).toEqual([]);
  });

  it("modelToJSON(model, inputShape, options) checks its options, model and inputShape", () => {
    const net = new Sequential(new Conv2d(4, 6, 3, { padding: 1 }), new ReLU());
    refuses(
      () => modelToJSON(net, input, { nmae: "x" } as never),
      /^modelToJSON: unknown option "nmae"; did you mean "name"\?/,
    );
    refuses(() => modelToJSON(net, input, null as never), /^modelToJSON: options must be/);
    refuses(() => modelToJSON(net, input, { source: 3 } as never), /^modelToJSON: source must be a string, got 3$/);
    refuses(() => modelToJSON(NaN as never, input), /^modelToJSON: model must be a Module, got NaN$/);
    refuses(() => modelToJSON(net, NaN as never), /^modelToJSON: inputShape must be an array of sizes, got NaN$/);
    refuses(() => modelToJSON(net, [1, 5, 6, 6]), /^modelToJSON: model: layer 0 \(Conv2d\) on input \[1, 5, 6, 6\]/);
  });

  it("new ModelSummary(title, convention, rows, totals) checks each argument", () => {
    const { title, convention, rows, totals } = summary([conv], input);
    expect(new ModelSummary(title, convention, rows, totals).toText()).toBe(summary([conv], input).toText());
    refuses(() => new ModelSummary(NaN as never, convention, rows, totals), /^ModelSummary: title must be a string/);
    refuses(() => new ModelSummary(title, "macs" as never, rows, totals), /^ModelSummary: unknown convention "macs"/);
    refuses(() => new ModelSummary(title, convention, NaN as never, totals), /^ModelSummary: rows must be an array/);
    refuses(
      () => new ModelSummary(title, convention, [{ ...rows[0]!, macs: NaN }], totals),
      /^ModelSummary: rows\[0\]\.macs must be a finite number >= 0, got NaN$/,
    );
    refuses(
      () => new ModelSummary(title, convention, [{ ...rows[0]!, name: 1 as never }], totals),
      /^ModelSummary: rows\[0\]\.name must be a string, got 1$/,
    );
    refuses(() => new ModelSummary(title, convention, rows, null as never), /^ModelSummary: totals must be an object/);
    refuses(
      () => new ModelSummary(title, convention, rows, { ...totals, counts: {} as never }),
      /^ModelSummary: totals\.counts\.exact must be a finite number/,
    );
  });
});
