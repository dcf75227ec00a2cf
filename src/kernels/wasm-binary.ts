/**
 * The compiled SIMD kernels (assembly/convkit.ts), in four builds: over an ordinary memory
 * (browsers, single thread) or a shared one (worker threads), each with f32x4 mul + add or with
 * relaxed SIMD's fused multiply-add (runtimes that have it).
 *
 * This source version reads the .wasm files that `npm run build:lib` writes to lib/kernels/, so
 * that tests can run from src/. The build then replaces lib/kernels/wasm-binary.js with a module
 * of the same shape that inlines all four builds as base64 (scripts/build-wasm.mjs): the published
 * package needs no file access, fetch or bundler plugin to load its kernels, in Node, tslab or a
 * browser page.
 */
import { existsSync, readFileSync } from "node:fs";

/** The kernels' bytes, or null when they have not been built. */
export function wasmBinary(shared: boolean, fma = false): Uint8Array | null {
  const url = new URL(`../../lib/kernels/convkit${shared ? "-shared" : ""}${fma ? "-fma" : ""}.wasm`, import.meta.url);
  return existsSync(url) ? new Uint8Array(readFileSync(url)) : null;
}
