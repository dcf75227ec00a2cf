/**
 * The wasm backend against PyTorch 1.13's outputs (../shared/fixtures), with both builds of its
 * kernels where the runtime has relaxed SIMD (fused multiply-add, mul + add); the backend switch;
 * the FMA switch.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  conv2d,
  convInfo,
  getBackend,
  getBackendName,
  getWasmFma,
  randn,
  setBackend,
  setWasmFma,
  wasmAvailable,
  wasmFmaSupported,
  wasmMemoryBytes,
  wasmSimdSupported,
} from "../src/index.js";
import { expectClose, loadTorchCases, runTorchCase } from "./helpers.js";

const cases = loadTorchCases();

const kernelBuilds = wasmFmaSupported() ? [true, false] : [false];
const initialFma = getWasmFma();
afterAll(() => setWasmFma(initialFma));

it("the wasm backend is available here (SIMD present and kernels built by npm run build:lib)", () => {
  expect(wasmSimdSupported()).toBe(true);
  expect(wasmAvailable()).toBe(true);
});

describe.each(kernelBuilds.map((fma) => [fma ? "fused multiply-add" : "mul + add", fma] as const))(
  "wasm backend (%s kernels) on the PyTorch fixtures",
  (_, fma) => {
    beforeAll(() => setWasmFma(fma));

    it.each(cases.map((c) => [c.name, c] as const))("%s", (_, c) => {
      const y = runTorchCase(c, "wasm");
      expect(y.shape).toEqual(c.output_shape);
      expectClose(y, c.output, { rtol: 1e-4, atol: 1e-5 });
    });
  },
);

describe("setBackend / backend option", () => {
  afterEach(() => setBackend("wasm"));

  it("defaults to wasm where WebAssembly SIMD exists", () => {
    expect(getBackendName()).toBe("wasm");
  });

  it('setBackend("reference") and a per-call backend option pick the kernels', () => {
    const x = randn([1, 3, 6, 6], { seed: 1 });
    const w = randn([4, 3, 3, 3], { seed: 2 });
    const viaWasm = conv2d(x, w, null, { padding: 1 });
    setBackend("reference");
    expect(getBackendName()).toBe("reference");
    const viaReference = conv2d(x, w, null, { padding: 1 });
    const perCall = conv2d(x, w, null, { padding: 1, backend: "wasm" });
    expectClose(viaWasm, viaReference.data, { rtol: 1e-5, atol: 1e-6 });
    expect(perCall.data).toEqual(viaWasm.data);
  });

  it("setBackend rejects an unknown name, listing the available ones", () => {
    expect(() => setBackend("webgpu")).toThrow(/setBackend: unknown backend "webgpu"; available: "reference", "wasm"/);
  });
});

describe("wasm memory", () => {
  it("grows on demand, is reported by wasmMemoryBytes(), and is reused by later calls", () => {
    const x = randn([1, 16, 40, 40], { seed: 3 });
    const w = randn([32, 16, 3, 3], { seed: 4 });
    conv2d(x, w, null, { padding: 1, backend: "wasm" });
    const after = wasmMemoryBytes();
    // x, weights, packed weights, prepped input and output: at least the input and output floats
    expect(after).toBeGreaterThanOrEqual(4 * (16 * 40 * 40 + 32 * 40 * 40));
    for (let i = 0; i < 5; i++) conv2d(x, w, null, { padding: 1, backend: "wasm" });
    expect(wasmMemoryBytes()).toBe(after);
    // a smaller call fits in the same memory
    conv2d(randn([1, 4, 8, 8], { seed: 5 }), randn([4, 4, 3, 3], { seed: 6 }), null, { backend: "wasm" });
    expect(wasmMemoryBytes()).toBe(after);
  });

  it("refuses a call needing more than 2 GiB with a ConvError that names the op and suggests the reference", () => {
    const info = convInfo("conv2d", 2, [1, 2, 5, 5], [3, 2, 3, 3], null, {});
    const huge = { ...info, outSize: [30_000, 30_000], outputShape: [1, 3, 30_000, 30_000] };
    const before = wasmMemoryBytes();
    expect(() => getBackend("wasm").conv(huge, new Float32Array(50), new Float32Array(54), null)).toThrow(
      /conv2d: the wasm backend needs \d+ MiB of WebAssembly memory for this call, more than its 2 GiB limit; run it with \{ backend: "reference" \}/,
    );
    expect(wasmMemoryBytes()).toBe(before);
  });

  it("a memory that cannot grow (the system refuses) gives a ConvError naming the op and the sizes, and the engine goes on", async () => {
    const { wasmEngine } = await import("../src/kernels/wasm.js");
    const memory = wasmEngine()!.memory as WebAssembly.Memory & { grow: (pages: number) => number };
    memory.grow = () => {
      throw new RangeError("WebAssembly.Memory.grow(): Unable to grow instance memory");
    };
    try {
      const big = randn([1, 8, 64 + wasmMemoryBytes() / 2 ** 12, 64], { seed: 10 });
      expect(() => conv2d(big, randn([8, 8, 3, 3], { seed: 11 }), null, { padding: 1, backend: "wasm" })).toThrow(
        /^conv2d: the wasm backend could not grow its WebAssembly memory from \d+ to \d+ MiB \(WebAssembly\.Memory\.grow\(\): Unable to grow instance memory\); run it with \{ backend: "reference" \}$/,
      );
    } finally {
      delete (memory as { grow?: unknown }).grow;
    }
    const x = randn([1, 2, 5, 5], { seed: 12 }),
      w = randn([3, 2, 3, 3], { seed: 13 });
    expectClose(conv2d(x, w, null, { backend: "wasm" }), conv2d(x, w, null, { backend: "reference" }).data, {
      rtol: 1e-5,
      atol: 1e-6,
    });
  });

  it("returns a fresh output each call (never a view of the wasm memory)", () => {
    const x = randn([1, 2, 5, 5], { seed: 7 });
    const w = randn([3, 2, 3, 3], { seed: 8 });
    const a = conv2d(x, w, null, { backend: "wasm" });
    const copy = a.data.slice();
    conv2d(randn([1, 2, 5, 5], { seed: 9 }), w, null, { backend: "wasm" });
    expect(a.data).toEqual(copy);
    expect(a.data.buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });
});
