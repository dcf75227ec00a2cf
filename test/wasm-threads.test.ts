/** The wasm backend on worker threads (Node): same outputs as one thread, and setThreads validation. */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import {
  conv2d,
  conv3d,
  convTranspose2d,
  getThreads,
  PARALLEL_MIN_MACS,
  randn,
  setThreads,
  type Tensor,
} from "../src/index.js";
import { cpuQuota, physicalCores } from "../src/kernels/cores.js";

describe("setThreads / getThreads", () => {
  const initial = getThreads();
  afterAll(() => setThreads(initial));

  it("defaults to the physical cores this process may use (Linux topology), else its logical CPUs, within its CPU quota", () => {
    const read = (path: string) => {
      try {
        return readFileSync(path, "utf8");
      } catch {
        return null;
      }
    };
    const physical = physicalCores(read);
    if (process.platform === "linux") expect(physical).toBeGreaterThanOrEqual(1);
    expect(initial).toBe(Math.min(60, availableParallelism(), physical ?? Infinity, cpuQuota(read) ?? Infinity));
  });

  it("rejects non-integers and out-of-range counts", () => {
    expect(() => setThreads(0)).toThrow(/setThreads: threads must be an integer from 1 to 60, got 0/);
    expect(() => setThreads(1.5)).toThrow(/setThreads: threads must be an integer/);
    expect(() => setThreads(2n as unknown as number)).toThrow(
      /^setThreads: threads must be an integer from 1 to 60, got 2n$/,
    );
    expect(getThreads()).toBe(initial);
  });

  it("gives bitwise the same outputs on 1, 2 and 3 threads (each output is computed by one thread; the prep is split by channels)", () => {
    // [call, multiply-adds per output]: every call is large enough to be split over threads
    const calls: Array<[() => Tensor, number]> = [
      [
        () =>
          conv2d(randn([2, 32, 30, 30], { seed: 1 }), randn([48, 32, 3, 3], { seed: 2 }), randn([48], { seed: 3 }), {
            padding: 1,
          }),
        32 * 9,
      ],
      [
        () =>
          conv2d(randn([1, 64, 40, 40], { seed: 4 }), randn([64, 8, 3, 3], { seed: 5 }), null, {
            padding: 2,
            dilation: 2,
            groups: 8,
          }),
        8 * 9,
      ],
      [
        () =>
          conv2d(randn([1, 128, 64, 64], { seed: 6 }), randn([128, 1, 3, 3], { seed: 7 }), null, {
            padding: 1,
            stride: 2,
            groups: 128,
          }),
        9,
      ],
      [
        () =>
          conv3d(randn([1, 16, 12, 14, 14], { seed: 8 }), randn([24, 16, 3, 3, 3], { seed: 9 }), null, { padding: 1 }),
        16 * 27,
      ],
      [
        () =>
          convTranspose2d(randn([1, 32, 20, 20], { seed: 10 }), randn([32, 24, 4, 4], { seed: 11 }), null, {
            stride: 2,
            padding: 1,
          }),
        32 * 16,
      ],
      // the prep split by channels over the threads: stride-phase planes, odd sizes, batch 2
      [
        () =>
          conv2d(randn([2, 24, 33, 35], { seed: 12 }), randn([30, 24, 3, 3], { seed: 13 }), randn([30], { seed: 14 }), {
            padding: 1,
            stride: 2,
          }),
        24 * 9,
      ],
    ];
    for (const [call, macsPerOutput] of calls) {
      setThreads(1);
      const one = call();
      expect(one.data.length * macsPerOutput).toBeGreaterThanOrEqual(PARALLEL_MIN_MACS);
      setThreads(2);
      const two = call();
      setThreads(3);
      const three = call();
      expect(two.data).toEqual(one.data);
      expect(three.data).toEqual(one.data);
    }
  });
});
