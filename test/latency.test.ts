// src/latency.ts: the "FLOPs are not latency" measurement. Everything but the clock is checked
// exactly, with a fake clock injected; one smoke test runs on the real clock.
import { afterEach, describe, expect, it } from "vitest";
import {
  ConvError,
  formatLatencyTable,
  formatTutorialTable,
  getBackendName,
  latencyRows,
  layerStats,
  matchedBudgetVariants,
  measureLatency,
  measureLatencyAsync,
  median,
  getWasmFma,
  mobileNetCostRatio,
  setBackend,
  setWasmFma,
  timeConv,
  timeSample,
  type LatencyProgress,
  type LatencyVariant,
  type LayerSpec,
} from "../src/index.js";

/** A clock that moves only when asked: `tick(ms)` inside a fake call, or `step` ms per reading. */
function fakeClock(step = 0) {
  let t = 1000;
  return { now: () => (t += step), tick: (ms: number) => void (t += ms) };
}

const conv = (groups = 1): LayerSpec => ({
  type: "Conv2d",
  inChannels: 8,
  outChannels: 8,
  kernelSize: 3,
  padding: 1,
  groups,
  bias: false,
});
const input = [1, 8, 6, 6];
const entry = (name: string, layer: LayerSpec, samplesMs: number[], calls = samplesMs.length) => ({
  name,
  stats: layerStats(layer, input),
  timing: { samplesMs, calls },
});

describe("median", () => {
  it("median(values) is the middle value, or the mean of the middle two", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it("median([]) and non-finite values throw a ConvError", () => {
    expect(() => median([])).toThrow(ConvError);
    expect(() => median([1, Number.NaN])).toThrow(
      /^median: values must be a non-empty array of finite numbers, got \[1,"NaN"\]$/,
    );
  });
});

describe("timeSample", () => {
  it("timeSample(run, {sampleMs, now}) repeats the call until sampleMs have passed and returns the mean per call", () => {
    const clock = fakeClock();
    let calls = 0;
    const sample = timeSample(
      () => {
        calls++;
        clock.tick(3);
      },
      { sampleMs: 10, now: clock.now },
    );
    expect(sample).toEqual({ ms: 3, calls: 4 }); // 12 ms after 4 calls of 3 ms
    expect(calls).toBe(4);
  });

  it("timeSample() calls at least once, even with sampleMs 0", () => {
    const clock = fakeClock();
    expect(timeSample(() => clock.tick(5), { sampleMs: 0, now: clock.now })).toEqual({ ms: 5, calls: 1 });
  });
});

describe("latencyRows", () => {
  const rows = latencyRows([
    entry("regular", conv(), [4, 2, 3]), // median 3 ms
    entry("grouped g=4", conv(4), [1.5, 1, 5, 1.25]), // median 1.375 ms
    entry("relu", { type: "ReLU" }, [0.5]),
  ]);
  const [regular, grouped, relu] = rows;
  const macs = 6 * 6 * 8 * 8 * 9; // P_out C_out C_in K

  it("joins each variant's layerStats with the median of its samples", () => {
    expect(regular).toMatchObject({
      name: "regular",
      type: "Conv2d",
      inputShape: input,
      outputShape: [1, 8, 6, 6],
      macs,
      flops: 2 * macs,
      medianMs: 3,
      minMs: 2,
      calls: 3,
    });
    expect(regular!.memory).toEqual(layerStats(conv(), input).memory);
    expect(regular!.arithmeticIntensity).toBe(layerStats(conv(), input).arithmeticIntensity);
    expect(grouped!.medianMs).toBe(1.375);
    expect(grouped!.macs).toBe(macs / 4);
  });

  it("achieved GFLOP/s is FLOPs over the median time, and ns per MAC its inverse per MAC", () => {
    expect(regular!.gflops).toBeCloseTo((2 * macs) / 3e6, 12);
    expect(regular!.nsPerMac).toBeCloseTo(3e6 / macs, 12);
    expect(relu!.gflops).toBeCloseTo(layerStats({ type: "ReLU" }, input).flops / 0.5e6, 12);
  });

  it("ratios divide by the first variant: MACs, memory traffic, time, and time per MAC = time ratio / MACs ratio", () => {
    expect(regular).toMatchObject({ macsRatio: 1, memoryRatio: 1, timeRatio: 1, timePerMacRatio: 1 });
    expect(grouped!.macsRatio).toBe(0.25);
    expect(grouped!.timeRatio).toBeCloseTo(1.375 / 3, 12);
    expect(grouped!.timePerMacRatio).toBeCloseTo(1.375 / 3 / 0.25, 12);
    const bytes = (s: LayerSpec) => layerStats(s, input).memory.totalBytes;
    expect(grouped!.memoryRatio).toBeCloseTo(bytes(conv(4)) / bytes(conv()), 12);
  });

  it("a layer without MACs (ReLU) has no time per MAC", () => {
    expect(relu!.macs).toBe(0);
    expect(relu!.nsPerMac).toBeNull();
    expect(relu!.timePerMacRatio).toBeNull();
    expect(relu!.timeRatio).toBeCloseTo(0.5 / 3, 12);
  });

  it("a named baseline replaces the first variant", () => {
    const [r, g] = latencyRows([entry("regular", conv(), [3]), entry("g4", conv(4), [1.5])], { baseline: "g4" });
    expect(g).toMatchObject({ macsRatio: 1, timeRatio: 1, timePerMacRatio: 1 });
    expect(r).toMatchObject({ macsRatio: 4, timeRatio: 2, timePerMacRatio: 0.5 });
  });

  it("rejects an unknown or MAC-less baseline, repeated names and bad samples, naming them", () => {
    expect(() => latencyRows([entry("a", conv(), [1])], { baseline: "b" })).toThrow(
      /latencyRows: baseline "b" is not one of the variants \["a"\]/,
    );
    expect(() => latencyRows([entry("relu", { type: "ReLU" }, [1]), entry("a", conv(), [1])])).toThrow(
      /baseline "relu" has no MACs/,
    );
    expect(() => latencyRows([entry("a", conv(), [1]), entry("a", conv(2), [1])])).toThrow(
      /names must be unique; "a" repeats/,
    );
    expect(() => latencyRows([entry("a", conv(), [])])).toThrow(/variant "a": samples must be positive times/);
    expect(() => latencyRows([entry("a", conv(), [0])])).toThrow(ConvError);
    expect(() => latencyRows([])).toThrow(/^latencyRows: entries must be a non-empty array of variants, got \[\]$/);
  });
});

describe("matchedBudgetVariants", () => {
  const variants = matchedBudgetVariants({ channels: 64, size: 56 });
  const stats = variants.map((v) => layerStats(v.layer, v.input));
  const byName = Object.fromEntries(variants.map((v, i) => [v.name, stats[i]!]));
  const regular = byName["regular"]!;

  it("takes the same input to the same output shape in every variant, the regular conv first", () => {
    expect(variants.map((v) => v.name)).toEqual([
      "regular",
      "grouped g=2",
      "grouped g=4",
      "grouped g=8",
      "depthwise",
      "pointwise",
      "depthwise-separable",
      "GDSConv g=2",
      "dilated d=2",
    ]);
    for (const s of stats) {
      expect(s.inputShape).toEqual([1, 64, 56, 56]);
      expect(s.outputShape).toEqual([1, 64, 56, 56]);
      expect(s.biasAdds).toBe(0); // no bias: FLOPs = 2 MACs
      expect(s.flops).toBe(2 * s.macs);
    }
  });

  it("has the MACs the closed forms give: 1/g grouped, 1/C depthwise, 1/k² pointwise, MobileNet's 1/N + 1/k² separable", () => {
    expect(regular.macs).toBe(56 * 56 * 64 * 64 * 9);
    for (const g of [2, 4, 8]) expect(byName[`grouped g=${g}`]!.macs * g).toBe(regular.macs);
    expect(byName["depthwise"]!.macs * 64).toBe(regular.macs);
    expect(byName["pointwise"]!.macs * 9).toBe(regular.macs);
    expect(byName["depthwise-separable"]!.macs / regular.macs).toBeCloseTo(mobileNetCostRatio(64, 3), 12);
    expect(byName["GDSConv g=2"]!.macs / regular.macs).toBeCloseTo(1 / 64 + 1 / 18, 12);
    expect(byName["dilated d=2"]!.macs).toBe(regular.macs);
  });

  it("moves nearly the same bytes in every single conv, and about twice that in the two-step ones (the intermediate tensor)", () => {
    const activations = 2 * 64 * 56 * 56 * 4;
    for (const name of ["regular", "grouped g=8", "depthwise", "pointwise", "dilated d=2"]) {
      expect(byName[name]!.memory.inputBytes + byName[name]!.memory.outputBytes).toBe(activations);
    }
    expect(byName["depthwise-separable"]!.memory.inputBytes + byName["depthwise-separable"]!.memory.outputBytes).toBe(
      2 * activations,
    );
  });

  it("rejects groups that do not divide the channels and an even kernel", () => {
    expect(() => matchedBudgetVariants({ channels: 12, groups: [8] })).toThrow(
      /matchedBudgetVariants: groups 8 must be an integer > 1 dividing channels \(12\)/,
    );
    expect(() => matchedBudgetVariants({ kernelSize: 4 })).toThrow(/kernelSize must be odd/);
    expect(() => matchedBudgetVariants({ channels: 0 })).toThrow(ConvError);
  });
});

describe("measureLatency", () => {
  const small = (): LatencyVariant[] => matchedBudgetVariants({ channels: 8, size: 6, groups: [2] });

  afterEach(() => setBackend("wasm"));

  it("times every variant in each round on the injected clock and joins the result with layerStats", () => {
    // Each reading of the clock moves it 1 ms: one call per sample, 1 ms each.
    const clock = fakeClock(1);
    const variants = small();
    const report = measureLatency(variants, { rounds: 3, warmup: 1, sampleMs: 0, now: clock.now });
    expect(report.rounds).toBe(3);
    expect(report.baseline).toBe("regular");
    expect(report.backend).toBe(getBackendName());
    expect(report.rows.map((r) => r.name)).toEqual(variants.map((v) => v.name));
    for (const [i, r] of report.rows.entries()) {
      const s = layerStats(variants[i]!.layer, variants[i]!.input);
      expect(r).toMatchObject({
        macs: s.macs,
        flops: s.flops,
        memory: s.memory,
        samplesMs: [1, 1, 1],
        calls: 3,
        medianMs: 1,
        timeRatio: 1,
      });
      expect(r.timePerMacRatio).toBeCloseTo(report.rows[0]!.macs / s.macs, 12);
    }
  });

  it("reports the backend it ran on (the reference backend runs on one thread)", () => {
    setBackend("reference");
    const report = measureLatency(small().slice(0, 2), { rounds: 1, warmup: 0, sampleMs: 0, now: fakeClock(1).now });
    expect(report).toMatchObject({ backend: "reference", threads: 1, fma: false });
  });

  it("reports whether the wasm backend ran its fused multiply-add kernels", () => {
    setBackend("wasm");
    const initial = getWasmFma();
    try {
      for (const fma of [true, false]) {
        setWasmFma(fma);
        const report = measureLatency(small().slice(0, 1), {
          rounds: 1,
          warmup: 0,
          sampleMs: 0,
          now: fakeClock(1).now,
        });
        expect(report).toMatchObject({ backend: "wasm", fma });
      }
    } finally {
      setWasmFma(initial);
    }
  });

  it("fails before timing anything on a bad spec, an unknown baseline or bad options", () => {
    const bad: LatencyVariant[] = [
      {
        name: "bad",
        layer: { type: "Conv2d", inChannels: 3, outChannels: 4, kernelSize: 3, groups: 2 },
        input: [1, 3, 5, 5],
      },
    ];
    expect(() => measureLatency(bad)).toThrow(/Conv2d: inChannels \(3\) must be divisible by groups \(2\)/);
    expect(() => measureLatency(small(), { baseline: "nope" })).toThrow(/baseline "nope" is not one of the variants/);
    expect(() => measureLatency(small(), { rounds: 0 })).toThrow(/measureLatency: rounds must be a positive integer/);
    expect(() => measureLatency([])).toThrow(
      /^measureLatency: variants must be a non-empty array of variants, got \[\]$/,
    );
  });

  it("on the real clock: positive medians, finite GFLOP/s, one sample per round", () => {
    const report = measureLatency(small(), { rounds: 3, warmup: 1, sampleMs: 1 });
    for (const r of report.rows) {
      expect(r.samplesMs).toHaveLength(3);
      expect(r.medianMs).toBeGreaterThan(0);
      expect(Number.isFinite(r.gflops)).toBe(true);
      expect(r.calls).toBeGreaterThanOrEqual(3);
    }
  });
});

describe("measureLatencyAsync", () => {
  const variants = matchedBudgetVariants({ channels: 8, size: 6, groups: [2] }).slice(0, 3);

  it("interleaves the variants round by round, pausing and reporting progress after the warm-up and each sample", async () => {
    const progress: LatencyProgress[] = [];
    let pauses = 0;
    const report = await measureLatencyAsync(variants, {
      rounds: 2,
      sampleMs: 0,
      now: fakeClock(1).now,
      onProgress: (p) => progress.push(p),
      pause: async () => void pauses++,
    });
    expect(progress.map((p) => [p.done, p.round, p.name])).toEqual([
      [0, 0, "depthwise"], // the warm-up, which ends with the last variant
      [1, 1, "regular"],
      [2, 1, "grouped g=2"],
      [3, 1, "depthwise"],
      [4, 2, "regular"],
      [5, 2, "grouped g=2"],
      [6, 2, "depthwise"],
    ]);
    expect(progress.every((p) => p.total === 6)).toBe(true);
    expect(pauses).toBe(7);
    expect(report.rows.map((r) => r.samplesMs)).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
  });

  it("stops with a ConvError when cancelled", async () => {
    let n = 0;
    await expect(
      measureLatencyAsync(variants, { rounds: 2, sampleMs: 0, now: fakeClock(1).now, cancelled: () => ++n > 2 }),
    ).rejects.toThrow(/^measureLatencyAsync: cancelled after 2 of 6 samples$/);
  });
});

describe("formatLatencyTable", () => {
  it("formatLatencyTable(report) prints the backend, a header and one aligned line per variant", () => {
    const rows = latencyRows([
      entry("regular", conv(), [2]),
      entry("grouped g=4", conv(4), [1]),
      entry("relu", { type: "ReLU" }, [0.25]),
    ]);
    const text = formatLatencyTable({ backend: "wasm", threads: 1, baseline: "regular", rounds: 1, rows });
    const lines = text.split("\n");
    expect(lines[0]).toBe("wasm backend, 1 thread, median of 1 rounds; ratios against regular");
    expect(
      formatLatencyTable({ backend: "wasm", threads: 2, fma: true, baseline: "regular", rounds: 3, rows }).split(
        "\n",
      )[0],
    ).toBe("wasm backend (fused multiply-add), 2 threads, median of 3 rounds; ratios against regular");
    expect(lines[1]).toMatch(
      /^variant\s+MACs\s+memory\s+FLOP\/B\s+median ms\s+GFLOP\/s\s+MACs ×\s+time ×\s+time\/MAC ×$/,
    );
    expect(lines).toHaveLength(5);
    expect(lines[2]).toMatch(/^regular\s+20,736\s+4\.61 kB\s+[\d.]+\s+2\.000\s+0\.0\s+1\.000\s+1\.000\s+1\.0$/);
    expect(lines[3]).toMatch(/^grouped g=4\s+5,184 .* 1\.000\s+[\d.]+\s+0\.250\s+0\.500\s+2\.0$/);
    expect(lines[4]).toMatch(/^relu\s+0 .* -$/);
    expect(new Set(lines.slice(1).map((l) => l.length)).size).toBeLessThanOrEqual(2); // aligned (the last column may end early)
  });
});

describe("latency errors name the op called", () => {
  it("measureLatency and measureLatencyAsync refuse a bad variant or option under their own name, naming variants[i]", async () => {
    expect(() => measureLatency([1 as never])).toThrow(
      /^measureLatency: variants\[0\] must be \{name, layer, input\}, got 1$/,
    );
    expect(() => measureLatency([{ name: "a", layer: { type: "ReLU" }, input: undefined as never }])).toThrow(
      /^measureLatency: variants\[0\]: layerStats: inputShape must be an array of sizes/,
    );
    await expect(measureLatencyAsync([], {})).rejects.toThrow(
      /^measureLatencyAsync: variants must be a non-empty array of variants, got \[\]$/,
    );
    await expect(
      measureLatencyAsync([{ name: "a", layer: { type: "ReLU" }, input: [1, 2] }], { warmup: NaN }),
    ).rejects.toThrow(/^measureLatencyAsync: warmup must be a non-negative integer, got NaN$/);
  });
});

describe("formatLatencyTable with hostile input", () => {
  it("formatLatencyTable(report) refuses what is not measureLatency's result, instead of a TypeError", () => {
    expect(() => formatLatencyTable(NaN as never)).toThrow(
      /^formatLatencyTable: report must be measureLatency's result/,
    );
    expect(() => formatLatencyTable({ rows: [null] } as never)).toThrow(/^formatLatencyTable: report must be/);
  });

  it("formatTutorialTable(rows) refuses rows that are not tutorialTable() rows, and an empty table", () => {
    expect(() => formatTutorialTable([1] as never, "text")).toThrow(
      /^formatTutorialTable: rows must be a non-empty array of tutorialTable\(\) rows/,
    );
    expect(() => formatTutorialTable([], "text")).toThrow(/^formatTutorialTable: rows must be a non-empty array/);
  });
});

describe("latency and timing refusals name the argument", () => {
  const entries = () => [entry("regular", conv(), [1, 2])];

  it("latencyRows(entries, {baseline: null}) refuses the baseline instead of using the first variant", () => {
    expect(() => latencyRows(entries(), { baseline: null as never })).toThrow(
      /^latencyRows: baseline must be a variant's name, got null$/,
    );
  });

  it("latencyRows(entries) names the entry that is not {name, stats, timing}", () => {
    expect(() => latencyRows([1, 1] as never)).toThrow(
      /^latencyRows: entries\[0\] must be \{name, stats, timing: \{samplesMs, calls\}\}, got 1$/,
    );
  });

  it("measureLatency with a clock that never moves is refused as measureLatency's, not latencyRows'", () => {
    const variants = matchedBudgetVariants({ channels: 4, size: 4, groups: [2] });
    expect(() => measureLatency(variants, { warmup: 0, rounds: 1, sampleMs: 0, now: () => 5 })).toThrow(
      /^measureLatency: variant "regular": samples must be positive times in ms, got \[0\]$/,
    );
  });

  it("timeConv(run, {rounds: 0}) is refused instead of timing one round", () => {
    expect(() => timeConv(() => 1, { rounds: 0, roundMs: 0 })).toThrow(
      /^timeConv: rounds must be a positive integer, got 0$/,
    );
  });

  it("matchedBudgetVariants({groups: []}) leaves the grouped convs out", () => {
    const names = matchedBudgetVariants({ channels: 8, size: 6, groups: [] }).map((v) => v.name);
    expect(names.some((n) => n.startsWith("grouped"))).toBe(false);
    expect(names[0]).toBe("regular");
  });
});
