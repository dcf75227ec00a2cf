/**
 * timeConv: the measurement the benchmark uses, for notebooks and pages that compare variants
 * ("FLOPs are not latency"). It warms the call up, then times it in rounds: each round runs the
 * call as many times as fit in `roundMs` (at least once) and records the mean time per call; the
 * result is the median over rounds, which shrugs off bursts of load from other processes.
 *
 *   const t = timeConv(() => conv2d(x, w, null, { padding: 1 }), { rounds: 7 });
 *   t.medianMs, t.gflops(2 * macs)
 */
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

const now: () => number = typeof performance === "object" ? () => performance.now() : () => Date.now();

/** Times a synchronous call (see the file comment); `run`'s result is discarded. */
export function timeConv(run: () => unknown, { warmup = 3, rounds = 7, roundMs = 50 }: TimeConvOptions = {}): ConvTiming {
  for (let i = 0; i < warmup; i++) run();
  const roundsMs: number[] = [];
  let calls = 0;
  for (let r = 0; r < Math.max(1, rounds); r++) {
    let n = 0;
    const t0 = now();
    let t = t0;
    do {
      run();
      n++;
      t = now();
    } while (t - t0 < roundMs);
    roundsMs.push((t - t0) / n);
    calls += n;
  }
  const sorted = roundsMs.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianMs = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { medianMs, minMs: sorted[0]!, roundsMs, calls, gflops: (flops: number) => flops / (medianMs * 1e6) };
}
