/**
 * The published build (lib/) loads its kernels in a browser: Chromium imports lib/index.js as an
 * ES module from a local server, with no bundler, and the wasm backend is the default there,
 * equal to the reference (relu bitwise), and single-threaded: this page is not cross-origin isolated (threads in
 * isolated pages: wasm-threads-browser.test.ts), so toWasm gives plain copies.
 */
import type { Server } from "node:http";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, serveLibPage, watchPage, type Browser } from "./browser.js";

const page = `<!doctype html><meta charset="utf-8"><script type="module">
import * as ck from "/lib/index.js";
const x = ck.randn([2, 6, 9, 11], { seed: 1 }), w = ck.randn([8, 3, 3, 3], { seed: 2 }), b = ck.randn([8], { seed: 3 });
const options = { padding: 1, stride: [1, 2], groups: 2 };
const fast = ck.conv2d(x, w, b, options);
const ref = ck.conv2d(x, w, b, { ...options, backend: "reference" });
let maxDiff = 0;
for (let i = 0; i < ref.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(fast.data[i] - ref.data[i]));
let threadsError = "";
try { ck.setThreads(2); } catch (e) { threadsError = String(e.message); }
const ready = await ck.threadsReady();
// no shared memory here: toWasm gives a plain copy (growing the memory would detach a view), same result
const xw = ck.toWasm(x);
const viaToWasm = ck.conv2d(xw, w, b, options);
let toWasmDiff = 0;
for (let i = 0; i < fast.data.length; i++) toWasmDiff = Math.max(toWasmDiff, Math.abs(viaToWasm.data[i] - fast.data[i]));
const toWasm = { inWasm: ck.inWasm(xw), disposed: ck.disposeWasm(xw), diff: toWasmDiff, plainBuffer: xw.data.buffer instanceof ArrayBuffer };
// relu on the kernels (a tensor above the wasm threshold) gives the reference loop's bits
const big = ck.randn([1, 16, 30, 31], { seed: 4 });
const reluFast = ck.relu(big);
ck.setBackend("reference");
const reluRef = ck.relu(big);
ck.setBackend("wasm");
const bits = (t) => new Int32Array(t.data.buffer, t.data.byteOffset, t.data.length);
const reluSame = bits(reluFast).every((v, i) => v === bits(reluRef)[i]) && reluFast.data.some((v) => v === 0) && reluFast.data.some((v) => v > 0);
window.result = { reluSame, toWasm, fma: ck.getWasmFma(), fmaSupported: ck.wasmFmaSupported(), backend: ck.getBackendName(), simd: ck.wasmSimdSupported(), isolated: crossOriginIsolated, threads: ck.getThreads(), ready, maxDiff, size: ref.data.length, memory: ck.wasmMemoryBytes(), threadsError };
</script>`;

let server: Server;
let origin = "";
let context: BrowserContext;
let browser: Browser | undefined;

beforeAll(async () => {
  ({ server, origin } = await serveLibPage(page));
  browser = await launchChromium("wasm");
  context = browser.context;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe("lib/ in Chromium", () => {
  it("imports without a bundler, defaults to wasm (fused multiply-add kernels, single thread: the page is not isolated) and matches the reference (relu bitwise)", async () => {
    const tab = await context.newPage();
    const errors = await watchPage(tab, origin);
    await tab.goto(origin + "/");
    await tab.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, null, {
      timeout: 20_000,
    });
    const result = await tab.evaluate(() => (window as unknown as { result: Record<string, unknown> }).result);
    expect(errors).toEqual([]);
    expect(result).toMatchObject({
      reluSame: true,
      backend: "wasm",
      simd: true,
      fma: true,
      fmaSupported: true,
      isolated: false,
      threads: 1,
      ready: 1,
      size: 2 * 8 * 9 * 6,
    });
    expect(result.maxDiff as number).toBeLessThan(1e-4);
    expect(result.memory as number).toBeGreaterThan(0);
    expect(result.toWasm).toEqual({ inWasm: false, disposed: false, diff: 0, plainBuffer: true });
    expect(result.threadsError).toMatch(
      /^setThreads: threads \(2\) need Node's worker_threads or a cross-origin isolated page \(served with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp\); this page is not cross-origin isolated, so the wasm backend runs on one thread$/,
    );
    await tab.close();
  });
});
