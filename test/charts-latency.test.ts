// convkit/charts latencyScatter: marks counted against its data, and its SVG compared with a
// snapshot in test/snapshots/ (numbers rounded, ids renamed), as test/charts.test.ts does for the
// other charts. A missing snapshot is written; UPDATE_SNAPSHOTS=1 rewrites it.
import { describe, expect, it } from "vitest";
import { ConvError, latencyRows, layerStats, matchedBudgetVariants } from "../src/index.js";
import { latencyScatter } from "../src/charts/index.js";
import { count, document, expectSnapshot } from "./snapshots.js";

// Fixed, made-up timings (ms) for the matched-budget variants at 56x56x64: the chart's input is
// latencyRows' output, so the snapshot does not depend on this machine's speed.
const TIMES: Record<string, number> = {
  regular: 9,
  "grouped g=2": 6.4,
  "grouped g=4": 3.4,
  "grouped g=8": 2.6,
  depthwise: 1.3,
  pointwise: 3.1,
  "depthwise-separable": 4.5,
  "GDSConv g=2": 1.9,
  "dilated d=2": 8.2,
};
const rows = latencyRows(
  matchedBudgetVariants().map((v) => ({
    name: v.name,
    stats: layerStats(v.layer, v.input),
    timing: { samplesMs: [TIMES[v.name]!], calls: 1 },
  })),
);

describe("latencyScatter", () => {
  it("latencyScatter() draws one dot and one label per variant, and the baseline's proportional line", () => {
    const chart = latencyScatter(rows, { document, baseline: "regular" });
    expect(count(chart, 'g[aria-label="dot"] circle')).toBe(rows.length);
    expect(count(chart, 'g[aria-label="line"] path')).toBe(1);
    const labels = Array.from(chart.querySelectorAll('g[aria-label="text"] text'), (t) => t.textContent);
    for (const r of rows) expect(labels).toContain(r.name);
    expect(labels).toContain("dashed: time ∝ MACs at regular's rate");
    // regular and dilated d=2 share their MACs: their labels go on opposite sides
    const anchors = Array.from(
      chart.querySelectorAll('g[aria-label="text"]'),
      (g) => [g.getAttribute("text-anchor"), Array.from(g.querySelectorAll("text"), (t) => t.textContent)] as const,
    );
    expect(anchors.find(([, texts]) => texts.includes("dilated d=2"))![0]).not.toBe(
      anchors.find(([, texts]) => texts.includes("regular"))![0],
    );
    expectSnapshot("latency-scatter-macs", chart);
  });

  it("latencyScatter() plots any two positive fields, e.g. GFLOP/s against arithmetic intensity, without a line when no baseline is named", () => {
    const chart = latencyScatter(rows, {
      document,
      xField: "arithmeticIntensity",
      yField: "gflops",
      labels: { arithmeticIntensity: "FLOPs per byte" },
    });
    expect(count(chart, 'g[aria-label="dot"] circle')).toBe(rows.length);
    expect(count(chart, 'g[aria-label="line"] path')).toBe(0);
    expect(chart.textContent).toContain("FLOPs per byte");
    expect(chart.textContent).toContain("achieved GFLOP/s");
    expectSnapshot("latency-scatter-intensity", chart);
  });

  it("latencyScatter() refuses a value a log scale cannot show and an unknown baseline", () => {
    const relu = latencyRows([
      {
        name: "conv",
        stats: layerStats({ type: "Conv2d", inChannels: 2, outChannels: 2, kernelSize: 1 }, [1, 2, 4, 4]),
        timing: { samplesMs: [1], calls: 1 },
      },
      { name: "relu", stats: layerStats({ type: "ReLU" }, [1, 2, 4, 4]), timing: { samplesMs: [1], calls: 1 } },
    ]);
    expect(() => latencyScatter(relu, { document })).toThrow(ConvError);
    expect(() => latencyScatter(relu, { document })).toThrow(
      /latencyScatter: variant "relu" needs a positive "macs" for a log scale, got 0/,
    );
    expect(() => latencyScatter(rows, { document, baseline: "nope" })).toThrow(
      /baseline "nope" is not one of the variants/,
    );
  });
});
