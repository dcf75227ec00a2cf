/**
 * "FLOPs are not latency": time layers on the active backend and join each time with the cost
 * model (layerStats), so that a variant's MAC savings can be set against the time it saves.
 *
 *   const report = measureLatency(matchedBudgetVariants({ channels: 64, size: 56 }));
 *   for (const r of report.rows) r.name, r.macs, r.memory.totalBytes, r.medianMs, r.gflops, r.timePerMacRatio
 *
 * Timing. Every variant is built once (seeded weights, seeded input) and warmed up; then the
 * variants are timed in interleaved rounds: round r times variant 1, 2, ..., n, each for at least
 * `sampleMs` of wall time (as many calls as fit, at least one), recording the mean time per call.
 * A burst of load from another process then hits every variant alike, and the median over rounds
 * shrugs it off. The clock is `performance.now()` unless `now` is given (tests inject a fake one).
 *
 * The join, per variant (FLOPs from layerStats: 2 MACs + bias adds + other ops):
 *   achieved GFLOP/s   = FLOPs / (median ms x 1e6)
 *   MACs ratio         = MACs / baseline MACs                    (what the FLOP count promises)
 *   time ratio         = median / baseline median                (what the clock says)
 *   time per MAC ratio = time ratio / MACs ratio                 (1: the savings are real; > 1: each
 *                        MAC costs more than one of the baseline's; null for a layer with no MACs)
 * The baseline is the first variant unless named.
 *
 * Works in Node and in browsers. `measureLatency` runs to completion; `measureLatencyAsync` pauses
 * between samples (a macrotask), so a page stays responsive and can show progress.
 */
import { getBackendName, getThreads, getWasmFma } from "../kernels/backend.js";
import { check, ConvError } from "../core/errors.js";
import {
  checkFiniteNumber,
  checkFunction,
  checkInteger,
  checkNonEmptyArray,
  checkNonNegativeInteger,
  checkOptions,
  checkPositiveInteger,
  formatValue,
} from "../core/validate.js";
import { defaultNow, median, timeSample } from "./timing.js";
import { buildLayer, type LayerSpec } from "../nn/layer-spec.js";
import { layerStats, type LayerStats } from "./cost.js";
import { randn } from "../core/tensor.js";
import { alignedTable, formatBytes, formatFixed, type ColumnAlign } from "../core/format.js";

/** One layer to time: a name, its spec, and the input shape it runs on, e.g. [1, 64, 56, 56]. */
export interface LatencyVariant {
  name: string;
  layer: LayerSpec;
  input: readonly number[];
}

export interface LatencyOptions {
  /** Calls of each variant before timing (JIT tier-up, memory growth, workers starting). Default 2. */
  warmup?: number;
  /** Timed rounds; each times every variant once and the median over rounds is reported. Default 7. */
  rounds?: number;
  /** Minimum wall time of one sample in ms (the call repeats until it is reached). Default 20. */
  sampleMs?: number;
  /** The name of the variant the ratios divide by (default: the first). */
  baseline?: string;
  /** Seed of the weights and inputs (default 0). */
  seed?: number;
  /** The clock, in ms (default performance.now). */
  now?: () => number;
}

export interface LatencyProgress {
  /** Samples taken so far, of `total` (= rounds x variants); warm-up counts as step 0. */
  done: number;
  total: number;
  /** The variant just measured (or warmed up). */
  name: string;
  round: number;
}

export interface AsyncLatencyOptions extends LatencyOptions {
  /** Called after the warm-up and after each sample. */
  onProgress?: (progress: LatencyProgress) => void;
  /** What runs between samples (default: a zero-delay timeout, which lets a page paint). */
  pause?: () => Promise<void>;
  /** Checked between samples; when it returns true the measurement stops with a ConvError ("cancelled after ..."). */
  cancelled?: () => boolean;
}

const LATENCY_OPTION_KEYS = ["warmup", "rounds", "sampleMs", "baseline", "seed", "now"] as const;

/** One variant's timing: the per-call time of each round's sample, and the calls timed in total. */
export interface LatencyTiming {
  samplesMs: number[];
  calls: number;
}

export interface LatencyRow {
  name: string;
  /** The layer's class, e.g. "Conv2d". */
  type: string;
  inputShape: number[];
  outputShape: number[];
  params: number;
  macs: number;
  flops: number;
  /** Compulsory memory traffic in bytes (layerStats; composites count their intermediate tensors). */
  memory: LayerStats["memory"];
  /** FLOPs per byte of that traffic. */
  arithmeticIntensity: number;
  /** Median over rounds of the time per call, ms. */
  medianMs: number;
  /** The fastest round's time per call, ms. */
  minMs: number;
  samplesMs: number[];
  calls: number;
  /** FLOPs / median time, in GFLOP/s. */
  gflops: number;
  /** Median time per MAC in ns (null when the layer has no MACs). */
  nsPerMac: number | null;
  macsRatio: number;
  memoryRatio: number;
  timeRatio: number;
  /** timeRatio / macsRatio: how much more each MAC costs than one of the baseline's (null without MACs). */
  timePerMacRatio: number | null;
}

export interface LatencyReport {
  /** The backend the calls ran on ("wasm" or "reference"). */
  backend: string;
  /** Threads of the wasm backend (1 for the reference backend). */
  threads: number;
  /** Whether the wasm backend ran its fused multiply-add kernels (setWasmFma); absent or false otherwise. */
  fma?: boolean;
  baseline: string;
  rounds: number;
  rows: LatencyRow[];
}

export { median, timeSample } from "./timing.js";

/**
 * The join: each variant's stats and timing become a row with achieved GFLOP/s and the ratios to
 * the baseline (see the file comment). Pure: the notebook, the page and the tests call it on
 * whatever timings they have.
 */
export function latencyRows(
  entries: readonly { name: string; stats: LayerStats; timing: LatencyTiming }[],
  options: { baseline?: string } = {},
): LatencyRow[] {
  const op = "latencyRows";
  const { baseline } = checkOptions(op, options, ["baseline"]);
  if (baseline !== undefined)
    check(typeof baseline === "string", op, () => `baseline must be a variant's name, got ${formatValue(baseline)}`);
  checkNonEmptyArray(op, "entries", entries, "variants");
  entries.forEach((e, i) =>
    check(
      typeof e === "object" &&
        e !== null &&
        typeof e.name === "string" &&
        typeof e.stats === "object" &&
        e.stats !== null &&
        typeof e.timing === "object" &&
        e.timing !== null &&
        Array.isArray(e.timing.samplesMs),
      op,
      () => `entries[${i}] must be {name, stats, timing: {samplesMs, calls}}, got ${formatValue(e)}`,
    ),
  );
  const names = entries.map((e) => e.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  check(duplicate === undefined, op, () => `variant names must be unique; ${formatValue(duplicate)} repeats`);
  const baseName = baseline ?? names[0]!;
  const base = entries.find((e) => e.name === baseName);
  check(
    base !== undefined,
    op,
    () => `baseline ${formatValue(baseName)} is not one of the variants ${formatValue(names)}`,
  );
  check(base.stats.macs > 0, op, () => `baseline ${formatValue(baseName)} has no MACs to compare with`);
  const rows = entries.map(({ name, stats, timing }) => {
    check(
      timing.samplesMs.length > 0 && timing.samplesMs.every((t) => Number.isFinite(t) && t > 0),
      op,
      () => `variant ${formatValue(name)}: samples must be positive times in ms, got ${formatValue(timing.samplesMs)}`,
    );
    const medianMs = median(timing.samplesMs);
    return {
      name,
      type: stats.type,
      inputShape: stats.inputShape.slice(),
      outputShape: stats.outputShape.slice(),
      params: stats.params.total,
      macs: stats.macs,
      flops: stats.flops,
      memory: { ...stats.memory },
      arithmeticIntensity: stats.arithmeticIntensity,
      medianMs,
      minMs: Math.min(...timing.samplesMs),
      samplesMs: timing.samplesMs.slice(),
      calls: timing.calls,
      gflops: stats.flops / (medianMs * 1e6),
      nsPerMac: stats.macs > 0 ? (medianMs * 1e6) / stats.macs : null,
    };
  });
  const b = rows.find((r) => r.name === baseName)!;
  return rows.map((r) => {
    const macsRatio = r.macs / b.macs;
    const timeRatio = r.medianMs / b.medianMs;
    return {
      ...r,
      macsRatio,
      memoryRatio: r.memory.totalBytes / b.memory.totalBytes,
      timeRatio,
      timePerMacRatio: r.macs > 0 ? timeRatio / macsRatio : null,
    };
  });
}

/**
 * The variants of one job at a matched budget: the same input (1, C, H, W) taken to the same
 * output (1, C, H, W) by a k x k regular conv, grouped convs, a depthwise conv (groups = C), a
 * pointwise 1x1 conv, a depthwise-separable conv, a GDSConv with 2 groups and a conv with
 * dilation 2, all with "same" padding and no bias (so FLOPs = 2 MACs). The regular conv comes
 * first: it is the baseline.
 */
export function matchedBudgetVariants(
  options: {
    channels?: number;
    size?: number;
    kernelSize?: number;
    /** The group counts of the grouped convs, each > 1 and dividing channels (default [2, 4, 8]; [] leaves them out). */
    groups?: readonly number[];
    batch?: number;
  } = {},
): LatencyVariant[] {
  const op = "matchedBudgetVariants";
  const checked = checkOptions(op, options, ["channels", "size", "kernelSize", "groups", "batch"]);
  const { channels = 64, size = 56, kernelSize = 3, groups = [2, 4, 8], batch = 1 } = checked;
  checkPositiveInteger(op, "channels", channels);
  checkPositiveInteger(op, "size", size);
  checkPositiveInteger(op, "kernelSize", kernelSize);
  checkPositiveInteger(op, "batch", batch);
  check(Array.isArray(groups), op, () => `groups must be an array of integers, got ${formatValue(groups)}`);
  check(kernelSize % 2 === 1, op, () => `kernelSize must be odd (symmetric "same" padding), got ${kernelSize}`);
  for (const g of groups)
    check(
      Number.isInteger(g) && g > 1 && channels % g === 0,
      op,
      () => `groups ${formatValue(g)} must be an integer > 1 dividing channels (${channels})`,
    );
  check(channels % 2 === 0, op, () => `channels (${channels}) must be even (GDSConv uses 2 groups)`);
  const input = [batch, channels, size, size];
  const p = (kernelSize - 1) / 2;
  const conv = {
    type: "Conv2d",
    inChannels: channels,
    outChannels: channels,
    kernelSize,
    padding: p,
    bias: false,
  } as const;
  const variants: [string, LayerSpec][] = [
    ["regular", conv],
    ...groups.map((g): [string, LayerSpec] => [`grouped g=${g}`, { ...conv, groups: g }]),
    ["depthwise", { type: "DepthwiseConv2d", channels, kernelSize, padding: p, bias: false }],
    ["pointwise", { type: "PointwiseConv2d", inChannels: channels, outChannels: channels, bias: false }],
    [
      "depthwise-separable",
      { type: "SeparableConv2d", inChannels: channels, outChannels: channels, kernelSize, padding: p, bias: false },
    ],
    [
      "GDSConv g=2",
      {
        type: "GroupedSeparableConv2d",
        inChannels: channels,
        outChannels: channels,
        kernelSize,
        padding: p,
        groups: 2,
        bias: false,
      },
    ],
    ["dilated d=2", { ...conv, padding: 2 * p, dilation: 2 }],
  ];
  return variants.map(([name, layer]) => ({ name, layer, input }));
}

interface Prepared {
  name: string;
  stats: LayerStats;
  run: () => unknown;
  samplesMs: number[];
  calls: number;
}

/**
 * The measurement as a sequence of steps (warm-up, then one sample per step), ending with the
 * report; measureLatency drains it, measureLatencyAsync pauses between steps.
 */
function* latencySteps(
  op: string,
  variants: readonly LatencyVariant[],
  { warmup = 2, rounds = 7, sampleMs = 20, baseline, seed = 0, now = defaultNow }: LatencyOptions,
): Generator<LatencyProgress, LatencyReport> {
  checkNonEmptyArray(op, "variants", variants, "variants");
  checkNonNegativeInteger(op, "warmup", warmup);
  checkPositiveInteger(op, "rounds", rounds);
  checkFiniteNumber(op, "sampleMs", sampleMs, { min: 0 });
  checkInteger(op, "seed", seed);
  checkFunction(op, "now", now);
  if (baseline !== undefined)
    check(typeof baseline === "string", op, () => `baseline must be a variant's name, got ${formatValue(baseline)}`);
  // Every variant is counted and built before anything runs, so a bad spec fails fast.
  const prepared: Prepared[] = variants.map((variant, i) =>
    asOp(op, `variants[${i}]: `, () => {
      check(
        typeof variant === "object" && variant !== null,
        op,
        () => `variants[${i}] must be {name, layer, input}, got ${formatValue(variant)}`,
      );
      const { name, layer, input } = variant;
      const stats = layerStats(layer, input);
      const module = buildLayer(layer, { seed: seed + i });
      const x = randn(input, { seed: seed + 1000 + i });
      return { name, stats, run: () => module.forward(x), samplesMs: [], calls: 0 };
    }),
  );
  // Checks names and the baseline now, with placeholder timings, rather than after the timing.
  asOp(op, "", () =>
    latencyRows(
      prepared.map((p) => ({ name: p.name, stats: p.stats, timing: { samplesMs: [1], calls: 1 } })),
      { baseline },
    ),
  );
  const total = rounds * prepared.length;
  for (const p of prepared) for (let i = 0; i < warmup; i++) p.run();
  yield { done: 0, total, name: prepared.at(-1)!.name, round: 0 };
  let done = 0;
  for (let round = 1; round <= rounds; round++) {
    for (const p of prepared) {
      const sample = timeSample(p.run, { sampleMs, now });
      p.samplesMs.push(sample.ms);
      p.calls += sample.calls;
      yield { done: ++done, total, name: p.name, round };
    }
  }
  const backend = getBackendName();
  return {
    backend,
    threads: backend === "wasm" ? getThreads() : 1,
    fma: backend === "wasm" && getWasmFma(),
    baseline: baseline ?? prepared[0]!.name,
    rounds,
    rows: asOp(op, "", () =>
      latencyRows(
        prepared.map((p) => ({ name: p.name, stats: p.stats, timing: { samplesMs: p.samplesMs, calls: p.calls } })),
        { baseline },
      ),
    ),
  };
}

/** Times `variants` on the active backend and joins the times with layerStats (see the file comment). */
export function measureLatency(variants: readonly LatencyVariant[], options: LatencyOptions = {}): LatencyReport {
  const steps = latencySteps("measureLatency", variants, checkOptions("measureLatency", options, LATENCY_OPTION_KEYS));
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Runs `fn` for `op`: a ConvError of another op it calls (layerStats, buildLayer, latencyRows) is
 * raised again as op's, after `where` (which variant), its message kept.
 */
function asOp<T>(op: string, where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof ConvError) || e.op === op) throw e;
    // latencyRows checks what measureLatency was given (the baseline): its message reads as op's own.
    const message = e.op === "latencyRows" ? e.message.slice(e.op.length + 2) : e.message;
    throw new ConvError(op, `${where}${message}`);
  }
}

const macrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * measureLatency that yields between samples (so a page can paint and stay responsive) and
 * reports progress. Use it in browsers; the numbers are the same kind as measureLatency's.
 */
export async function measureLatencyAsync(
  variants: readonly LatencyVariant[],
  allOptions: AsyncLatencyOptions = {},
): Promise<LatencyReport> {
  const op = "measureLatencyAsync";
  const checked = checkOptions(op, allOptions, [...LATENCY_OPTION_KEYS, "onProgress", "pause", "cancelled"]);
  const { onProgress, pause = macrotask, cancelled, ...options } = checked;
  if (onProgress !== undefined) checkFunction(op, "onProgress", onProgress);
  checkFunction(op, "pause", pause);
  if (cancelled !== undefined) checkFunction(op, "cancelled", cancelled);
  const steps = latencySteps(op, variants, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    onProgress?.(step.value);
    await pause();
    check(!cancelled?.(), op, () => `cancelled after ${step.value.done} of ${step.value.total} samples`);
  }
}

/** A fixed-width text table of a report: one line per variant, for notebooks and terminals. */
export function formatLatencyTable(report: LatencyReport): string {
  check(
    typeof report === "object" &&
      report !== null &&
      Array.isArray(report.rows) &&
      report.rows.every((r) => typeof r === "object" && r !== null && typeof r.name === "string"),
    "formatLatencyTable",
    () => `report must be measureLatency's result ({rows, ...}), got ${formatValue(report)}`,
  );
  const header = ["variant", "MACs", "memory", "FLOP/B", "median ms", "GFLOP/s", "MACs ×", "time ×", "time/MAC ×"];
  const lines = report.rows.map((r) => [
    r.name,
    formatFixed(r.macs, 0),
    formatBytes(r.memory.totalBytes),
    formatFixed(r.arithmeticIntensity, 1),
    formatFixed(r.medianMs, 3),
    formatFixed(r.gflops, 1),
    formatFixed(r.macsRatio, 3),
    formatFixed(r.timeRatio, 3),
    r.timePerMacRatio === null ? "-" : formatFixed(r.timePerMacRatio, 1),
  ]);
  const align = header.map((_, i): ColumnAlign => (i === 0 ? "left" : "right"));
  return [
    `${report.backend} backend${report.fma ? " (fused multiply-add)" : ""}, ${report.threads} thread${report.threads === 1 ? "" : "s"}, median of ${report.rounds} rounds; ratios against ${report.baseline}`,
    ...alignedTable(header, lines, align),
  ].join("\n");
}
