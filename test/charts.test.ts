// convkit/charts: the data each chart derives, checked against the library, and every chart's SVG
// compared with a snapshot file in test/snapshots/ (numbers rounded to 3 decimals, generated ids
// renamed), as Observable Plot tests its own charts. A missing snapshot is written; set
// UPDATE_SNAPSHOTS=1 to rewrite them all after an intended change, and look at the files.
import { describe, expect, it } from "vitest";
import { ConvError, channelShuffle, convInfo, costVsGroups, tensor } from "../src/index.js";
import {
  channelConnectivity,
  channelCounts,
  channelLinks,
  channelReach,
  channelReachMatrix,
  costBars,
  costLines,
  kernelFootprint,
  kernelFootprintData,
  latencyScatter,
  MAX_CHART_SIZE,
  panels,
  plotChart,
  stageLabel,
  receptiveFieldGrowth,
  type ChannelStage,
} from "../src/charts/index.js";
import { count, document, expectSnapshot } from "./snapshots.js";

const conv = (inChannels: number, outChannels: number, groups = 1): ChannelStage => ({
  type: "conv",
  inChannels,
  outChannels,
  groups,
});
const shuffle = (groups: number): ChannelStage => ({ type: "shuffle", groups });
const tutorialGrouped = [conv(4, 10, 2)];
const shuffled = [conv(4, 4, 2), shuffle(2), conv(4, 4, 2)];
const alternating = [conv(6, 6, 2), conv(6, 6, 3)];

describe("channel connectivity", () => {
  it("channelLinks() connects each output of a grouped conv to the inputs of its group only", () => {
    const links = channelLinks(tutorialGrouped);
    expect(links).toHaveLength(10 * 2);
    for (const { from, to, group } of links) {
      expect(group).toBe(to < 5 ? 0 : 1);
      expect(Math.floor(from / 2)).toBe(group);
    }
  });

  it("channelLinks() of a shuffle is the permutation convkit's channelShuffle applies", () => {
    for (const [channels, groups] of [
      [4, 2],
      [6, 2],
      [6, 3],
      [12, 4],
    ] as const) {
      // channel c of x holds the value c; after the shuffle, channel `to` holds its source channel
      const x = tensor([Array.from({ length: channels }, (_, c) => [c])]); // (1, C, 1)
      const shuffledValues = Array.from(channelShuffle(x, groups).data);
      const links = channelLinks([conv(channels, channels), shuffle(groups)]).filter((l) => l.stage === 2);
      expect(links.map((l) => l.from)).toEqual(shuffledValues);
    }
  });

  it("channelReach() is block-diagonal for stacked grouped convs and full with a shuffle between them", () => {
    expect(channelReach([conv(4, 4, 2), conv(4, 4, 2)])).toEqual([
      [true, true, false, false],
      [true, true, false, false],
      [false, false, true, true],
      [false, false, true, true],
    ]);
    expect(channelReach(shuffled).flat().every(Boolean)).toBe(true);
  });

  it("channelReach() of groups 2 then 3 over 6 channels mixes only the middle group", () => {
    expect(channelReach(alternating).map((row) => row.map(Number).join(""))).toEqual([
      "111000",
      "111000",
      "111111",
      "111111",
      "000111",
      "000111",
    ]);
    expect(
      channelReach([...alternating, conv(6, 6, 2)])
        .flat()
        .every(Boolean),
    ).toBe(true);
  });

  it("channelCounts() rejects stages that do not chain or do not divide, naming the stage", () => {
    expect(channelCounts(shuffled)).toEqual([4, 4, 4, 4]);
    expect(() => channelCounts([conv(4, 4), conv(6, 6)])).toThrow(ConvError);
    expect(() => channelCounts([conv(4, 4), conv(6, 6)])).toThrow(/stage 1 expects 6 input channels but receives 4/);
    expect(() => channelCounts([conv(4, 6, 4)])).toThrow(
      /stage 0: inChannels \(4\) and outChannels \(6\) must be divisible by groups \(4\)/,
    );
    expect(() => channelCounts([conv(4, 4), shuffle(3)])).toThrow(
      /stage 1: shuffle groups must be a positive divisor of the channels \(4\)/,
    );
    expect(() => channelCounts([shuffle(2)])).toThrow(/the first stage must be a conv/);
  });

  it("channelConnectivity() draws one line per link and one dot per channel", () => {
    const chart = channelConnectivity(shuffled, { document });
    expect(count(chart, 'g[aria-label="link"] path')).toBe(channelLinks(shuffled).length);
    expect(count(chart, 'g[aria-label="dot"] circle')).toBe(4 * 4);
    expect(() => channelConnectivity(shuffled, { document, highlight: 4 })).toThrow(
      /highlight must be a channel of the last column \(0..3\)/,
    );
  });

  it("channelConnectivity() of the tutorial's grouped conv (4 -> 10, groups 2) matches its snapshot", () => {
    expectSnapshot("channel-connectivity-grouped", channelConnectivity(tutorialGrouped, { document }));
  });

  it("channelConnectivity() of two grouped convs with a shuffle between them, channel 0 highlighted, matches its snapshot", () => {
    expectSnapshot("channel-connectivity-shuffle", channelConnectivity(shuffled, { document, highlight: 0 }));
  });

  it("channelConnectivity() of groups 2 then 3 over 6 channels, channel 2 highlighted, matches its snapshot", () => {
    expectSnapshot("channel-connectivity-alternating", channelConnectivity(alternating, { document, highlight: 2 }));
  });

  it("channelReachMatrix() draws one cell per (output, input) pair, filled where reachable", () => {
    const chart = channelReachMatrix(alternating, { document });
    expect(count(chart, 'g[aria-label="cell"] rect')).toBe(36);
    expect(count(chart, 'g[aria-label="cell"] rect[fill="#4269d0"]')).toBe(
      channelReach(alternating).flat().filter(Boolean).length,
    );
    expectSnapshot("channel-reach-alternating", chart);
  });
});

const tutorialCosts = [
  { name: "regular", params: 370, macs: 3240 },
  { name: "grouped, g=2", params: 190, macs: 1620 },
  { name: "depthwise-separable", params: 90, macs: 684 },
  { name: "GDSConv, g=2", params: 70, macs: 504 },
];

describe("costBars", () => {
  it("costBars() draws one bar per variant in one panel per metric, labelled with the ratio to the baseline", () => {
    const chart = costBars(tutorialCosts, { document, baseline: "regular" });
    expect(chart.tagName.toLowerCase()).toBe("div");
    expect(count(chart, "svg")).toBe(2);
    expect(count(chart, 'g[aria-label="bar"] rect')).toBe(8);
    expect(chart.textContent).toContain("504 (×0.156)");
    expect(chart.textContent).toContain("3,240");
    expectSnapshot("cost-bars-tutorial", chart);
  });

  it("costBars() with one metric returns the SVG itself", () => {
    const chart = costBars(tutorialCosts, { document, metrics: ["params"] });
    expect(chart.tagName.toLowerCase()).toBe("svg");
    expect(count(chart, 'g[aria-label="bar"] rect')).toBe(4);
    expectSnapshot("cost-bars-params", chart);
  });

  it("costBars() rejects an unknown baseline and a missing metric", () => {
    expect(() => costBars(tutorialCosts, { document, baseline: "dilated" })).toThrow(
      /baseline "dilated" is not one of the variants/,
    );
    expect(() => costBars(tutorialCosts, { document, metrics: ["flops"] })).toThrow(
      /variant "regular" has no numeric "flops"/,
    );
  });
});

// A realistic layer, 3x3, 64 -> 128 at 56x56 (output 56x56 with padding 1), over every divisor of 64.
const byGroups = [1, 2, 4, 8, 16, 32, 64].map((g) => ({
  groups: g,
  params: (9 * 64 * 128) / g + 128,
  macs: (56 * 56 * 9 * 64 * 128) / g,
}));
// The tutorial's 5x5 input and 3x3 kernel against dilation: output size and MACs.
const byDilation = [1, 2].map((d) => {
  const out = 5 - d * 2;
  return { dilation: d, output: out, macs: out * out * 10 * 36 };
});

describe("costLines", () => {
  it("costLines() draws a line and a dot per point for each metric, on log scales when asked", () => {
    const chart = costLines(byGroups, { document, param: "groups", xType: "log", yType: "log" });
    expect(count(chart, 'g[aria-label="line"] path')).toBe(2);
    expect(count(chart, 'g[aria-label="dot"] circle')).toBe(14);
    // every divisor is labelled on the base-2 log axis
    expect(
      Array.from(chart.querySelectorAll('g[aria-label="x-axis tick label"] text')).map((t) => t.textContent),
    ).toEqual(["1", "2", "4", "8", "16", "32", "64"]);
    expectSnapshot("cost-lines-groups-log", chart);
  });

  it("costLines() merges the caller's scale options with its own", () => {
    const chart = costLines(byDilation, {
      document,
      param: "dilation",
      metrics: ["output"],
      values: true,
      y: { label: "output size" },
    });
    expect(chart.textContent).toContain("output size");
    expect(count(chart, 'g[aria-label="dot"] circle')).toBe(2);
    expectSnapshot("cost-lines-dilation", chart);
  });

  it("costLines() needs positive values on a log scale", () => {
    expect(() => costLines([{ g: 1, params: 0 }], { document, param: "g", metrics: ["params"], yType: "log" })).toThrow(
      /a log scale needs positive values/,
    );
  });
});

describe("receptiveFieldGrowth", () => {
  // r and effective stride after each layer (Araujo et al. 2019): r += (k_eff - 1) * jump; jump *= s.
  const grow = (series: string, layers: { k: number; s?: number; d?: number }[]) => {
    let r = 1;
    let stride = 1;
    return [
      { series, layer: 0, r, stride },
      ...layers.map(({ k, s = 1, d = 1 }, i) => {
        r += d * (k - 1) * stride;
        stride *= s;
        return { series, layer: i + 1, r, stride };
      }),
    ];
  };
  const data = [
    ...grow("plain 3×3", [{ k: 3 }, { k: 3 }, { k: 3 }, { k: 3 }]),
    ...grow("dilated 2^i", [
      { k: 3, d: 1 },
      { k: 3, d: 2 },
      { k: 3, d: 4 },
      { k: 3, d: 8 },
    ]),
    ...grow("3×3 + pool", [{ k: 3 }, { k: 2, s: 2 }, { k: 3 }, { k: 2, s: 2 }]),
  ];

  it("receptiveFieldGrowth() draws r and the effective stride per series, sharing labels of lines that end together", () => {
    const chart = receptiveFieldGrowth(data, { document });
    expect(count(chart, 'g[aria-label="line"] path')).toBe(6);
    expect(count(chart, 'g[aria-label="dot"] circle')).toBe(30);
    const labels = Array.from(chart.querySelectorAll('g[aria-label="text"] text')).map((t) => t.textContent);
    expect(labels).toContain("plain 3×3, dilated 2^i: stride"); // both end at stride 1
    expect(labels).toContain("dilated 2^i: r");
    expectSnapshot("receptive-field-growth", chart);
  });

  it("receptiveFieldGrowth() on a log scale, without the stride", () => {
    const chart = receptiveFieldGrowth(data, { document, yType: "log", showStride: false });
    expect(count(chart, 'g[aria-label="line"] path')).toBe(3);
    expectSnapshot("receptive-field-growth-log", chart);
  });

  it("receptiveFieldGrowth() rejects a receptive field below 1 and a stride that is not positive", () => {
    expect(() => receptiveFieldGrowth([{ layer: 0, r: 0, stride: 1 }], { document })).toThrow(
      /r must be a finite number >= 1 and stride a finite positive number/,
    );
    expect(() => receptiveFieldGrowth([{ layer: 0, r: 1, stride: 0 }], { document })).toThrow(
      /r must be a finite number >= 1 and stride a finite positive number/,
    );
  });

  it("receptiveFieldGrowth() draws a transposed convolution's fractional stride", () => {
    const svg = receptiveFieldGrowth(
      [
        { layer: 0, r: 1, stride: 1 },
        { layer: 1, r: 2, stride: 0.5 },
      ],
      { document },
    ) as Element;
    expect(svg.querySelectorAll("path").length).toBeGreaterThanOrEqual(2);
  });

  it("costLines() takes the closed forms' points as they are", () => {
    const svg = costLines(costVsGroups({ inChannels: 8, outChannels: 8, kernelSize: 3, inputSize: 8 }), {
      param: "groups",
      document,
    }) as Element;
    expect(svg.querySelectorAll("circle").length).toBe(2 * 4); // params and MACs at g = 1, 2, 4, 8
  });
});

describe("kernelFootprint", () => {
  it("kernelFootprintData() of the tutorial's 3x3 conv: output (1, 2) reads the window at (1, 2)", () => {
    const fp = kernelFootprintData({ inputSize: 5, kernelSize: 3, output: [1, 2] });
    expect(fp.outSize).toEqual([3, 3]);
    expect(fp.taps.map((t) => [t.row, t.col])).toEqual([
      [1, 2],
      [1, 3],
      [1, 4],
      [2, 2],
      [2, 3],
      [2, 4],
      [3, 2],
      [3, 3],
      [3, 4],
    ]);
    expect(fp.cells).toHaveLength(25);
  });

  it("kernelFootprintData() spreads taps by the dilation and steps them by the stride, as convInfo sizes it", () => {
    const config = { inputSize: 7, kernelSize: 3, padding: 1, stride: 2, dilation: 2 } as const;
    const fp = kernelFootprintData({ ...config, output: [1, 2] });
    const { padding, stride, dilation } = config;
    const info = convInfo("conv2d", 2, [1, 7, 7], [1, 1, 3, 3], null, { padding, stride, dilation });
    expect(fp.outSize).toEqual(info.outSize);
    // row = oy * s - p + i * d
    expect([...new Set(fp.taps.map((t) => t.row))]).toEqual([1, 3, 5]);
    expect([...new Set(fp.taps.map((t) => t.col))]).toEqual([3, 5, 7]);
    expect(fp.taps.filter((t) => t.padded).map((t) => [t.row, t.col])).toEqual([
      [1, 7],
      [3, 7],
      [5, 7],
    ]);
    expect(fp.taps.filter((t) => t.padded).every((t) => t.source === null)).toBe(true); // zeros padding reads nothing
  });

  it("kernelFootprintData() pads 'same' asymmetrically for an even kernel, as PyTorch does", () => {
    const fp = kernelFootprintData({ inputSize: [4, 6], kernelSize: 4, padding: "same", output: [0, 0] });
    expect(fp.padBefore).toEqual([1, 1]);
    expect(fp.padAfter).toEqual([2, 2]);
    expect(fp.outSize).toEqual([4, 6]);
    expect(fp.cells).toHaveLength((4 + 3) * (6 + 3));
  });

  it("kernelFootprintData() maps padded taps to the input cells reflect, replicate and circular padding copy", () => {
    const source = (paddingMode: "reflect" | "replicate" | "circular") =>
      kernelFootprintData({ inputSize: 5, kernelSize: 3, padding: 2, paddingMode, output: [0, 0] }).taps[0]!.source; // tap at (-2, -2)
    expect(source("reflect")).toEqual([2, 2]);
    expect(source("replicate")).toEqual([0, 0]);
    expect(source("circular")).toEqual([3, 3]);
  });

  it("kernelFootprintData() throws the library's ConvError for an impossible configuration", () => {
    expect(() => kernelFootprintData({ inputSize: 5, kernelSize: 3, dilation: 3 })).toThrow(ConvError);
    expect(() => kernelFootprintData({ inputSize: 5, kernelSize: 3, dilation: 3 })).toThrow(
      /kernelFootprint: kernel size \(dilated\) 7 = 3 x \(3 - 1\) \+ 1 exceeds the padded input size 5/,
    );
    expect(() => kernelFootprintData({ inputSize: 5, kernelSize: 3, stride: 2, padding: "same" })).toThrow(
      /padding "same" needs stride 1/,
    );
    expect(() => kernelFootprintData({ inputSize: 5, kernelSize: 3, output: [3, 0] })).toThrow(
      /output cell \[3, 0\] is outside the output \(3, 3\)/,
    );
  });

  it("kernelFootprint() draws one rect per padded-input cell and per output cell, taps filled", () => {
    const config = { inputSize: 7, kernelSize: 3, padding: 1, stride: 2, dilation: 2, output: [1, 2] } as const;
    const chart = kernelFootprint(config, { document });
    const rects = count(chart, 'g[aria-label="rect"] rect');
    expect(rects).toBe(9 * 9 + 3 * 3); // no reflected sources with zeros padding
    expect(count(chart, 'rect[fill="#4269d0"]')).toBe(6 + 1); // 6 taps inside the input, 1 selected output
    expect(count(chart, 'rect[fill="#9fb3e6"]')).toBe(3); // 3 taps in the padding
    expectSnapshot("kernel-footprint-dilated", chart);
  });

  it("kernelFootprint() of the tutorial's 3x3 conv on a 5x5 input, output (1, 2), matches its snapshot", () => {
    expectSnapshot(
      "kernel-footprint-tutorial",
      kernelFootprint({ inputSize: 5, kernelSize: 3, output: [1, 2] }, { document }),
    );
  });

  it("kernelFootprint() with 'same' padding and an even kernel (4 on a 4x6 input), output (3, 5), matches its snapshot", () => {
    expectSnapshot(
      "kernel-footprint-same-even",
      kernelFootprint({ inputSize: [4, 6], kernelSize: 4, padding: "same", output: [3, 5] }, { document }),
    );
  });

  it("kernelFootprint() with reflect padding 2 on a 5x5 input, output (0, 0), matches its snapshot", () => {
    expectSnapshot(
      "kernel-footprint-reflect",
      kernelFootprint(
        { inputSize: 5, kernelSize: 3, padding: 2, paddingMode: "reflect", output: [0, 0] },
        { document },
      ),
    );
  });
});

describe("chart widths", () => {
  it("a chart asked for a width of 0 or less (a page before layout) is drawn at its margins plus a sliver, and no mark gets a negative width", () => {
    for (const width of [0, -10, Number.NaN]) {
      const chart = costBars([{ name: "depthwise-separable", params: 370, macs: 3240 }], {
        metrics: ["params"],
        width,
        document,
      }) as Element;
      const drawn = Number(chart.getAttribute("width"));
      // costBars' margins: 12 + 6.2 px per character of the longest name on the left, 110 on the right.
      expect(drawn).toBeCloseTo(12 + 6.2 * "depthwise-separable".length + 110 + 20, 6);
      expect(chart.getAttribute("viewBox")).toBe(`0 0 ${drawn} ${chart.getAttribute("height")}`);
      const widths = Array.from(chart.querySelectorAll("rect"), (r) => Number(r.getAttribute("width") ?? 0));
      expect(widths.length).toBeGreaterThan(0);
      for (const w of widths) expect(w).toBeGreaterThanOrEqual(0);
    }
  });
});

describe("chart helpers refuse data that is not a non-empty array", () => {
  it.each([
    [
      "channelConnectivity",
      () => channelConnectivity(null as never),
      /^channelConnectivity: stages must be a non-empty array of stages, got null$/,
    ],
    [
      "channelCounts",
      () => channelCounts({} as never),
      /^channelCounts: stages must be a non-empty array of stages, got \{\}$/,
    ],
    [
      "channelReachMatrix",
      () => channelReachMatrix("x" as never),
      /^channelReachMatrix: stages must be a non-empty array of stages, got "x"$/,
    ],
    ["costBars", () => costBars(null as never), /^costBars: data must be a non-empty array of variants, got null$/],
    [
      "costLines",
      () => costLines(null as never, { param: "groups" }),
      /^costLines: data must be a non-empty array of points, got null$/,
    ],
    [
      "receptiveFieldGrowth",
      () => receptiveFieldGrowth([]),
      /^receptiveFieldGrowth: data must be a non-empty array of layers, got \[\]$/,
    ],
  ])("%s", (_name, fn, message) => {
    expect(fn).toThrow(ConvError);
    expect(fn).toThrow(message);
  });
});

describe("chart sizes", () => {
  it("a chart refuses a width or height that is not finite or is past MAX_CHART_SIZE, instead of hanging", () => {
    const data = [{ name: "a", params: 1, macs: 2 }];
    expect(() => costBars(data, { document, width: 1e8 })).toThrow(
      /^costBars: width must be a finite number <= 10000, got 100000000$/,
    );
    expect(() => costBars(data, { document, height: Infinity })).toThrow(
      /^costBars: height must be a finite number <= 10000, got Infinity$/,
    );
    expect(() => costBars(data, { document, width: 2n as never })).toThrow(
      /^costBars: width must be a finite number <= 10000, got 2n$/,
    );
    expect(() => plotChart(NaN as never)).toThrow(
      /^plotChart: own must be an object of Plot options with marks: \[\.\.\.\], got NaN$/,
    );
    expect(MAX_CHART_SIZE).toBe(10_000);
  });

  it("kernelFootprintData({inputSize: 4096}) is refused naming inputSize instead of listing 16M cells", () => {
    expect(() => kernelFootprintData({ inputSize: 4096, kernelSize: 3, padding: 1 })).toThrow(
      /^kernelFootprint: inputSize 4096 with padding 1 makes 16793604 cells; a footprint draws at most 10000$/,
    );
  });
});

describe("chart text options", () => {
  it("a chart refuses a title or caption that is not text or a DOM node, and takes height: undefined as its default", () => {
    const data = [{ name: "a", params: 1, macs: 2 }];
    expect(() => costBars(data, { document, title: 3 as never })).toThrow(
      /^costBars: title must be a string or a DOM node, got 3$/,
    );
    expect(() =>
      costLines([{ groups: 1, params: 1, macs: 1 }], { document, param: "groups", caption: Symbol("c") as never }),
    ).toThrow(/^costLines: caption must be a string or a DOM node, got Symbol\(c\)$/);
    const chart = (height: number | undefined) =>
      String((costBars(data, { document, metrics: ["params"], height }) as Element).outerHTML).replace(
        /plot-clip-\d+/g,
        "",
      );
    expect(chart(undefined)).toBe(
      String((costBars(data, { document, metrics: ["params"] }) as Element).outerHTML).replace(/plot-clip-\d+/g, ""),
    );
  });
});

describe("chart helpers with hostile arguments", () => {
  it("stageLabel(stage) and panels(charts, document) refuse what is not a stage or a list of charts", () => {
    expect(() => stageLabel(NaN as never)).toThrow(/^stageLabel: stage must be a stage like/);
    expect(() => panels(NaN as never, document)).toThrow(/^panels: charts must be a non-empty array of charts/);
    expect(() => panels(["x"] as never, document)).toThrow(/^panels: charts must be/);
    expect(stageLabel({ type: "shuffle", groups: 2 })).toBe("shuffle g=2");
  });
});

describe("kernelFootprintData sizes", () => {
  it("kernelFootprintData refuses an inputSize or kernelSize that is not a positive integer, naming the field", () => {
    expect(() => kernelFootprintData({ inputSize: NaN, kernelSize: 3 })).toThrow(
      /^kernelFootprint: inputSize must be a positive integer or \[height, width\] of them, got NaN$/,
    );
    expect(() => kernelFootprintData({ inputSize: 5, kernelSize: [3, 0] })).toThrow(
      /^kernelFootprint: kernelSize must be/,
    );
  });
});

describe("chart labels", () => {
  it("costBars and costLines refuse labels that are not an object of strings; channelConnectivity an inputLabel that is not text", () => {
    const data = [{ name: "a", params: 1, macs: 2 }];
    expect(() => costBars(data, { document, labels: null as never })).toThrow(
      /^costBars: labels must be an object of strings per field, got null$/,
    );
    expect(() =>
      costLines([{ groups: 1, params: 1, macs: 1 }], { document, param: "groups", labels: { params: 3 } as never }),
    ).toThrow(/^costLines: labels must be an object of strings per field/);
    const stages = [{ type: "conv" as const, inChannels: 2, outChannels: 2 }];
    expect(() => channelConnectivity(stages, { document, inputLabel: Symbol("x") as never })).toThrow(
      /^channelConnectivity: inputLabel must be a string, got Symbol\(x\)$/,
    );
  });
});

describe("chart refusals name the argument", () => {
  const costs = [{ name: "a", params: 1, macs: 2 }];

  it.each([
    ["costBars metrics []", () => costBars(costs, { document, metrics: [] }), /^costBars: metrics must be a non-empty/],
    [
      "costLines metrics []",
      () =>
        costLines(costVsGroups({ inChannels: 4, outChannels: 4, kernelSize: 3, inputSize: 6 }), {
          param: "groups",
          metrics: [],
        }),
      /^costLines: metrics must be a non-empty array of field names, got \[\]$/,
    ],
    [
      "costLines metrics [1]",
      () =>
        costLines(costVsGroups({ inChannels: 4, outChannels: 4, kernelSize: 3, inputSize: 6 }), {
          param: "groups",
          metrics: [1] as never,
        }),
      /^costLines: metrics must be a non-empty array of field names, got \[1\]$/,
    ],
    [
      "latencyScatter xField NaN",
      () => latencyScatter([], { xField: NaN as never }),
      /^latencyScatter: xField must be a field name, got NaN$/,
    ],
    [
      "kernelFootprintData config NaN",
      () => kernelFootprintData(NaN as never),
      /^kernelFootprint: config must be an object like \{inputSize: 5, kernelSize: 3\}, got NaN$/,
    ],
    [
      "kernelFootprint config null",
      () => kernelFootprint(null as never, { document }),
      /^kernelFootprint: config must be an object like \{inputSize: 5, kernelSize: 3\}, got null$/,
    ],
    [
      "channelCounts stage null",
      () => channelCounts([null] as never),
      /^channelCounts: stage 0 must be an object like \{type: "conv", inChannels, outChannels\}, got null$/,
    ],
    [
      "channelReachMatrix bad stage",
      () => channelReachMatrix([{ type: "conv", inChannels: 4, outChannels: 4, groups: 3 }], { document }),
      /^channelReachMatrix: stage 0: inChannels \(4\) and outChannels \(4\) must be divisible by groups \(3\)$/,
    ],
    [
      "plotChart own without marks",
      () => plotChart({}, { document }),
      /^plotChart: own must be an object of Plot options with marks: \[\.\.\.\], got \{\}$/,
    ],
  ])("%s is a ConvError naming the argument", (_name, fn, message) => {
    expect(fn).toThrow(ConvError);
    expect(fn).toThrow(message);
  });
});

describe("chart data rows", () => {
  it.each([
    [
      "costBars",
      () => costBars([1] as never, { document }),
      /^costBars: data\[0\] must be an object like \{name, params, macs\}, got 1$/,
    ],
    ["costLines", () => costLines([null] as never, { param: "groups" }), /^costLines: data\[0\] must be an object/],
    ["latencyScatter", () => latencyScatter([[1]] as never), /^latencyScatter: data\[0\] must be an object/],
    [
      "receptiveFieldGrowth",
      () => receptiveFieldGrowth([1] as never),
      /^receptiveFieldGrowth: data\[0\] must be an object/,
    ],
  ])("%s names the element of data that is not an object", (_name, fn, message) => {
    expect(fn).toThrow(ConvError);
    expect(fn).toThrow(message);
  });
});
