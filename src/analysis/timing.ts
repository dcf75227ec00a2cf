/**
 * Timing: the one place convkit reads a clock. `timeSample` runs a call until a minimum time has
 * passed and returns the mean time per call; `median` summarises samples so that a burst of load
 * from another process does not decide the result. `timeConv` times one call in rounds (the
 * benchmark's way); measureLatency (latency.ts) interleaves several variants' samples.
 *
 *   const t = timeConv(() => conv2d(x, w, null, { padding: 1 }), { rounds: 7 });
 *   t.medianMs, t.gflops(2 * macs)
 */
import { check } from "../core/errors.js";
import {
  checkFiniteNumber,
  checkFunction,
  checkNonNegativeInteger,
  checkOptions,
  checkPositiveInteger,
  formatValue,
} from "../core/validate.js";

/** performance.now() where it exists (Node, browsers), else Date.now(). */
export const defaultNow: () => number =
  typeof performance === "object" && performance !== null ? () => performance.now() : () => Date.now();

/** The median of a non-empty list (the mean of the middle two for an even length). */
export function median(values: readonly number[]): number {
  check(
    Array.isArray(values) && values.length > 0 && values.every(Number.isFinite),
    "median",
    () => `values must be a non-empty array of finite numbers, got ${formatValue(values)}`,
  );
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * One sample: calls `run` until at least `sampleMs` have passed on `now` (at least once) and
 * returns the mean time per call.
 */
export function timeSample(
  run: () => unknown,
  options: { sampleMs?: number; now?: () => number } = {},
): { ms: number; calls: number } {
  const op = "timeSample";
  const { sampleMs = 20, now = defaultNow } = checkOptions(op, options, ["sampleMs", "now"]);
  checkFunction(op, "run", run);
  checkFiniteNumber(op, "sampleMs", sampleMs, { min: 0 });
  checkFunction(op, "now", now);
  let calls = 0;
  const t0 = now();
  let t: number;
  do {
    run();
    calls++;
    t = now();
  } while (t - t0 < sampleMs);
  return { ms: (t - t0) / calls, calls };
}

export interface TimeConvOptions {
  /** Calls before timing (JIT tier-up, memory growth, worker start). Default 3. */
  warmup?: number;
  /** Timed rounds; the median is reported. Default 7. */
  rounds?: number;
  /** Wall time per round in ms. Default 50. */
  roundMs?: number;
}

export interface ConvTiming {
  /** Median over rounds of the mean time per call, in ms. */
  medianMs: number;
  /** Fastest round's time per call, in ms. */
  minMs: number;
  /** Every round's time per call, in ms, in the order measured. */
  roundsMs: number[];
  /** Total calls timed (excluding warm-up). */
  calls: number;
  /** Throughput at the median for a call of `flops` floating-point operations (FLOPs = 2 x MACs). */
  gflops(flops: number): number;
}

/** Times a synchronous call in rounds after a warm-up; `run`'s result is discarded. */
export function timeConv(run: () => unknown, options: TimeConvOptions = {}): ConvTiming {
  const op = "timeConv";
  const { warmup = 3, rounds = 7, roundMs = 50 } = checkOptions(op, options, ["warmup", "rounds", "roundMs"]);
  checkFunction(op, "run", run);
  checkNonNegativeInteger(op, "warmup", warmup);
  checkPositiveInteger(op, "rounds", rounds);
  checkFiniteNumber(op, "roundMs", roundMs, { min: 0 });
  for (let i = 0; i < warmup; i++) run();
  const samples = Array.from({ length: rounds }, () => timeSample(run, { sampleMs: roundMs }));
  const roundsMs = samples.map((s) => s.ms);
  const medianMs = median(roundsMs);
  return {
    medianMs,
    minMs: Math.min(...roundsMs),
    roundsMs,
    calls: samples.reduce((n, s) => n + s.calls, 0),
    gflops: (flops: number) => flops / (medianMs * 1e6),
  };
}
