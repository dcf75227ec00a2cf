/**
 * Misspelled and misplaced options, and options of the wrong type, across the functional ops, the
 * tensor helpers, the arithmetic, the analysis helpers and the charts: each is a ConvError naming
 * the op and the argument (and, for a misspelling, the closest valid name), never silently ignored.
 */
import { describe, expect, it } from "vitest";
import {
  allClose,
  avgPool1d,
  avgPool2d,
  batchNorm,
  channelShuffle,
  Conv2d,
  conv1d,
  conv2d,
  conv3d,
  ConvError,
  convOutputSize,
  convTranspose1d,
  convTranspose2d,
  convTranspose3d,
  convTransposeOutputSize,
  costVsDilation,
  costVsGroups,
  divisors,
  formatTutorialTable,
  latencyRows,
  layerStats,
  matchedBudgetVariants,
  maxPool1d,
  maxPool2d,
  maxPool3d,
  measureLatency,
  measureLatencyAsync,
  ones,
  pad,
  poolOutputSize,
  rand,
  randn,
  receptiveFieldOfStack,
  Sequential,
  shuffleNetMAC,
  shuffleNetMinMAC,
  summary,
  timeConv,
  tutorialReceptiveField,
  zeros,
} from "../src/index.js";
import { timeSample } from "../src/analysis/timing.js";
import {
  channelConnectivity,
  channelReachMatrix,
  costBars,
  costLines,
  kernelFootprint,
  kernelFootprintData,
  latencyScatter,
  PLOT_OPTION_KEYS,
  receptiveFieldGrowth,
} from "../src/charts/index.js";
import { document } from "./snapshots.js";

const x1 = ones([1, 2, 6]);
const x2 = ones([1, 2, 6, 6]);
const x3 = ones([1, 2, 4, 4, 4]);
const w1 = ones([2, 2, 3]);
const w2 = ones([2, 2, 3, 3]);
const w3 = ones([2, 2, 3, 3, 3]);
const shape = { inChannels: 8, outChannels: 8, kernelSize: 3, inputSize: 8 };
const model = new Sequential(new Conv2d(3, 8, 3));
const costData = [{ name: "regular", params: 10, macs: 100 }];
const stages = [{ type: "conv" as const, inChannels: 4, outChannels: 4, groups: 2 }];
const run = () => 0;

// [call, message]: the message names the op and the argument (and suggests the right key).
const table: [string, () => unknown, RegExp][] = [
  // the functional ops
  [
    "conv2d dilaton",
    () => conv2d(x2, w2, null, { dilaton: 2 } as never),
    /^conv2d: unknown option "dilaton"; did you mean "dilation"\?/,
  ],
  [
    "conv2d padding_mode",
    () => conv2d(x2, w2, null, { padding_mode: "reflect" } as never),
    /^conv2d: unknown option "padding_mode"; did you mean "paddingMode"\?/,
  ],
  [
    "conv2d group",
    () => conv2d(x2, w2, null, { group: 2 } as never),
    /^conv2d: unknown option "group"; did you mean "groups"\?/,
  ],
  [
    "conv2d outputPadding",
    () => conv2d(x2, w2, null, { outputPadding: 1 } as never),
    /^conv2d: unknown option "outputPadding"; conv2d takes stride, padding, dilation, groups, paddingMode, backend, out$/,
  ],
  [
    "conv1d strides",
    () => conv1d(x1, w1, null, { strides: 2 } as never),
    /^conv1d: unknown option "strides"; did you mean "stride"\?/,
  ],
  [
    "conv3d Padding",
    () => conv3d(x3, w3, null, { Padding: 1 } as never),
    /^conv3d: unknown option "Padding"; did you mean "padding"\?/,
  ],
  [
    "conv2d ouT",
    () => conv2d(x2, w2, null, { ouT: zeros([1, 2, 4, 4]) } as never),
    /^conv2d: unknown option "ouT"; did you mean "out"\?/,
  ],
  [
    "conv2d groups as a string",
    () => conv2d(x2, w2, null, { groups: "2" } as never),
    /^conv2d: groups must be a positive integer, got "2"$/,
  ],
  [
    "conv2d paddingMode reflection",
    () => conv2d(x2, w2, null, { paddingMode: "reflection" } as never),
    /^conv2d: unknown paddingMode "reflection"/,
  ],
  [
    "convTranspose2d output_padding",
    () => convTranspose2d(x2, w2, null, { stride: 2, output_padding: 1 } as never),
    /^convTranspose2d: unknown option "output_padding"; did you mean "outputPadding"\?/,
  ],
  [
    "convTranspose2d paddingMode",
    () => convTranspose2d(x2, w2, null, { paddingMode: "reflect" } as never),
    /^convTranspose2d: transposed convolutions take no paddingMode .* got paddingMode "reflect"$/,
  ],
  [
    "convTranspose1d dilations",
    () => convTranspose1d(x1, w1, null, { dilations: 2 } as never),
    /^convTranspose1d: unknown option "dilations"; did you mean "dilation"\?/,
  ],
  [
    "convTranspose3d backnd",
    () => convTranspose3d(x3, w3, null, { backnd: "reference" } as never),
    /^convTranspose3d: unknown option "backnd"; did you mean "backend"\?/,
  ],
  [
    "convTranspose2d padding same",
    () => convTranspose2d(x2, w2, null, { padding: "same" } as never),
    /^convTranspose2d: padding must be a number or an array of 2 \(transposed convolutions take no padding string\)/,
  ],
  [
    "avgPool2d count_include_pad",
    () => avgPool2d(x2, { kernelSize: 3, padding: 1, count_include_pad: false } as never),
    /^avgPool2d: unknown option "count_include_pad"; did you mean "countIncludePad"\?/,
  ],
  [
    "avgPool2d countIncludePad no",
    () => avgPool2d(x2, { kernelSize: 3, countIncludePad: "no" } as never),
    /^avgPool2d: countIncludePad must be true or false, got "no"$/,
  ],
  [
    "avgPool2d dilation",
    () => avgPool2d(x2, { kernelSize: 2, dilation: 2 } as never),
    /^avgPool2d: unknown option "dilation"; avgPool2d takes kernelSize, stride, padding, ceilMode, countIncludePad$/,
  ],
  [
    "avgPool1d ceilMode 1",
    () => avgPool1d(x1, { kernelSize: 2, ceilMode: 1 } as never),
    /^avgPool1d: ceilMode must be true or false, got 1$/,
  ],
  [
    "maxPool2d ceilMode 1",
    () => maxPool2d(x2, { kernelSize: 2, ceilMode: 1 } as never),
    /^maxPool2d: ceilMode must be true or false, got 1$/,
  ],
  [
    "maxPool2d kernel_size",
    () => maxPool2d(x2, { kernel_size: 2 } as never),
    /^maxPool2d: unknown option "kernel_size"; did you mean "kernelSize"\?/,
  ],
  [
    "maxPool1d ceil_mode",
    () => maxPool1d(x1, { kernelSize: 2, ceil_mode: true } as never),
    /^maxPool1d: unknown option "ceil_mode"; did you mean "ceilMode"\?/,
  ],
  [
    "maxPool3d countIncludePad",
    () => maxPool3d(x3, { kernelSize: 2, countIncludePad: true } as never),
    /^maxPool3d: unknown option "countIncludePad"; maxPool3d takes/,
  ],
  ["maxPool2d options null", () => maxPool2d(x2, null as never), /^maxPool2d: options must be an object/],
  [
    "batchNorm epsilon",
    () => batchNorm(x2, zeros([2]), ones([2]), { epsilon: 1e-3 } as never),
    /^batchNorm: unknown option "epsilon"; batchNorm takes weight, bias, eps$/,
  ],
  [
    "batchNorm eps string",
    () => batchNorm(x2, zeros([2]), ones([2]), { eps: "1e-5" } as never),
    /^batchNorm: eps must be a finite number >= 0, got "1e-5"$/,
  ],
  [
    "batchNorm weight array",
    () => batchNorm(x2, zeros([2]), ones([2]), { weight: [1, 1] } as never),
    /^batchNorm: weight must be a Tensor, got an array$/,
  ],
  ["pad value string", () => pad(x2, [1, 1], "constant", "0" as never), /^pad: value must be a number, got "0"$/],
  ["pad mode edge", () => pad(x2, [1, 1], "edge" as never), /^pad: unknown mode "edge"/],
  [
    "channelShuffle groups 1.5",
    () => channelShuffle(x2, 1.5),
    /^channelShuffle: groups must be a positive integer, got 1.5$/,
  ],
  // the tensor helpers
  ["rand sead", () => rand([2], { sead: 1 } as never), /^rand: unknown option "sead"; did you mean "seed"\?/],
  ["randn seed NaN", () => randn([2], { seed: NaN }), /^randn: seed must be an integer, got NaN$/],
  ["rand low NaN", () => rand([2], { low: NaN }), /^rand: low must be a finite number, got NaN$/],
  [
    "randn sigma",
    () => randn([2], { sigma: 2 } as never),
    /^randn: unknown option "sigma"; randn takes seed, mean, std$/,
  ],
  [
    "allClose equal_nan",
    () => allClose(x2, x2, { equal_nan: true } as never),
    /^allClose: unknown option "equal_nan"; did you mean "equalNan"\?/,
  ],
  [
    "allClose equalNan yes",
    () => allClose(x2, x2, { equalNan: "yes" } as never),
    /^allClose: equalNan must be true or false, got "yes"$/,
  ],
  ["allClose rtol -1", () => allClose(x2, x2, { rtol: -1 }), /^allClose: rtol must be a finite number >= 0, got -1$/],
  // the arithmetic
  [
    "convOutputSize stride 0",
    () => convOutputSize(5, 3, { stride: 0 }),
    /^convOutputSize: stride must be a positive integer, got 0$/,
  ],
  [
    "convOutputSize strides",
    () => convOutputSize(5, 3, { strides: 2 } as never),
    /^convOutputSize: unknown option "strides"; did you mean "stride"\?/,
  ],
  [
    "convOutputSize NaN input",
    () => convOutputSize(NaN, 3),
    /^convOutputSize: inputSize must be a non-negative integer, got NaN$/,
  ],
  [
    "convOutputSize padding triple",
    () => convOutputSize(5, 3, { padding: [1, 1, 1] as never }),
    /^convOutputSize: padding must be a number or \[before, after\]/,
  ],
  [
    "convTransposeOutputSize output_padding",
    () => convTransposeOutputSize(5, 3, { output_padding: 1 } as never),
    /^convTransposeOutputSize: unknown option "output_padding"; did you mean "outputPadding"\?/,
  ],
  [
    "convTransposeOutputSize kernel 0",
    () => convTransposeOutputSize(5, 0),
    /^convTransposeOutputSize: kernelSize must be a positive integer, got 0$/,
  ],
  [
    "poolOutputSize ceil_mode",
    () => poolOutputSize(5, 2, { ceil_mode: true } as never),
    /^poolOutputSize: unknown option "ceil_mode"; did you mean "ceilMode"\?/,
  ],
  [
    "poolOutputSize ceilMode yes",
    () => poolOutputSize(5, 2, { ceilMode: "yes" } as never),
    /^poolOutputSize: ceilMode must be true or false, got "yes"$/,
  ],
  [
    "poolOutputSize stride Infinity",
    () => poolOutputSize(5, 2, { stride: Infinity }),
    /^poolOutputSize: stride must be a positive integer, got Infinity$/,
  ],
  // the analysis helpers
  [
    "summary conventon",
    () => summary(model, [1, 3, 8, 8], { conventon: "thop" } as never),
    /^summary: unknown option "conventon"; did you mean "convention"\?/,
  ],
  [
    "summary depth 0",
    () => summary(model, [1, 3, 8, 8], { depth: 0 }),
    /^summary: depth must be a positive integer, got 0$/,
  ],
  [
    "summary convention BigInt",
    () => summary(model, [1, 3, 8, 8], { convention: 1n } as never),
    /^summary: unknown convention 1n/,
  ],
  [
    "receptiveFieldOfStack null",
    () => receptiveFieldOfStack(null as never),
    /^receptiveFieldOfStack: stack must be an array of layers/,
  ],
  [
    "receptiveFieldOfStack kernel_size",
    () => receptiveFieldOfStack([{ kernel_size: 3 }] as never),
    /^receptiveFieldOfStack: unknown layer 0 option "kernel_size"; did you mean "kernelSize"\?/,
  ],
  [
    "receptiveFieldOfStack a number layer",
    () => receptiveFieldOfStack([3] as never),
    /^receptiveFieldOfStack: layer 0 must be an object like \{kernelSize: 3\}, got 3$/,
  ],
  [
    "receptiveFieldOfStack transposed yes",
    () => receptiveFieldOfStack([{ kernelSize: 3, transposed: "yes" }] as never),
    /^receptiveFieldOfStack: layer 0: transposed must be true or false, got "yes"$/,
  ],
  [
    "tutorialReceptiveField dilaton",
    () => tutorialReceptiveField([{ kernelSize: 3, dilaton: 2 }] as never),
    /^tutorialReceptiveField: unknown layer 0 option "dilaton"; did you mean "dilation"\?/,
  ],
  [
    "costVsGroups groupz",
    () => costVsGroups({ ...shape, groupz: 2 } as never),
    /^costVsGroups: unknown option "groupz"; costVsGroups takes/,
  ],
  [
    "costVsGroups bias false string",
    () => costVsGroups({ ...shape, bias: "false" } as never),
    /^costVsGroups: bias must be true or false, got "false"$/,
  ],
  [
    "costVsDilation dilation",
    () => costVsDilation({ ...shape, dilation: 2, dilations: [1] } as never),
    /^costVsDilation: unknown option "dilation"; did you mean "dilations"\?/,
  ],
  [
    "costVsDilation dilations 2",
    () => costVsDilation({ ...shape, dilations: 2 } as never),
    /^costVsDilation: dilations must be a non-empty array of positive integers, got 2$/,
  ],
  [
    "shuffleNetMAC group",
    () => shuffleNetMAC({ height: 4, width: 4, inChannels: 8, outChannels: 8, group: 2 } as never),
    /^shuffleNetMAC: unknown option "group"; did you mean "groups"\?/,
  ],
  [
    "shuffleNetMinMAC flop",
    () => shuffleNetMinMAC({ height: 4, width: 4, flop: 100 } as never),
    /^shuffleNetMinMAC: unknown option "flop"; did you mean "flops"\?/,
  ],
  ["divisors NaN", () => divisors(NaN), /^divisors: n must be a positive integer, got NaN$/],
  [
    "timeConv round",
    () => timeConv(run, { round: 3 } as never),
    /^timeConv: unknown option "round"; did you mean "rounds"\?/,
  ],
  [
    "timeConv warmup -1",
    () => timeConv(run, { warmup: -1 }),
    /^timeConv: warmup must be a non-negative integer, got -1$/,
  ],
  ["timeConv run not a function", () => timeConv(5 as never), /^timeConv: run must be a function, got a number$/],
  [
    "timeSample sample_ms",
    () => timeSample(run, { sample_ms: 5 } as never),
    /^timeSample: unknown option "sample_ms"; did you mean "sampleMs"\?/,
  ],
  [
    "matchedBudgetVariants channel",
    () => matchedBudgetVariants({ channel: 8 } as never),
    /^matchedBudgetVariants: unknown option "channel"; did you mean "channels"\?/,
  ],
  [
    "measureLatency roundz",
    () => measureLatency(matchedBudgetVariants({ channels: 4, size: 4, groups: [2] }), { roundz: 1 } as never),
    /^measureLatency: unknown option "roundz"; did you mean "rounds"\?/,
  ],
  [
    "measureLatency seed 0.5",
    () => measureLatency(matchedBudgetVariants({ channels: 4, size: 4, groups: [2] }), { seed: 0.5 }),
    /^measureLatency: seed must be an integer, got 0.5$/,
  ],
  [
    "formatTutorialTable format html",
    () => formatTutorialTable(undefined, "html" as never),
    /^formatTutorialTable: unknown format "html"; expected one of "markdown", "text"$/,
  ],
  [
    "latencyRows baseLine",
    () =>
      latencyRows([{ name: "a", stats: layerStats({ type: "ReLU" }, [1, 2]), timing: { samplesMs: [1], calls: 1 } }], {
        baseLine: "a",
      } as never),
    /^latencyRows: unknown option "baseLine"; did you mean "baseline"\?/,
  ],
  // the charts: their own options and Plot's pass; anything else is refused
  [
    "costBars baseLine",
    () => costBars(costData, { baseLine: "regular" } as never),
    /^costBars: unknown option "baseLine"; did you mean "baseline"\?/,
  ],
  [
    "costBars marks",
    () => costBars(costData, { marks: [] } as never),
    /^costBars: unknown option "marks"; costBars takes metrics, labels, baseline, width, height/,
  ],
  [
    "costBars metrics string",
    () => costBars(costData, { metrics: "params" } as never),
    /^costBars: metrics must be a non-empty array of field names, got "params"$/,
  ],
  [
    "costLines xtype",
    () => costLines(costData, { param: "macs", xtype: "log" } as never),
    /^costLines: unknown option "xtype"; did you mean "xType"\?/,
  ],
  [
    "costLines yType ln",
    () => costLines(costData, { param: "macs", yType: "ln" } as never),
    /^costLines: unknown yType "ln"; expected one of "linear", "log"$/,
  ],
  [
    "costLines values 1",
    () => costLines(costData, { param: "macs", values: 1 } as never),
    /^costLines: values must be true or false, got 1$/,
  ],
  [
    "receptiveFieldGrowth show_stride",
    () => receptiveFieldGrowth([{ layer: 0, r: 1, stride: 1 }], { show_stride: false } as never),
    /^receptiveFieldGrowth: unknown option "show_stride"; did you mean "showStride"\?/,
  ],
  [
    "kernelFootprint cellsize",
    () => kernelFootprint({ inputSize: 5, kernelSize: 3 }, { cellsize: 10 } as never),
    /^kernelFootprint: unknown option "cellsize"; did you mean "cellSize"\?/,
  ],
  [
    "kernelFootprint cellSize NaN",
    () => kernelFootprint({ inputSize: 5, kernelSize: 3 }, { cellSize: NaN }),
    /^kernelFootprint: cellSize must be a finite number >= 1, got NaN$/,
  ],
  [
    "kernelFootprintData kernel_size",
    () => kernelFootprintData({ inputSize: 5, kernel_size: 3 } as never),
    /^kernelFootprint: unknown field "kernel_size"; did you mean "kernelSize"\?/,
  ],
  [
    "latencyScatter xfield",
    () => latencyScatter([{ name: "a" }], { xfield: "macs" } as never),
    /^latencyScatter: unknown option "xfield"; did you mean "xField"\?/,
  ],
  [
    "channelConnectivity input_label",
    () => channelConnectivity(stages, { input_label: "x" } as never),
    /^channelConnectivity: unknown option "input_label"; did you mean "inputLabel"\?/,
  ],
  [
    "channelReachMatrix widht",
    () => channelReachMatrix(stages, { widht: 300 } as never),
    /^channelReachMatrix: unknown option "widht"; did you mean "width"\?/,
  ],
];

describe("a table of misspelled, misplaced and mistyped options", () => {
  it("holds at least 40 rows", () => {
    expect(table.length).toBeGreaterThanOrEqual(40);
  });

  it.each(table)("%s is a ConvError naming the op and the argument", (_, call, message) => {
    let error: unknown;
    try {
      call();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConvError);
    expect((error as Error).message).toMatch(message);
  });
});

describe("tutorialReceptiveField(stack)", () => {
  it("takes receptiveFieldOfStack's layers (stride and padding included) and reads only kernelSize and dilation", () => {
    const stack = [
      { kernelSize: 3, stride: 2, padding: 1 },
      { kernelSize: 3, dilation: 2, transposed: false },
    ];
    expect(tutorialReceptiveField(stack)).toBe(6);
    expect(receptiveFieldOfStack(stack).at(-1)!.tutorialSize).toBe(6);
  });
});

describe("measureLatencyAsync(variants, options)", () => {
  it("rejects a misspelled callback before timing anything", async () => {
    const variants = matchedBudgetVariants({ channels: 4, size: 4, groups: [2] });
    await expect(measureLatencyAsync(variants, { onprogress: () => {} } as never)).rejects.toThrow(
      /^measureLatencyAsync: unknown option "onprogress"; did you mean "onProgress"\?/,
    );
    await expect(measureLatencyAsync(variants, { pause: 5 } as never)).rejects.toThrow(
      /^measureLatencyAsync: pause must be a function, got a number$/,
    );
  });
});

describe("chart options", () => {
  it("a chart passes Plot's own options through (width, caption, scale options)", () => {
    const chart = costBars(costData, { metrics: ["params"], width: 300, caption: "c", x: { label: "p" }, document });
    expect(chart.outerHTML).toContain("c");
    expect(PLOT_OPTION_KEYS).toContain("marginLeft");
    expect(PLOT_OPTION_KEYS).not.toContain("marks");
  });
});
