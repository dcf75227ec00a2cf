import { describe, expect, it } from "vitest";
import { convTranspose1d, randn } from "../src/index.js";

describe("a transposed convolution whose kernel dwarfs its input", () => {
  it("convTranspose1d(x, w, b, options) with a 300,000-tap kernel over 6 inputs multiplies only real pairs, as the reference does", () => {
    // The gather formulations would visit about 10^11 (output, tap) pairs, nearly all padding;
    // the real (input, tap) pairs are 21.6 million.
    const x = randn([1, 4, 6], { seed: 1 });
    const w = randn([4, 3, 300_000], { seed: 2 });
    const b = randn([6], { seed: 3 });
    const options = { stride: 2, groups: 2, outputPadding: 1 };
    const start = performance.now();
    const y = convTranspose1d(x, w, b, { ...options, backend: "wasm" });
    expect(performance.now() - start).toBeLessThan(5000);
    expect(y.shape).toEqual([1, 6, 300_011]);
    const reference = convTranspose1d(x, w, b, { ...options, backend: "reference" });
    expect(Array.from(y.data)).toEqual(Array.from(reference.data));
  });
});
