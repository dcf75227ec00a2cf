import { defineConfig } from "vitest/config";

// Node 22+ has WebAssembly relaxed SIMD on; Node 20 has it behind a flag, which the tests turn on
// so that both builds of the wasm kernels (fused multiply-add, mul + add) are tested there too.
const relaxedSimdFlag = Number(process.versions.node.split(".")[0]) < 22 ? ["--experimental-wasm-relaxed-simd"] : [];

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    typecheck: { include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
    testTimeout: 30_000,
    execArgv: relaxedSimdFlag,
  },
});
