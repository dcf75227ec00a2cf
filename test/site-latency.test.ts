/**
 * Browser test of the "FLOPs are not latency" page (docs/flops-vs-latency.md): Debian's Chromium
 * driven by playwright-core, dist/ served by scripts/serve.mjs on 127.0.0.1, as test/site.test.ts
 * does for the other pages. The page measures convkit's kernels in the browser after it has
 * painted; the test checks that the page shows its readout before the measurement ends, waits for
 * the measurement, then checks the charts' marks, the table against layerStats, the button and the
 * controls. How fast the kernels ran depends on the machine and is not asserted: the test checks
 * that every variant got a time and that the GFLOP/s and time-per-MAC columns follow from it, and
 * prints the times for a reader.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { SCREENSHOTS, siteInChromium, watchPage } from "./browser.js";
import { layerStats, matchedBudgetVariants } from "../src/index.js";

const PATH = "/flops-vs-latency";

const site = siteInChromium("latency");

/** Opens the page, collecting console errors, page errors, failed, refused and external requests. */
async function open(): Promise<{ page: Page; problems: string[]; loadMs: number }> {
  const page = await site.context.newPage();
  const problems = await watchPage(page, site.origin);
  const start = Date.now();
  await page.goto(site.origin + PATH, { waitUntil: "load" });
  return { page, problems, loadMs: Date.now() - start };
}

const phase = (page: Page) => page.$eval("#latency-progress", (el) => (el as HTMLElement).dataset.phase ?? "");
const waitDone = (page: Page, click = 0) =>
  page.waitForSelector(`#latency-progress[data-phase="done"][data-click="${click}"]`, { timeout: 90_000 });

/** The raw values (data-value) of the table's data-metric cells, by row name. */
async function tableRows(page: Page): Promise<{ name: string; values: Record<string, number> }[]> {
  return page.$$eval("#latency-table tbody tr", (trs) =>
    trs.map((tr) => ({
      name: (tr as HTMLElement).dataset.row ?? "",
      values: Object.fromEntries(
        Array.from(tr.querySelectorAll<HTMLElement>("[data-metric]"), (td) => [
          td.dataset.metric!,
          Number(td.dataset.value),
        ]),
      ),
    })),
  );
}

async function setSelect(page: Page, name: string, value: number): Promise<void> {
  await page.locator(`#control-${name} select`).selectOption({ label: String(value) });
}

/** What the table's deterministic columns must hold for a configuration: convkit's layerStats. */
function expectedCosts(channels: number, size: number) {
  return matchedBudgetVariants({ channels, size }).map((v) => {
    const s = layerStats(v.layer, v.input);
    return { name: v.name, macs: s.macs, bytes: s.memory.totalBytes };
  });
}

describe("the FLOPs are not latency page", () => {
  it("loads without errors, measures after painting, then draws one mark per variant and a table whose MACs are layerStats'", async () => {
    const { page, problems, loadMs } = await open();
    try {
      // The page is up (the readout and the cost columns are there) before the measurement ends.
      const startedAt = Date.now();
      await page.waitForSelector("#latency-progress", { timeout: 20_000 });
      const firstPhase = await phase(page);
      const costs = expectedCosts(64, 28);
      await expect
        .poll(
          async () =>
            (await tableRows(page)).map((r) => ({ name: r.name, macs: r.values.macs, bytes: r.values.bytes })),
          { timeout: 20_000 },
        )
        .toEqual(costs);
      // The readout was up while the measurement was still to come or under way.
      expect(["waiting", "running"]).toContain(firstPhase);
      await waitDone(page);
      console.log(
        `flops-vs-latency: load event after ${loadMs} ms; first readout phase "${firstPhase}"; measurement done ${Date.now() - startedAt} ms later`,
      );

      const progress = await page.locator("#latency-progress span").innerText();
      expect(progress).toMatch(/^done: 45 samples in [\d.]+ s on the wasm backend \(fused multiply-add\), 1 thread$/);
      const variants = costs.length;
      expect(await page.locator('svg[data-chart="latency-scatter"] g[aria-label="dot"] circle').count()).toBe(variants);
      expect(await page.locator('svg[data-chart="latency-scatter"] g[aria-label="line"] path').count()).toBe(1);
      expect(await page.locator('[data-chart="latency-gflops"] g[aria-label="bar"] rect').count()).toBe(variants);
      expect(await page.locator("#latency-charts-pending").count()).toBe(0);

      const rows = await tableRows(page);
      expect(rows.map((r) => ({ name: r.name, macs: r.values.macs, bytes: r.values.bytes }))).toEqual(costs);
      for (const [i, r] of rows.entries()) {
        expect(r.values.ms, r.name).toBeGreaterThan(0);
        // GFLOP/s is FLOPs (2 MACs, no bias) over the median time shown in the same row
        expect(r.values.gflops, r.name).toBeCloseTo((2 * costs[i]!.macs) / (r.values.ms * 1e6), 6);
        expect(r.values["time-per-mac"], r.name).toBeCloseTo(
          r.values.ms / rows[0]!.values.ms / (costs[i]!.macs / costs[0]!.macs),
          6,
        );
      }
      const fmt = (r: (typeof rows)[number]) =>
        `${r.name} ${r.values.ms!.toFixed(3)} ms ${r.values.gflops!.toFixed(1)} GFLOP/s`;
      console.log(`flops-vs-latency (Chromium, 28x28x64): ${rows.map(fmt).join("; ")}`);

      await page.screenshot({ path: join(SCREENSHOTS, "flops-vs-latency-measured.png"), fullPage: true });
      expect(await page.locator(".observablehq--error").count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);

  it("measures again on the button, and follows the controls with layerStats' MACs", async () => {
    const { page, problems } = await open();
    try {
      await waitDone(page);
      await page.locator("#control-again button").click();
      await waitDone(page, 1);

      await setSelect(page, "size", 14);
      await setSelect(page, "channels", 32);
      await setSelect(page, "rounds", 3);
      const costs = expectedCosts(32, 14);
      await expect
        .poll(
          async () =>
            (await tableRows(page)).map((r) => ({ name: r.name, macs: r.values.macs, bytes: r.values.bytes })),
          { timeout: 10_000 },
        )
        .toEqual(costs);
      await page.waitForSelector('#latency-progress[data-phase="done"][data-done="27"]', { timeout: 90_000 });
      expect(await page.locator('svg[data-chart="latency-scatter"] g[aria-label="dot"] circle').count()).toBe(
        costs.length,
      );
      // ShuffleNet V2's tables follow the map size: memory access cost of the paper's 1x1 convs at 14x14
      const g2 = await page.$$eval("#g2-table [data-metric=mac]", (tds) =>
        tds.map((td) => Number((td as HTMLElement).dataset.value)),
      );
      expect(g2).toEqual(
        [
          [1, 128],
          [2, 180],
          [4, 256],
          [8, 360],
        ].map(([g, c]) => 14 * 14 * 2 * c! + (c! * c!) / g!),
      );
      expect(await page.locator(".observablehq--error").count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, 180_000);
});
