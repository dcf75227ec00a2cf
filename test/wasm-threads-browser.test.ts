/**
 * Threads beyond Node's large calls: threadsReady() in Node; Web Workers over the shared memory in
 * a cross-origin isolated page (Chromium imports lib/ as in wasm-browser.test.ts, from a server that
 * sends COOP/COEP); and scripts/serve.mjs --isolated, which makes the pages it serves isolated.
 * Thread speed-ups are the benchmark's (bench/run.mjs: the x1 and x2 columns), not these tests'.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, serveLibPage, startSiteServer, watchPage, type Browser } from "./browser.js";
import { getThreads, setThreads, threadsReady } from "../src/index.js";

const ISOLATION = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "cross-origin-resource-policy": "same-origin",
};

// The page exposes convkit and the workers' unit counter; each test drives them with evaluate().
const page = `<!doctype html><meta charset="utf-8"><script type="module">
import * as ck from "/lib/index.js";
import { workerUnits } from "/lib/kernels/wasm-threads.js";
window.ck = ck;
window.workerUnits = workerUnits;
</script>`;

let server: Server;
let origin = "";
let context: BrowserContext;
let browser: Browser | undefined;
let tab: Page;
let problems: string[] = [];

beforeAll(async () => {
  ({ server, origin } = await serveLibPage(page, ISOLATION));
  browser = await launchChromium("wasm-threads");
  context = browser.context;
  tab = await context.newPage();
  problems = await watchPage(tab, origin);
  await tab.goto(origin + "/");
  await tab.waitForFunction(() => (window as unknown as { workerUnits?: unknown }).workerUnits !== undefined, null, {
    timeout: 20_000,
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe("threadsReady() in Node", () => {
  it("starts the workers and resolves with the threads that can work", async () => {
    const initial = getThreads();
    try {
      setThreads(2);
      expect(await threadsReady()).toBe(2);
      setThreads(1);
      expect(await threadsReady()).toBe(1);
    } finally {
      setThreads(initial);
    }
  });
});

/** What the tests read from the page's globals: lib/index.js (typed as its source) and the workers' unit counter. */
type PageGlobals = { ck: typeof import("../src/index.js"); workerUnits: () => number };

describe("Web Workers in a cross-origin isolated page (Chromium)", () => {
  it("is isolated, runs the fused multiply-add kernels, defaults to navigator.hardwareConcurrency threads, and threadsReady() gives 2 after setThreads(2)", async () => {
    const result = await tab.evaluate(async () => {
      const { ck } = window as unknown as PageGlobals;
      const before = {
        isolated: crossOriginIsolated,
        cores: navigator.hardwareConcurrency,
        threads: ck.getThreads(),
        backend: ck.getBackendName(),
        fma: ck.getWasmFma(),
      };
      ck.setThreads(2);
      const ready = await ck.threadsReady();
      return { ...before, ready, threadsAfter: ck.getThreads() };
    });
    console.log(`isolated page: hardwareConcurrency ${result.cores}, default threads ${result.threads}`);
    expect(result).toMatchObject({ isolated: true, backend: "wasm", fma: true, ready: 2, threadsAfter: 2 });
    expect(result.threads).toBe(Math.min(60, result.cores));
    expect(problems).toEqual([]);
  });

  it("gives bitwise the same outputs on 1 and 2 threads, within 1e-4 of the reference, with the workers taking part", async () => {
    const results = await tab.evaluate(async () => {
      const { ck, workerUnits } = window as unknown as PageGlobals;
      // [name, call, multiply-adds]: every call is above PARALLEL_MIN_MACS, so it is split over threads
      const calls: Array<[string, (backend?: string) => { data: Float32Array }, number]> = [
        [
          "dense 1x32x28x28, 32 3x3 p1",
          (backend) =>
            ck.conv2d(
              ck.randn([1, 32, 28, 28], { seed: 1 }),
              ck.randn([32, 32, 3, 3], { seed: 2 }),
              ck.randn([32], { seed: 3 }),
              { padding: 1, backend },
            ),
          32 * 28 * 28 * 32 * 9,
        ],
        [
          "grouped 8, dilation 2",
          (backend) =>
            ck.conv2d(ck.randn([1, 64, 40, 40], { seed: 4 }), ck.randn([64, 8, 3, 3], { seed: 5 }), null, {
              padding: 2,
              dilation: 2,
              groups: 8,
              backend,
            }),
          64 * 40 * 40 * 8 * 9,
        ],
        [
          "depthwise stride 2",
          (backend) =>
            ck.conv2d(ck.randn([1, 128, 64, 64], { seed: 6 }), ck.randn([128, 1, 3, 3], { seed: 7 }), null, {
              padding: 1,
              stride: 2,
              groups: 128,
              backend,
            }),
          128 * 32 * 32 * 9,
        ],
        [
          "transposed stride 2",
          (backend) =>
            ck.convTranspose2d(ck.randn([1, 32, 20, 20], { seed: 10 }), ck.randn([32, 24, 4, 4], { seed: 11 }), null, {
              stride: 2,
              padding: 1,
              backend,
            }),
          24 * 40 * 40 * 32 * 16,
        ],
      ];
      ck.setThreads(2);
      await ck.threadsReady();
      const out = [];
      for (const [name, call, macs] of calls) {
        ck.setThreads(1);
        const one = call().data;
        ck.setThreads(2);
        const unitsBefore = workerUnits();
        let mismatches = 0;
        for (let r = 0; r < 10; r++) {
          const two = call().data;
          for (let i = 0; i < one.length; i++) if (!Object.is(two[i], one[i])) mismatches++;
        }
        const workerShare = workerUnits() - unitsBefore;
        const ref = call("reference").data;
        let maxRel = 0;
        for (let i = 0; i < ref.length; i++)
          maxRel = Math.max(maxRel, Math.abs(one[i]! - ref[i]!) / Math.max(1, Math.abs(ref[i]!)));
        out.push({ name, macs, size: one.length, mismatches, workerUnits: workerShare, maxRel });
      }
      return { out, min: ck.PARALLEL_MIN_MACS };
    });
    for (const r of results.out) {
      console.log(
        `isolated page, ${r.name}: ${r.workerUnits} gemm units run by the worker over 10 two-thread calls, max rel diff from reference ${r.maxRel.toExponential(2)}`,
      );
      expect(r.macs, r.name).toBeGreaterThanOrEqual(results.min);
      expect(r.mismatches, r.name).toBe(0);
      expect(r.maxRel, r.name).toBeLessThan(1e-4);
    }
    // a worker may miss a short call (it wakes after the caller took every unit), not all forty
    expect(results.out.reduce((sum, r) => sum + r.workerUnits, 0)).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  }, 60_000);

  it("tensors in wasm (toWasm) live in the shared memory and give the plain result on 2 threads, bitwise", async () => {
    const r = await tab.evaluate(async () => {
      const { ck } = window as unknown as PageGlobals;
      ck.setThreads(2);
      await ck.threadsReady();
      const x = ck.randn([1, 128, 40, 40], { seed: 12 }),
        w = ck.randn([128, 1, 3, 3], { seed: 13 });
      const plain = ck.conv2d(x, w, null, { padding: 1, groups: 128 });
      const xr = ck.toWasm(x),
        out = ck.toWasm(ck.zeros(plain.shape));
      ck.conv2d(xr, w, null, { padding: 1, groups: 128, out });
      let mismatches = 0;
      for (let i = 0; i < plain.data.length; i++) if (!Object.is(out.data[i], plain.data[i])) mismatches++;
      const result = {
        inWasm: ck.inWasm(xr) && ck.inWasm(out),
        shared: out.data.buffer instanceof SharedArrayBuffer,
        mismatches,
        size: plain.data.length,
      };
      ck.disposeWasm(xr);
      ck.disposeWasm(out);
      return result;
    });
    expect(r).toEqual({ inWasm: true, shared: true, mismatches: 0, size: 128 * 40 * 40 });
    expect(problems).toEqual([]);
  }, 60_000);
});

describe("scripts/serve.mjs --isolated", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "convkit-serve-"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>isolation</title>");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const isolated of [true, false]) {
    it(`${isolated ? "sends" : "without the flag, does not send"} COOP/COEP/CORP, and the page is ${isolated ? "" : "not "}cross-origin isolated`, async () => {
      const { process: child, origin: site } = await startSiteServer(
        isolated ? ["--root", dir, "--isolated"] : ["--root", dir],
      );
      try {
        for (const path of ["/", "/missing"]) {
          const response = await fetch(site + path);
          for (const [name, value] of Object.entries(ISOLATION))
            expect(response.headers.get(name), `${path} ${name}`).toBe(isolated ? value : null);
        }
        const check = await context.newPage();
        await check.goto(site + "/");
        expect(await check.evaluate(() => crossOriginIsolated)).toBe(isolated);
        await check.close();
      } finally {
        child.kill("SIGTERM");
      }
    });
  }
});
