#!/usr/bin/env node
/**
 * relu on the wasm backend (integer SIMD, copies in and out included) against the reference
 * backend's JS loop, on MobileNetV2's activation sizes (batch 1). Medians of interleaved rounds;
 * prints a markdown table. The choice it informs: RELU_WASM_MIN (src/kernels/wasm-relu.ts), the
 * length below which relu stays a JS loop.
 * Run: npm run build:lib && node bench/relu.mjs
 */
import { randn, relu, setBackend } from "../lib/index.js";

const SHAPES = [
  [1, 32, 112, 112],
  [1, 96, 112, 112],
  [1, 144, 56, 56],
  [1, 192, 28, 28],
  [1, 384, 14, 14],
  [1, 960, 7, 7],
  [1, 1024],
];
const ROUNDS = 31;

/** Milliseconds per call of relu(x) on `backend`, averaged over enough calls to take ~5 ms. */
function time(backend, x) {
  setBackend(backend);
  let calls = 0;
  const start = performance.now();
  do {
    relu(x);
    calls++;
  } while (performance.now() - start < 5);
  return (performance.now() - start) / calls;
}

const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
console.log("| activation | elements | reference (ms) | wasm (ms) | reference / wasm |");
console.log("|---|---:|---:|---:|---:|");
for (const shape of SHAPES) {
  const x = randn(shape, { seed: 1 });
  const times = { reference: [], wasm: [] };
  for (let r = 0; r < 3; r++) for (const b of ["reference", "wasm"]) time(b, x);
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? ["wasm", "reference"] : ["reference", "wasm"];
    for (const b of order) times[b].push(time(b, x));
  }
  const ref = median(times.reference),
    wasm = median(times.wasm);
  console.log(
    `| ${shape.join("x")} | ${x.size} | ${ref.toFixed(4)} | ${wasm.toFixed(4)} | ${(ref / wasm).toFixed(2)} |`,
  );
}
