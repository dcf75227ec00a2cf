/**
 * The two builds of the wasm kernels: fused multiply-add (relaxed SIMD, on by default where the
 * runtime has it; the tests run Node 20 with --experimental-wasm-relaxed-simd, vitest.config.ts)
 * and mul + add. Both equal the reference within 1e-4; they differ from each other in the last
 * bits; threads never change a build's result; a runtime without relaxed SIMD runs mul + add and
 * gives the same bits as setWasmFma(false) here.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import {
  conv2d,
  getThreads,
  getWasmFma,
  maxAbsDiff,
  randn,
  setThreads,
  setWasmFma,
  wasmFmaSupported,
} from "../src/index.js";
import { repoRoot } from "./helpers.js";

const threads = getThreads();
const initialFma = getWasmFma();
afterAll(() => {
  setThreads(threads);
  setWasmFma(initialFma);
});

// a dense conv large enough to run on two threads (PARALLEL_MIN_MACS)
const x = randn([1, 32, 30, 30], { seed: 1 }),
  w = randn([32, 32, 3, 3], { seed: 2 }),
  b = randn([32], { seed: 3 });
const call = () => conv2d(x, w, b, { padding: 1 });

describe("fused multiply-add kernels", () => {
  it("are there and on by default in the tests' Node (relaxed SIMD on)", () => {
    expect(wasmFmaSupported()).toBe(true);
    expect(initialFma).toBe(true);
  });

  it("and mul + add both equal the reference within 1e-4, differ in the last bits, and switch back and forth", () => {
    const reference = conv2d(x, w, b, { padding: 1, backend: "reference" });
    setThreads(1);
    setWasmFma(true);
    const fused = call();
    setWasmFma(false);
    expect(getWasmFma()).toBe(false);
    const separate = call();
    expect(maxAbsDiff(fused, reference)).toBeLessThan(1e-4);
    expect(maxAbsDiff(separate, reference)).toBeLessThan(1e-4);
    // one rounding instead of two: some of 28,800 outputs differ
    expect(fused.data.some((v, i) => v !== separate.data[i])).toBe(true);
    setWasmFma(true);
    expect(call().data).toEqual(fused.data);
  });

  it("workers run the build the caller chose: two threads give one thread's bits for each", () => {
    for (const fma of [true, false]) {
      setWasmFma(fma);
      setThreads(1);
      const one = call();
      setThreads(2);
      for (let i = 0; i < 5; i++) expect(call().data, `fma ${fma}`).toEqual(one.data);
    }
  });

  it("setWasmFma refuses a non-boolean, naming the op and the argument", () => {
    expect(() => setWasmFma("yes" as unknown as boolean)).toThrow(
      /^setWasmFma: enabled must be true or false, got "yes"$/,
    );
    expect(() => setWasmFma(1n as unknown as boolean)).toThrow(/^setWasmFma: enabled must be true or false, got 1n$/);
  });
});

// a Node whose V8 no longer knows the flag (relaxed SIMD always on) cannot play that runtime
const canTurnRelaxedSimdOff =
  spawnSync(process.execPath, ["--no-experimental-wasm-relaxed-simd", "-e", ""]).status === 0;

describe("a runtime without relaxed SIMD (Node 20 without the flag)", () => {
  it.runIf(canTurnRelaxedSimdOff)(
    "runs mul + add, refuses setWasmFma(true) saying why, and gives the bits of setWasmFma(false) here",
    () => {
      setThreads(1);
      setWasmFma(false);
      const here = Array.from(call().data);
      const script = `
      const ck = await import("convkit");
      const x = ck.randn([1, 32, 30, 30], { seed: 1 }), w = ck.randn([32, 32, 3, 3], { seed: 2 }), b = ck.randn([32], { seed: 3 });
      let refused = "";
      try { ck.setWasmFma(true); } catch (e) { refused = e.message; }
      ck.setThreads(1);
      const y = ck.conv2d(x, w, b, { padding: 1 });
      console.log(JSON.stringify({ supported: ck.wasmFmaSupported(), fma: ck.getWasmFma(), refused, y: Array.from(y.data) }));
    `;
      // --no-experimental-wasm-relaxed-simd: off even where a newer Node has it on by default
      const out = JSON.parse(
        execFileSync(process.execPath, ["--no-experimental-wasm-relaxed-simd", "--input-type=module", "-e", script], {
          cwd: repoRoot,
          encoding: "utf8",
        }),
      );
      expect(out.supported).toBe(false);
      expect(out.fma).toBe(false);
      expect(out.refused).toMatch(
        /^setWasmFma: cannot use fused multiply-add: this runtime has no WebAssembly relaxed SIMD \(Chromium 114\+ and Node 22\+ have it; Node 20 with --experimental-wasm-relaxed-simd\)$/,
      );
      expect(out.y).toEqual(here);
    },
  );
});
