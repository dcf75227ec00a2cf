import fc from "fast-check";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  buildLayer,
  ConvTranspose1d,
  countIn,
  describeReceptiveField,
  initialReceptiveField,
  layerStats,
  nextReceptiveField,
  spatialRank,
  statsLeaves,
  parseModel,
  receptiveField,
  receptiveFieldOfStack,
  summary,
  Tensor,
  tutorialReceptiveField,
  zeros,
  type LayerSpec,
} from "../src/index.js";
import { repoRoot } from "./helpers.js";

const example = (name: string) => parseModel(readFileSync(resolve(repoRoot, "examples", name), "utf8"));

describe("receptiveField() by the Distill recurrences", () => {
  const vgg = example("vgg16.json");
  const steps = receptiveField(vgg.layers, vgg.inputShape);
  const at = (name: string) => steps.find((s) => s.name === name)!.receptiveField!;

  it("VGG-16: size / stride / padding 3/1/1 after conv1_1, 6/2/2 after pool1, 16/4/6, 44/8/18, 100/16/42, 212/32/90 after pool5", () => {
    const table = ["conv1_1", "pool1", "pool2", "pool3", "pool4", "pool5"].map((name) => [
      name,
      at(name).size,
      at(name).stride,
      at(name).padding,
    ]);
    expect(table).toEqual([
      ["conv1_1", [3, 3], [1, 1], [1, 1]],
      ["pool1", [6, 6], [2, 2], [2, 2]],
      ["pool2", [16, 16], [4, 4], [6, 6]],
      ["pool3", [44, 44], [8, 8], [18, 18]],
      ["pool4", [100, 100], [16, 16], [42, 42]],
      ["pool5", [212, 212], [32, 32], [90, 90]],
    ]);
  });

  it("VGG-16: output 0's center is at -P + (r - 1) / 2 (pool5: 15.5); ReLU leaves the field alone; the classifier sees the whole input", () => {
    expect(at("pool5").center).toEqual([15.5, 15.5]);
    expect(at("relu1_1")).toEqual(at("conv1_1"));
    expect(steps.find((s) => s.name === "fc6")!.receptiveField).toBeNull();
    expect(steps.find((s) => s.name === "avgpool")!.receptiveField).toEqual(at("pool5")); // 7x7 -> 7x7 is a 1x1 window
  });

  it("VGG-16: the tutorial's sum of d (k - 1) is r - 1 until the first stride, then falls behind (31 vs 212 after pool5)", () => {
    const s = (name: string) => steps.find((x) => x.name === name)!;
    expect(s("conv1_2").tutorialSize).toEqual([4, 4]);
    expect(s("conv1_2").tutorialGap).toEqual([1, 1]);
    expect(s("pool5").tutorialSize).toEqual([31, 31]);
    expect(s("pool5").tutorialGap).toEqual([181, 181]);
  });

  it("a WaveNet-style stack, kernel 2, dilations 1, 2, ..., 512: receptive field 1,024 (the tutorial's formula: 1,023)", () => {
    const wavenet = example("wavenet.json");
    const last = receptiveField(wavenet.layers, wavenet.inputShape).at(-1)!;
    expect(last.receptiveField!.size).toEqual([1024]);
    expect(last.receptiveField!.stride).toEqual([1]);
    expect(last.tutorialSize).toEqual([1023]);
    expect(
      tutorialReceptiveField([1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((d) => ({ kernelSize: 2, dilation: d }))),
    ).toBe(1023);
    expect(summary(wavenet.layers, wavenet.inputShape).rows.at(-1)!.receptiveField!.size).toEqual([1024]);
  });

  it("a 1x1 conv changes nothing; a dilated conv grows r by d (k - 1) S; per-dimension kernels give per-dimension fields", () => {
    const layers: LayerSpec[] = [
      { type: "Conv2d", inChannels: 1, outChannels: 2, kernelSize: [3, 5], stride: [2, 1], padding: [1, 2] },
      { type: "PointwiseConv2d", inChannels: 2, outChannels: 2 },
      { type: "Conv2d", inChannels: 2, outChannels: 2, kernelSize: 3, dilation: 2 },
    ];
    const [a, b, c] = receptiveField(layers, [1, 1, 32, 32]).map((s) => s.receptiveField!);
    expect(a).toEqual({ size: [3, 5], stride: [2, 1], padding: [1, 2], center: [0, 0] });
    expect(b).toEqual(a);
    expect(c.size).toEqual([3 + 4 * 2, 5 + 4 * 1]);
  });

  it("a transposed conv has stride 1/s: ConvTranspose(k=2, s=2) gives r = 1.5, S = 0.5, output 0 spanning [-0.5, 0]", () => {
    const [step] = receptiveField(new ConvTranspose1d(1, 1, 2, { stride: 2 }), [1, 1, 4]);
    expect(step!.receptiveField).toEqual({ size: [1.5], stride: [0.5], padding: [0.5], center: [-0.25] });
    // a stride-2 conv then that transposed conv: back to S = 1
    const rows = receptiveFieldOfStack([
      { kernelSize: 3, stride: 2 },
      { kernelSize: 2, stride: 2, transposed: true },
    ]);
    expect(rows.map((r) => [r.size, r.stride, r.padding])).toEqual([
      [3, 2, 0],
      [4, 1, 1],
    ]);
  });

  it("receptiveFieldOfStack() works from numbers alone and checks them", () => {
    const rows = receptiveFieldOfStack([
      { kernelSize: 3, padding: 1 },
      { kernelSize: 3, padding: 1 },
      { kernelSize: 2, stride: 2 },
    ]);
    expect(rows.map((r) => r.size)).toEqual([3, 5, 6]);
    expect(rows.map((r) => r.tutorialSize)).toEqual([2, 4, 5]);
    expect(() => receptiveFieldOfStack([{ kernelSize: 0 }])).toThrow(
      /receptiveFieldOfStack: layer 0: kernelSize must be an integer >= 1, got 0/,
    );
  });
});

// --- The recurrence against the forward pass: which inputs can change output o? -----------------------------

interface Stack1d {
  layers: LayerSpec[];
  length: number;
}

/** Random 1-D stacks of convs, pools and transposed convs (one channel). */
const stacks: fc.Arbitrary<Stack1d> = fc.record({
  length: fc.integer({ min: 12, max: 28 }),
  layers: fc.array(
    fc.oneof(
      fc
        .record({
          k: fc.integer({ min: 1, max: 3 }),
          s: fc.integer({ min: 1, max: 2 }),
          p: fc.integer({ min: 0, max: 1 }),
          d: fc.integer({ min: 1, max: 2 }),
        })
        .map(({ k, s, p, d }): LayerSpec => ({
          type: "Conv1d",
          inChannels: 1,
          outChannels: 1,
          kernelSize: k,
          stride: s,
          padding: p,
          dilation: d,
        })),
      fc
        .record({ k: fc.integer({ min: 2, max: 3 }), s: fc.integer({ min: 1, max: 2 }) })
        .map(({ k, s }): LayerSpec => ({ type: "MaxPool1d", kernelSize: k, stride: s })),
      fc
        .record({
          k: fc.integer({ min: 1, max: 3 }),
          s: fc.integer({ min: 1, max: 2 }),
          p: fc.integer({ min: 0, max: 1 }),
        })
        .map(({ k, s, p }): LayerSpec => ({
          type: "ConvTranspose1d",
          inChannels: 1,
          outChannels: 1,
          kernelSize: k,
          stride: s,
          padding: Math.min(p, k - 1),
        })),
    ),
    { minLength: 1, maxLength: 4 },
  ),
});

/** Positive weights, no bias: an input can change an output exactly when the output depends on it. */
function dependencies(stack: Stack1d): number[][] | null {
  const modules = stack.layers.map((spec) => {
    const layer = buildLayer(spec);
    const w = (layer as { weight?: Tensor }).weight;
    if (w) {
      (layer as unknown as { weight: Tensor }).weight = w.map(() => 1);
      (layer as unknown as { bias: Tensor | null }).bias = null;
    }
    return layer;
  });
  const run = (x: Tensor) => modules.reduce((h, m) => m.forward(h), x);
  let base: Tensor;
  try {
    base = run(zeros([1, 1, stack.length]));
  } catch {
    return null; // the stack does not fit this length
  }
  const deps: number[][] = Array.from({ length: base.shape[2]! }, () => []);
  for (let j = 0; j < stack.length; j++) {
    const x = zeros([1, 1, stack.length]);
    x.data[j] = 1;
    const y = run(x);
    y.data.forEach((v, o) => {
      if (v !== base.data[o]) deps[o]!.push(j);
    });
  }
  return deps;
}

describe("receptiveField() against the forward pass", () => {
  it("every input an output depends on lies in [-P + o S, -P + o S + r - 1]; without transposed layers or dilation the window's ends are hit (fast-check)", () => {
    fc.assert(
      fc.property(stacks, (stack) => {
        const deps = dependencies(stack);
        fc.pre(deps !== null);
        const rf = receptiveField(stack.layers, [1, 1, stack.length]).at(-1)!.receptiveField!;
        const [r, S, P] = [rf.size[0]!, rf.stride[0]!, rf.padding[0]!];
        const plain = stack.layers.every(
          (l) => l.type !== "ConvTranspose1d" && ((l as { dilation?: number }).dilation ?? 1) === 1,
        );
        deps!.forEach((inputs, o) => {
          const start = -P + o * S;
          const end = start + r - 1;
          for (const j of inputs) {
            expect(
              j,
              `output ${o} depends on input ${j}, outside [${start}, ${end}] for ${JSON.stringify(stack)}`,
            ).toBeGreaterThanOrEqual(start - 1e-9);
            expect(j).toBeLessThanOrEqual(end + 1e-9);
          }
          if (plain && inputs.length > 0) {
            expect(Math.min(...inputs)).toBe(Math.max(start, 0));
            expect(Math.max(...inputs)).toBe(Math.min(end, stack.length - 1));
          }
        });
      }),
      { numRuns: 150, seed: 11 },
    );
  });

  it("a single transposed conv depends on exactly the integer positions inside its window", () => {
    for (const [k, s, p] of [
      [2, 2, 0],
      [3, 2, 0],
      [3, 2, 1],
      [4, 3, 1],
      [1, 2, 0],
    ] as const) {
      const stack: Stack1d = {
        layers: [{ type: "ConvTranspose1d", inChannels: 1, outChannels: 1, kernelSize: k, stride: s, padding: p }],
        length: 5,
      };
      const rf = receptiveField(stack.layers, [1, 1, 5])[0]!.receptiveField!;
      dependencies(stack)!.forEach((inputs, o) => {
        const start = -rf.padding[0]! + o * rf.stride[0]!;
        const inside: number[] = [];
        for (let j = Math.ceil(start - 1e-9); j <= start + rf.size[0]! - 1 + 1e-9; j++)
          if (j >= 0 && j < 5) inside.push(j + 0); // + 0 turns -0 into 0
        expect(inputs, `k=${k} s=${s} p=${p} output ${o}`).toEqual(inside);
      });
    }
  });
});

describe("initialReceptiveField", () => {
  it("initialReceptiveField(rank) takes a spatial rank of 1, 2 or 3 and refuses 1e8 before building arrays", () => {
    expect(() => initialReceptiveField(1e8)).toThrow(
      /^initialReceptiveField: rank must be 1, 2 or 3 \(spatial dimensions\), got 100000000$/,
    );
    expect(initialReceptiveField(2)).toEqual({ size: [1, 1], stride: [1, 1], padding: [0, 0] });
  });
});

describe("receptive-field helpers with hostile arguments", () => {
  it("nextReceptiveField, describeReceptiveField, statsLeaves and spatialRank refuse what is not a state, window, stats or leaves", () => {
    const window = { kind: "sliding" as const, kernel: [3], stride: [2], padding: [1], transposed: false, exact: true };
    expect(() => nextReceptiveField(NaN as never, window)).toThrow(
      /^nextReceptiveField: state must be \{size, stride, padding\}/,
    );
    expect(() => nextReceptiveField(initialReceptiveField(1), null as never)).toThrow(
      /^nextReceptiveField: window must be a layer window/,
    );
    expect(() => describeReceptiveField(null as never)).toThrow(/^describeReceptiveField: state must be/);
    expect(() => statsLeaves(NaN as never)).toThrow(/^statsLeaves: stats must be a layer's statistics/);
    expect(() => spatialRank(NaN as never, [1, 4, 6, 6])).toThrow(/^spatialRank: leaves must be an array/);
    expect(() => countIn(null as never, "thop")).toThrow(/^countIn: stats must be a layer's statistics/);
    expect(nextReceptiveField(initialReceptiveField(1), window)).toEqual({ size: [3], stride: [2], padding: [1] });
  });
});

describe("receptive-field helpers refuse an empty stack", () => {
  it("receptiveFieldOfStack(stack) and tutorialReceptiveField(stack) refuse a stack without layers, naming stack", () => {
    expect(() => receptiveFieldOfStack([])).toThrow(
      /^receptiveFieldOfStack: stack must hold at least one layer, got \[\]$/,
    );
    expect(() => tutorialReceptiveField([])).toThrow(/^tutorialReceptiveField: stack must hold at least one layer/);
  });

  it("statsLeaves(stats) of an empty model has no leaves, and spatialRank falls back to the input's rank", () => {
    const stats = layerStats({ type: "Sequential", layers: [] }, [1, 4, 6, 6]);
    expect(statsLeaves(stats)).toEqual([]);
    expect(spatialRank(statsLeaves(stats), [1, 4, 6, 6])).toBe(2);
  });
});
