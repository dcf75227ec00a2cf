import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AvgPool2d,
  BYTES_PER_VALUE,
  COUNTING_CONVENTIONS,
  CONVENTIONS,
  Conv2d,
  ConvTranspose2d,
  countIn,
  formatTutorialTable,
  layerStats,
  Linear,
  MaxPool2d,
  parseModel,
  ReLU,
  Sequential,
  summary,
  tutorialTable,
  type LayerSpec,
} from "../src/index.js";
import { loadTorchCases, repoRoot, type TorchCase } from "./helpers.js";

const example = (name: string) => parseModel(readFileSync(resolve(repoRoot, "examples", name), "utf8"));

/** The spec PyTorch built for a fixture case. */
function specOf(c: TorchCase): LayerSpec {
  const transposed = c.op.startsWith("conv_transpose");
  const rank = c.weight_shape.length - 2;
  const common = {
    kernelSize: c.weight_shape.slice(2),
    stride: c.stride,
    dilation: c.dilation,
    groups: c.groups,
    bias: c.bias !== null,
  };
  return transposed
    ? {
        type: `ConvTranspose${rank}d` as "ConvTranspose2d",
        inChannels: c.weight_shape[0]!,
        outChannels: c.weight_shape[1]! * c.groups,
        ...common,
        padding: c.padding as number[],
        outputPadding: c.output_padding,
      }
    : {
        type: `Conv${rank}d` as "Conv2d",
        inChannels: c.weight_shape[1]! * c.groups,
        outChannels: c.weight_shape[0]!,
        ...common,
        padding: c.padding,
        paddingMode: c.padding_mode,
      };
}

describe("layerStats() on the 80 PyTorch fixture cases", () => {
  const cases = loadTorchCases();
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const stats = layerStats(specOf(c), c.input_shape);
    expect(stats.outputShape).toEqual(c.output_shape);
    expect(stats.params.total).toBe(c.params);
    expect(stats.macs).toBe(c.macs);
  });
});

describe("layerStats() units", () => {
  it("counts the tutorial's regular conv: 370 params (360 + 10), 3,240 MACs, FLOPs = 2 MACs + bias adds", () => {
    const s = layerStats(new Conv2d(4, 10, 3), [4, 5, 5]);
    expect(s.params).toEqual({ weight: 360, bias: 10, total: 370 });
    expect(s.macs).toBe(3240);
    expect(s.biasAdds).toBe(90);
    expect(s.otherOps).toBe(0);
    expect(s.flops).toBe(2 * 3240 + 90);
  });

  it("counts memory traffic as float32 input + weights + output, and intensity as FLOPs per byte", () => {
    const s = layerStats(new Conv2d(4, 10, 3), [1, 4, 5, 5]);
    expect(s.memory).toEqual({
      inputBytes: 100 * 4,
      weightBytes: 370 * 4,
      outputBytes: 90 * 4,
      totalBytes: (100 + 370 + 90) * BYTES_PER_VALUE,
    });
    expect(s.arithmeticIntensity).toBeCloseTo(6570 / 2240, 12);
  });

  it("counts ConvTranspose2d(3, 1, 2, stride 2) on [1, 3, 2, 2] over input positions: 48 MACs", () => {
    const s = layerStats(new ConvTranspose2d(3, 1, 2, { stride: 2 }), [1, 3, 2, 2]);
    expect(s.outputShape).toEqual([1, 1, 4, 4]);
    expect(s.macs).toBe(48);
    expect(s.biasAdds).toBe(16);
    // the tools that count over output positions: 16 outputs x 3 inputs x 4 taps = 192 (+16 bias)
    expect(s.counts).toEqual({ exact: 48, torchinfo: 13 * 16, thop: 192, fvcore: 48, ptflops: 192 + 16, pytorch: 96 });
  });

  it("counts pooling's comparisons and additions exactly, padding windows clipped", () => {
    // 2x2 max pool on 4x4: 4 windows of 4 values, 3 comparisons each
    expect(layerStats(new MaxPool2d(2), [1, 1, 4, 4]).otherOps).toBe(4 * 3);
    // 3x3 average pool, stride 1, padding 1 on 3x3: windows hold 4, 6, 4 / 6, 9, 6 / 4, 6, 4 real values
    const avg = layerStats(new AvgPool2d(3, { stride: 1, padding: 1 }), [1, 2, 3, 3]);
    expect(avg.otherOps).toBe(2 * (4 + 6 + 4 + 6 + 9 + 6 + 4 + 6 + 4));
    expect(avg.macs).toBe(0);
    expect(avg.flops).toBe(avg.otherOps);
    // dilated max pool: taps 0, 2 of a 5-long row, stride 1 -> outputs 0..2, 2 values each
    expect(layerStats({ type: "MaxPool1d", kernelSize: 2, stride: 1, dilation: 2 }, [1, 1, 5]).otherOps).toBe(
      3 * (2 - 1),
    );
  });

  it("counts batch norm as a scale and a shift per element, its running statistics as memory", () => {
    const s = layerStats({ type: "BatchNorm2d", numFeatures: 8 }, [2, 8, 4, 4]);
    expect(s.params).toEqual({ weight: 8, bias: 8, total: 16 });
    expect(s.macs).toBe(0);
    expect(s.otherOps).toBe(2 * 256);
    expect(s.memory.weightBytes).toBe(4 * 8 * 4);
  });

  it("counts Flatten as a view: no ops, no bytes", () => {
    const s = layerStats({ type: "Flatten" }, [2, 3, 4]);
    expect(s.outputShape).toEqual([2, 12]);
    expect(s.flops).toBe(0);
    expect(s.memory.totalBytes).toBe(0);
    expect(s.arithmeticIntensity).toBe(0);
  });

  it("throws ConvError naming the layer when the input does not fit", () => {
    expect(() => layerStats(new Conv2d(3, 8, 3), [1, 4, 8, 8])).toThrow(
      /Conv2d: input \[1, 4, 8, 8\] has 4 channels but weight \[8, 3, 3, 3\] expects 3/,
    );
    expect(() => layerStats(new Linear(10, 2), [4, 12])).toThrow(/Linear: input \[4, 12\] has 12 features/);
    expect(() => layerStats(new Sequential(new Conv2d(1, 4, 3), new Conv2d(8, 4, 3)), [1, 1, 9, 9])).toThrow(
      /Sequential: layer 1 \(Conv2d\) on input \[1, 4, 7, 7\]: Conv2d: input \[1, 4, 7, 7\] has 4 channels/,
    );
    expect(() =>
      layerStats(
        { type: "Conv2d", inChannels: 4, outChannels: 6, kernelSize: 3, groups: 4 } as LayerSpec,
        [1, 4, 5, 5],
      ),
    ).toThrow(/Conv2d: outChannels \(6\) must be divisible by groups \(4\)/);
  });
});

describe("counting conventions give each tool's published number", () => {
  it("torchinfo's README: Conv2d(1,10,5) on [7,1,28,28] is 260 params, 1,048,320 mult-adds; Conv2d(10,20,5) on [7,10,12,12] is 5,020 and 2,248,960", () => {
    const a = layerStats(new Conv2d(1, 10, 5), [7, 1, 28, 28]);
    expect(a.params.total).toBe(260);
    expect(countIn(a, "torchinfo")).toBe(1_048_320);
    const b = layerStats(new Conv2d(10, 20, 5), [7, 10, 12, 12]);
    expect(b.params.total).toBe(5020);
    expect(countIn(b, "torchinfo")).toBe(2_248_960);
  });

  it("torchinfo's README network in full: 21,840 params, 3,413,200 mult-adds (3.41 M), per layer as printed", () => {
    const s = summary(example("small-cnn.json").layers, [7, 1, 28, 28], { convention: "torchinfo" });
    expect(s.totals.params).toBe(21_840);
    expect(s.totals.count).toBe(3_413_200);
    const printed = Object.fromEntries(s.rows.filter((r) => r.count > 0).map((r) => [r.name, [r.params, r.count]]));
    expect(printed).toEqual({
      conv1: [260, 1_048_320],
      conv2: [5_020, 2_248_960],
      fc1: [16_050, 112_350],
      fc2: [510, 3_570],
    });
  });

  it("thop's tests: Conv2d(3,12,5,padding=1) on [1,3,32,32] is 810,000 with or without bias; Linear is n x in x out", () => {
    for (const bias of [true, false])
      expect(countIn(layerStats(new Conv2d(3, 12, 5, { padding: 1, bias }), [1, 3, 32, 32]), "thop")).toBe(810_000);
    expect(countIn(layerStats(new Linear(100, 200), [3, 100]), "thop")).toBe(3 * 100 * 200);
  });

  it("fvcore's docstring: Conv2d(3,10,1) on [1,3,10,10] is 3,000 flops, Linear(1000,10) 10,000, ReLU 0", () => {
    const s = summary(
      [
        { type: "Conv2d", inChannels: 3, outChannels: 10, kernelSize: 1 },
        { type: "ReLU" },
        { type: "Flatten" },
        { type: "Linear", inFeatures: 1000, outFeatures: 10 },
      ],
      [1, 3, 10, 10],
      { convention: "fvcore" },
    );
    expect(s.rows.map((r) => r.count)).toEqual([3000, 0, 0, 10_000]);
    expect(s.totals.count).toBe(13_000);
  });

  it("ptflops' README: torchvision VGG-16 at 224 is 138.36 M params and 15.5 GMac", () => {
    const s = summary(example("vgg16.json").layers, [1, 3, 224, 224], { convention: "ptflops" });
    expect((s.totals.params / 1e6).toFixed(2)).toBe("138.36");
    expect((s.totals.count / 1e9).toFixed(2)).toBe("15.50");
    expect(s.totals.count).toBe(15_503_523_304);
  });

  it("torch.utils.flop_counter counts 2 x MACs, bias and pooling left out", () => {
    const s = layerStats(new Conv2d(1, 10, 5), [7, 1, 28, 28]);
    expect(countIn(s, "pytorch")).toBe(2 * s.macs);
    expect(countIn(layerStats(new MaxPool2d(2), [1, 3, 8, 8]), "pytorch")).toBe(0);
  });

  it("each convention's counts for pooling, ReLU, batch norm and adaptive pooling follow the tools' rules", () => {
    const relu = layerStats(new ReLU(), [2, 3, 4, 4]);
    expect(relu.counts).toEqual({ exact: 0, torchinfo: 0, thop: 0, fvcore: 0, ptflops: 96, pytorch: 0 });
    const avg = layerStats(new AvgPool2d(2), [2, 3, 4, 4]);
    expect(avg.counts).toEqual({ exact: 0, torchinfo: 0, thop: 24, fvcore: 0, ptflops: 96, pytorch: 0 });
    const bn = layerStats({ type: "BatchNorm2d", numFeatures: 3 }, [2, 3, 4, 4]);
    expect(bn.counts).toEqual({
      exact: 0,
      torchinfo: 2 * 6,
      thop: 4 * 96,
      fvcore: 2 * 96,
      ptflops: 2 * 96,
      pytorch: 0,
    });
    const adaptive = layerStats({ type: "AdaptiveAvgPool2d", outputSize: 1 }, [2, 3, 7, 7]);
    expect(adaptive.counts).toEqual({
      exact: 0,
      torchinfo: 0,
      thop: (49 + 1) * 6,
      fvcore: 294,
      ptflops: 294,
      pytorch: 0,
    });
    const linear = layerStats(new Linear(4, 3), [5, 4]);
    expect(linear.counts).toEqual({
      exact: 60,
      torchinfo: 5 * 15,
      thop: 60,
      fvcore: 60,
      ptflops: 60 + 3,
      pytorch: 120,
    });
  });

  it("documents every convention with a tool, a source and a worked example", () => {
    expect(Object.keys(COUNTING_CONVENTIONS)).toEqual([...CONVENTIONS]);
    for (const c of CONVENTIONS) {
      const info = COUNTING_CONVENTIONS[c];
      expect(info.label && info.tool && info.source && info.rules && info.example).toBeTruthy();
    }
    expect(() => countIn(layerStats(new ReLU(), [1, 2]), "flops" as never)).toThrow(/unknown convention "flops"/);
    expect(() => countIn(layerStats(new ReLU(), [1, 2]), 1n as never)).toThrow(
      /^countIn: unknown convention 1n; expected one of/,
    );
  });
});

describe("whole networks", () => {
  it("MobileNetV1 1.0 at 224 (bias-free, no batch norm, FC 1024 -> 1000 with bias): 4,210,088 params, 568,740,352 MACs", () => {
    const model = example("mobilenet-v1.json");
    const s = summary(model.layers, model.inputShape);
    expect(s.totals.params).toBe(4_210_088);
    expect(s.totals.macs).toBe(568_740_352);
    expect(s.totals.outputShape).toEqual([1, 1000]);
  });

  it("VGG-16: 138,357,544 params and 15,470,264,320 MACs (convs 15,346,630,656 + FC 123,633,664)", () => {
    const s = summary(example("vgg16.json").layers, [1, 3, 224, 224]);
    expect(s.totals.params).toBe(138_357_544);
    const convMacs = s.rows.filter((r) => r.type === "Conv2d").reduce((t, r) => t + r.macs, 0);
    expect(convMacs).toBe(15_346_630_656);
    expect(s.totals.macs).toBe(15_346_630_656 + 123_633_664);
  });
});

describe("the tutorial's table, corrected", () => {
  it("tutorialTable() gives params / multiplications 370/3240, 190/1620, 40/324, 50/360, 90/684, 70/504, 370/360", () => {
    const rows = tutorialTable();
    expect(rows.map((r) => [r.variant, r.params, r.multiplications])).toEqual([
      ["regular", 370, 3240],
      ["grouped (g=2)", 190, 1620],
      ["depthwise", 40, 324],
      ["pointwise", 50, 360],
      ["depthwise-separable", 90, 684],
      ["GDSConv (g=2)", 70, 504],
      ["dilated (d=2)", 370, 360],
    ]);
    expect(rows.find((r) => r.variant === "dilated (d=2)")!.outputShape).toEqual([10, 1, 1]);
  });

  it("tutorialTable() notes the tutorial's slips: 320 for depthwise and 680 for separable", () => {
    const slips = tutorialTable()
      .filter((r) => r.tutorialSays)
      .map((r) => [r.variant, r.tutorialSays]);
    expect(slips).toEqual([
      ["depthwise", { multiplications: 320 }],
      ["depthwise-separable", { multiplications: 680 }],
    ]);
    const md = formatTutorialTable();
    expect(md).toContain("| depthwise | [4, 5, 5] | [4, 3, 3] | 40 | 324 | says 320 multiplications |");
    expect(formatTutorialTable(undefined, "text").split("\n")[0]).toMatch(
      /^variant\s+input\s+output\s+params\s+multiplications\s+tutorial$/,
    );
  });
});
