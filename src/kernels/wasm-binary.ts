/**
 * The compiled SIMD kernels (assembly/convkit.ts), in two builds: one over an ordinary memory
 * (browsers, single thread) and one over a shared memory (Node worker threads).
 *
 * This source version reads the .wasm files that `npm run build:lib` writes to lib/kernels/, so
 * that tests can run from src/. The build then replaces lib/kernels/wasm-binary.js with a module
 * of the same shape that inlines both binaries as base64 (scripts/build-wasm.mjs): the published
 * package needs no file access, fetch or bundler plugin to load its kernels, in Node, tslab or a
 * browser page.
 */
import { existsSync, readFileSync } from "node:fs";

/** The kernels' bytes, or null when they have not been built. */
export function wasmBinary(shared: boolean): Uint8Array | null {
  const url = new URL(`../../lib/kernels/${shared ? "convkit-shared" : "convkit"}.wasm`, import.meta.url);
  return existsSync(url) ? new Uint8Array(readFileSync(url)) : null;
}
