/** timeConv, the measurement helper the benchmark and the "FLOPs are not latency" pages share. */
import { describe, expect, it } from "vitest";
import { timeConv } from "../src/index.js";

describe("timeConv", () => {
  it("times a call in rounds after a warm-up and reports the median and GFLOP/s", () => {
    let calls = 0;
    const t = timeConv(
      () => {
        calls++;
        let s = 0;
        for (let i = 0; i < 2000; i++) s += Math.sqrt(i);
        return s;
      },
      { warmup: 2, rounds: 5, roundMs: 2 },
    );
    expect(t.roundsMs).toHaveLength(5);
    expect(calls).toBe(t.calls + 2);
    expect(t.minMs).toBeLessThanOrEqual(t.medianMs);
    expect(t.medianMs).toBeGreaterThan(0);
    expect(t.gflops(2e6)).toBeCloseTo(2e6 / (t.medianMs * 1e6), 12);
  });
});
