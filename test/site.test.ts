/**
 * Browser tests of the built site (dist/): Debian's Chromium driven by playwright-core, pages served
 * by scripts/serve.mjs on 127.0.0.1 (random port). The site is built once per run, and only when
 * its inputs changed (scripts/build-site.mjs --if-stale). Each test asserts what a page shows; the
 * screenshots it takes on the way (build/screenshots/) are kept for a reader to look at.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { request } from "node:http";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { SCREENSHOTS, siteInChromium, watchPage } from "./browser.js";
import config from "../observablehq.config.js";
import * as convkit from "../src/index.js";
import * as convkitCharts from "../src/charts/index.js";
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm2d,
  COUNTING_CONVENTIONS,
  CONVENTIONS,
  Conv2d,
  ConvError,
  ConvTranspose2d,
  DepthwiseConv2d,
  GroupedSeparableConv2d,
  Linear,
  MaxPool2d,
  PointwiseConv2d,
  ReLU,
  SeparableConv2d,
  costVsDilation,
  costVsGroups,
  formatShape,
  layerStats,
  parseModel,
  receptiveFieldOfStack,
  summary,
  tutorialTable,
  zeros,
  type LayerSpec,
  type LayerStats,
  type Module,
} from "../src/index.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const site = siteInChromium("site");

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

/** Site pages: every HTML file Framework wrote (the copied notebook reports apart), as URL paths. */
function sitePages(): string[] {
  return [...walk(dist)]
    .filter((f) => f.endsWith(".html") && !relative(dist, f).startsWith("reports"))
    .map(
      (f) =>
        "/" +
        relative(dist, f)
          .replace(/\\/g, "/")
          .replace(/(index)?\.html$/, ""),
    )
    .sort();
}

/** The page paths the config's sidebar lists, plus the home page. */
function configPages(): string[] {
  type Entry = { path?: string; pages?: Entry[] };
  const visit = (entries: Entry[]): string[] =>
    entries.flatMap((e) => [...(e.path ? [e.path] : []), ...visit(e.pages ?? [])]);
  return ["/", ...visit(config.pages as Entry[])].sort();
}

interface Visit {
  page: Page;
  problems: string[];
  /** Milliseconds from navigation to the first chart (an svg) in the page's main column. */
  firstChartMs: number | null;
}

/** Opens a page, records every console error, page error, failed, external or >= 400 request. */
async function visit(path: string, { waitForChart = false } = {}): Promise<Visit> {
  const page = await site.context.newPage();
  const problems = await watchPage(page, site.origin);
  const start = Date.now();
  await page.goto(site.origin + path, { waitUntil: waitForChart ? "commit" : "load" });
  let firstChartMs: number | null = null;
  if (waitForChart) {
    await page.waitForSelector("#observablehq-main svg", { timeout: 20_000 });
    firstChartMs = Date.now() - start;
  }
  await settle(page);
  return { page, problems, firstChartMs };
}

/** Waits until the network is idle and every Framework cell has displayed (no loading placeholder). */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState("networkidle");
  await page.waitForFunction(() => document.querySelectorAll("observablehq-loading").length === 0, null, {
    timeout: 20_000,
  });
  await page.waitForTimeout(50);
}

/** Saves what the page shows to build/screenshots/: the whole page, or the first screen of a very long one. */
async function screenshot(page: Page, name: string): Promise<void> {
  const long = await page.evaluate(() => document.documentElement.scrollHeight > 12_000);
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: !long });
}

function screenshotName(path: string): string {
  return (path === "/" ? "index" : path.slice(1).replace(/\//g, "-")) + ".png";
}

/** Shapes and cell counts of every tensor grid on the page, in page order. */
async function tensorGrids(page: Page): Promise<{ shape: string; cells: number }[]> {
  return page.$$eval('svg[data-chart="tensor-grid"]', (svgs) =>
    svgs.map((svg) => ({
      shape: svg.getAttribute("data-shape") ?? "",
      cells: svg.querySelectorAll('g[aria-label="cell"] rect').length,
    })),
  );
}

/** Per chart matching `selector`, in page order: how many shapes each Plot mark drew, by mark name. */
async function markCounts(page: Page, selector: string): Promise<Record<string, number>[]> {
  return page.$$eval(selector, (charts) =>
    charts.map((chart) => {
      const counts: Record<string, number> = {};
      for (const g of Array.from(chart.querySelectorAll("g[aria-label]"))) {
        const label = g.getAttribute("aria-label")!;
        if (label.includes("axis") || g.parentElement?.closest("g[aria-label]")) continue; // axes, and groups inside a mark
        counts[label] = (counts[label] ?? 0) + g.querySelectorAll("rect, circle, path, text, line").length;
      }
      return counts;
    }),
  );
}

/** The raw values (data-value) of a table's data-metric cells, one record per row that has any. */
async function tableValues(page: Page, selector: string): Promise<Record<string, number>[]> {
  return page.$eval(selector, (table) =>
    Array.from(table.querySelectorAll("tr"))
      .map((tr) =>
        Object.fromEntries(
          Array.from(tr.querySelectorAll<HTMLElement>("[data-metric]"), (td) => [
            td.dataset.metric!,
            Number(td.dataset.value),
          ]),
        ),
      )
      .filter((row) => Object.keys(row).length > 0),
  );
}

/** Wires and channel dots of a channel-connectivity chart of a stack, worked out independently. */
function connectivityMarks(stages: ({ conv: [number, number, number] } | { shuffle: number })[]): {
  link: number;
  dot: number;
} {
  let link = 0;
  const columns = ["conv" in stages[0]! ? stages[0].conv[0] : 0];
  for (const stage of stages) {
    if ("conv" in stage) {
      const [cin, cout, g] = stage.conv;
      link += cout * (cin / g);
      columns.push(cout);
    } else {
      link += columns.at(-1)!;
      columns.push(columns.at(-1)!);
    }
  }
  return { link, dot: columns.reduce((a, b) => a + b, 0) };
}

const shapeOf = (layer: Module, input: number[]) => [...layer.forward(zeros(input)).shape];
const key = (shape: readonly number[]) => shape.join("x");

/**
 * What each page shows at its default settings, computed here with convkit: the shapes of its
 * tensor grids (each must draw one cell per element), and texts its readouts must contain.
 */
type PageExpectation = {
  grids: number[][];
  texts: [selector: string, text: string][];
  /** Charts by CSS selector: the mark counts each must draw, in page order. */
  charts?: [selector: string, marks: Record<string, number>[]][];
  /** Tables by CSS selector: the raw values of their data-metric cells, row by row. */
  tables?: [selector: string, values: Record<string, number>[]][];
  /** Further checks of the page's content. */
  check?: (page: Page) => Promise<void>;
};

/** A cost comparison (docs/components/compare.js) of these layers: two bars per layer, its table rows. */
function comparison(rows: [layer: Module | LayerSpec, input: number[]][]): {
  bars: Record<string, number>;
  table: Record<string, number>[];
} {
  const stats = rows.map(([layer, input]) => layerStats(layer, input));
  return { bars: { bar: 2 * rows.length }, table: stats.map((s) => ({ params: s.params.total, macs: s.macs })) };
}

/** The model files the Networks page summarises. */
function exampleModel(file: string) {
  return parseModel(readFileSync(join(root, "examples", file), "utf8"));
}

/** Marks of a costLines chart: one line per metric, a dot per point and metric. */
const linesOf = (points: number, metrics: number) => ({ line: metrics, dot: points * metrics });

function expectations(): Record<string, PageExpectation> {
  const regular = new Conv2d(4, 10, 3);
  const grouped = new Conv2d(4, 10, 3, { groups: 2 });
  const depthwise = new DepthwiseConv2d(4, 3);
  const pointwise = new PointwiseConv2d(4, 10);
  const separable = new SeparableConv2d(4, 10, 3);
  const gds = new GroupedSeparableConv2d(4, 10, 3, { groups: 2 });
  const dilated = new Conv2d(4, 10, 3, { dilation: 2 });
  const transposed = new ConvTranspose2d(4, 2, 3, { stride: 2 });
  const costs = {
    grouped: comparison([
      [new Conv2d(4, 10, 3), [4, 5, 5]],
      [grouped, [4, 5, 5]],
    ]),
    depthwise: comparison([
      [new Conv2d(4, 4, 3), [4, 5, 5]],
      [depthwise, [4, 5, 5]],
    ]),
    pointwise: comparison([
      [new Conv2d(4, 10, 3, { padding: 1 }), [4, 3, 3]],
      [pointwise, [4, 3, 3]],
    ]),
    separable: comparison([
      [regular, [4, 5, 5]],
      [separable.depthwise, [4, 5, 5]],
      [separable.pointwise, [4, 3, 3]],
      [separable, [4, 5, 5]],
    ]),
    gds: comparison([
      [regular, [4, 5, 5]],
      [separable, [4, 5, 5]],
      [gds, [4, 5, 5]],
    ]),
    dilated: comparison([
      [regular, [4, 5, 5]],
      [dilated, [4, 5, 5]],
    ]),
    transposed: comparison([
      [new Conv2d(2, 4, 3, { stride: 2 }), [2, 7, 7]],
      [transposed, [4, 3, 3]],
    ]),
  };
  const tutorial = tutorialTable();
  const groupsPoints = costVsGroups({ inChannels: 64, outChannels: 128, kernelSize: 3, inputSize: 56, padding: 1 });
  const dilationPoints = costVsDilation({
    inChannels: 64,
    outChannels: 128,
    kernelSize: 3,
    inputSize: 56,
    padding: 1,
    dilations: [1, 2, 3, 4, 5, 6, 7, 8],
  });
  const fitting = dilationPoints.filter((p) => p.fits).length;
  const plain = receptiveFieldOfStack(Array.from({ length: 8 }, () => ({ kernelSize: 3, padding: 1 })));
  const vgg = exampleModel("vgg16.json");
  const vggSummary = summary(vgg.layers, vgg.inputShape);
  const vggCostly = vggSummary.rows.filter((r) => r.leaf && (r.params > 0 || r.macs > 0)).length;
  return {
    "/": {
      grids: [[4, 5, 5], shapeOf(regular, [4, 5, 5])],
      texts: [
        ["#home-output", `${regular.numParameters()} parameters`],
        ["#observablehq-main", "convkit is not on the npm registry yet"],
        ["#install-steps", "npm ci && npm run build:lib"],
        ["#install-steps", "npm install /path/to/convkit"],
        ["#tutorial-table", "says 320 multiplications"],
      ],
      charts: [['[data-chart="cost-bars"]', [{ bar: 2 * tutorial.length }]]],
      tables: [["#tutorial-table", tutorial.map((r) => ({ params: r.params, macs: r.multiplications }))]],
    },
    "/variants/regular": {
      grids: [[4, 5, 5], shapeOf(regular, [4, 5, 5])],
      texts: [
        ["#regular-readout", `${formatShape(shapeOf(regular, [4, 5, 5]))}`],
        ["#regular-readout", `${regular.numParameters()} parameters`],
      ],
    },
    "/variants/grouped": {
      grids: [shapeOf(grouped, [4, 5, 5])],
      tables: [[".cost-table", costs.grouped.table]],
      charts: [
        ['[data-chart="cost-bars"]', [costs.grouped.bars]],
        [
          'svg[data-chart="connectivity"]',
          [
            connectivityMarks([{ conv: [4, 10, 2] }]),
            connectivityMarks([{ conv: [8, 8, 2] }, { conv: [8, 8, 2] }]),
            connectivityMarks([{ conv: [8, 8, 2] }, { shuffle: 2 }, { conv: [8, 8, 2] }]),
          ],
        ],
      ],
      texts: [
        ["#grouped-readout", `${grouped.numParameters()} parameters`],
        ["#grouped-readout", `against ${regular.numParameters()} for the regular`],
        ["#grouped-reach", "changed output channels 0-4"],
        ["#shuffle-order", "[0, 4, 1, 5, 2, 6, 3, 7]"],
      ],
    },
    "/variants/depthwise": {
      tables: [[".cost-table", costs.depthwise.table]],
      charts: [['[data-chart="cost-bars"]', [costs.depthwise.bars]]],
      grids: [shapeOf(depthwise, [4, 5, 5])],
      texts: [
        ["#depthwise-readout", `${depthwise.numParameters()} parameters`],
        ["#depthwise-reach", "changed output channels 1 only"],
      ],
    },
    "/variants/pointwise": {
      tables: [[".cost-table", costs.pointwise.table]],
      charts: [['[data-chart="cost-bars"]', [costs.pointwise.bars]]],
      grids: [[4, 3, 3], shapeOf(pointwise, [4, 3, 3])],
      texts: [["#pointwise-readout", `${pointwise.numParameters()} parameters`]],
    },
    "/variants/depthwise-separable": {
      tables: [[".cost-table", costs.separable.table]],
      charts: [['[data-chart="cost-bars"]', [costs.separable.bars]]],
      grids: [[4, 3, 3], shapeOf(separable, [4, 5, 5])],
      texts: [
        ["#separable-readout", `= ${separable.numParameters()},`],
        ["#separable-check", "= 0"],
      ],
    },
    "/variants/gdsconv": {
      tables: [[".cost-table", costs.gds.table]],
      charts: [['[data-chart="cost-bars"]', [costs.gds.bars]]],
      grids: [shapeOf(gds, [4, 5, 5])],
      texts: [
        ["#gdsconv-readout", `= ${gds.numParameters()},`],
        ["#gdsconv-check", "= 0"],
      ],
    },
    "/variants/dilated": {
      tables: [[".cost-table", costs.dilated.table]],
      // footprint: 5 x 5 input cells (no padding) and the 1 x 1 output
      charts: [
        ['[data-chart="cost-bars"]', [costs.dilated.bars]],
        ['svg[data-chart="footprint"]', [{ rect: 5 * 5 + 1 }]],
      ],
      grids: [shapeOf(dilated, [4, 5, 5])],
      texts: [["#dilated-readout", formatShape(shapeOf(dilated, [4, 5, 5]))]],
    },
    "/variants/transposed": {
      tables: [[".cost-table", costs.transposed.table]],
      charts: [['[data-chart="cost-bars"]', [costs.transposed.bars]]],
      grids: [shapeOf(transposed, [4, 3, 3])],
      texts: [
        ["#transposed-readout", `${transposed.numParameters()} parameters`],
        ["#transposed-readout", formatShape(shapeOf(transposed, [4, 3, 3]))],
      ],
    },
    "/explorer": {
      grids: [],
      texts: [["#explorer-channels", "reads input channels 0-3 (4 of 4)"]],
      charts: [
        // 9 x 9 padded input cells, then the 7 x 7 output; two labels
        ['svg[data-chart="footprint"]', [{ rect: 9 * 9 + 7 * 7, text: 2 }]],
        ['svg[data-chart="connectivity"]', [connectivityMarks([{ conv: [4, 8, 1] }])]],
      ],
    },
    "/cost-charts": {
      grids: [],
      texts: [],
      charts: [
        ['svg[data-chart="cost-vs-groups"]', [linesOf(groupsPoints.length, 2)]],
        ['svg[data-chart="cost-vs-dilation"]', [linesOf(fitting, 1)]],
        ['svg[data-chart="size-vs-dilation"]', [linesOf(fitting, 2)]],
      ],
      tables: [
        ["#groups-table", groupsPoints.map((p) => ({ params: p.params, macs: p.macs, "stats-macs": p.macs }))],
        ["#dilation-table", dilationPoints.map((p) => ({ params: p.params, macs: p.macs }))],
      ],
    },
    "/receptive-field": {
      grids: [],
      texts: [["#rf-summary", `receptive field ${plain.at(-1)!.size} input pixels`]],
      charts: [
        ['svg[data-chart="receptive-field"]', [{ line: 2, dot: 2 * (plain.length + 1) }]],
        // four presets (8, 6, 18 and 10 layers), r only, each from layer 0
        ['svg[data-chart="receptive-field-presets"]', [{ line: 4, dot: 9 + 7 + 19 + 11 }]],
      ],
      tables: [["#rf-table", plain.map((step) => ({ r: step.size }))]],
    },
    "/networks": {
      grids: [],
      texts: [["#model-about", vgg.name]],
      charts: [['[data-chart="layer-costs"]', [{ bar: 2 * vggCostly }]]],
      tables: [
        [
          "#model-totals",
          [{ params: vggSummary.totals.params }, { macs: vggSummary.totals.macs }, { flops: vggSummary.totals.flops }],
        ],
        ["#model-rows", vggSummary.rows.map((r) => ({ params: r.params, macs: r.macs }))],
      ],
    },
    "/flops-vs-latency": {
      // Timings and their charts come after the page paints: test/site-latency.test.ts waits for
      // them. ShuffleNet V2's G2 table is a closed form, h w 2c + c²/g at the default 28x28 map.
      grids: [],
      texts: [["#latency-table", "depthwise-separable"]],
      tables: [
        [
          "#g2-table",
          [
            [1, 128],
            [2, 180],
            [4, 256],
            [8, 360],
          ].map(([g, c]) => ({ mac: 28 * 28 * 2 * c! + (c! * c!) / g! })),
        ],
      ],
    },
    "/api": {
      grids: [],
      texts: [
        [
          '[data-export="conv2d"] .api-signature',
          "function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options?:",
        ],
        ['[data-export="Conv2d"] h4', "class"],
      ],
      check: checkApiPage,
    },
    "/engine": {
      grids: [],
      // Chromium has WebAssembly SIMD and relaxed SIMD; the site is not cross-origin isolated.
      texts: [
        ["#engine-backend", "wasm"],
        ["#engine-fma", "on"],
        ["#engine-threads", "1"],
      ],
    },
    "/conventions": {
      grids: [],
      texts: CONVENTIONS.map((name) => [`#convention-${name} .convention-rules`, COUNTING_CONVENTIONS[name].rules]),
      tables: [["#conventions-table", conventionRows().map((r) => r.counts)]],
    },
    "/benchmarks": {
      grids: [],
      texts: [["#observablehq-main", "npm run bench"]],
      check: checkBenchmarksPage,
    },
  };
}

/** The layers the conventions page counts every way, with layerStats' counts. */
function conventionRows(): { name: string; counts: Record<string, number> }[] {
  const layers: [string, Module, number[]][] = [
    ["Conv2d(1, 10, 5)", new Conv2d(1, 10, 5), [7, 1, 28, 28]],
    ["ConvTranspose2d(10, 1, 5)", new ConvTranspose2d(10, 1, 5), [7, 10, 24, 24]],
    ["Linear(320, 50)", new Linear(320, 50), [7, 320]],
    ["BatchNorm2d(10)", new BatchNorm2d(10), [7, 10, 24, 24]],
    ["ReLU()", new ReLU(), [7, 10, 24, 24]],
    ["MaxPool2d(2)", new MaxPool2d(2), [7, 10, 24, 24]],
    ["AvgPool2d(2)", new AvgPool2d(2), [7, 10, 24, 24]],
    ["AdaptiveAvgPool2d(1)", new AdaptiveAvgPool2d(1), [7, 10, 24, 24]],
  ];
  return layers.map(([name, layer, input]) => ({ name, counts: { ...layerStats(layer, input).counts } }));
}

/**
 * The API page lists every runtime export of convkit and convkit/charts (the type-only ones are
 * checked by a few names), each with a signature, under the src/ folder of the file that defines it.
 */
async function checkApiPage(page: Page): Promise<void> {
  const listed = await page.$$eval(".api-entry", (sections) =>
    sections.map((s) => {
      let heading: Element | null = s;
      while (heading && !(heading.tagName === "H2" && heading.id.startsWith("folder-")))
        heading = heading.previousElementSibling;
      return {
        name: (s as HTMLElement).dataset.export!,
        module: (s as HTMLElement).dataset.module!,
        folder: heading?.id.replace("folder-", "") ?? "",
        signature: s.querySelector(".api-signature")?.textContent?.trim() ?? "",
      };
    }),
  );
  const entries = new Map(listed.map((e) => [`${e.module} ${e.name}`, e]));
  const missing = [
    ...Object.keys(convkit).map((name) => `convkit ${name}`),
    ...Object.keys(convkitCharts).map((name) => `convkit/charts ${name}`),
    ...["ConvOptions", "LayerSpec", "LayerStats", "Convention"].map((name) => `convkit ${name}`),
  ].filter((key) => !entries.get(key)?.signature);
  expect(missing).toEqual([]);
  expect(listed.length).toBe(entries.size); // each export once
  const folders = Object.fromEntries(
    ["conv2d", "Conv2d", "Tensor", "ConvError", "setBackend", "summary"].map((n) => [
      n,
      entries.get(`convkit ${n}`)!.folder,
    ]),
  );
  expect(folders).toEqual({
    conv2d: "ops",
    Conv2d: "nn",
    Tensor: "core",
    ConvError: "core",
    setBackend: "kernels",
    summary: "analysis",
  });
  expect(new Set(listed.filter((e) => e.module === "convkit/charts").map((e) => e.folder))).toEqual(
    new Set(["charts"]),
  );
  // The index at the top links every entry.
  const indexLinks = await page.$$eval("#api-index a[href^='#']", (as) => as.map((a) => a.getAttribute("href")!));
  expect(indexLinks.filter((h) => !h.startsWith("#folder-")).length).toBe(listed.length);
}

/** The header cells of every Markdown table in `markdown`, in order. */
function markdownTableHeaders(markdown: string): string[][] {
  const headers: string[][] = [];
  const lines = markdown.split("\n");
  lines.forEach((line, i) => {
    if (line.startsWith("|") && !(lines[i - 1] ?? "").startsWith("|"))
      headers.push(
        line
          .replace(/^\||\|$/g, "")
          .split("|")
          .map((cell) => cell.trim()),
      );
  });
  return headers;
}

/** The benchmarks page shows every table of bench/results.md, header by header, each in a scrolling box. */
async function checkBenchmarksPage(page: Page): Promise<void> {
  const expected = markdownTableHeaders(readFileSync(join(root, "bench", "results.md"), "utf8"));
  expect(expected.length).toBeGreaterThan(0);
  const shown = await page.$$eval(".wide table", (tables) =>
    tables.map((t) => Array.from(t.querySelectorAll("thead th"), (th) => th.textContent!.trim())),
  );
  expect(shown).toEqual(expected);
  // The first column of the first table names the workloads, as the bench wrote them.
  const workloads = await page.$eval(".wide table", (table) =>
    Array.from(table.querySelectorAll("tbody tr"), (tr) => tr.querySelector("td")?.textContent?.trim() ?? ""),
  );
  expect(workloads.length).toBeGreaterThan(0);
  expect(workloads.every((w) => /^[a-h] /.test(w))).toBe(true);
}

describe("the built site", () => {
  it("has every page the sidebar lists, and no page it does not", () => {
    expect(sitePages()).toEqual(configPages());
  });

  it("references no external host in any file of dist/", () => {
    const found = new Map<string, string[]>();
    for (const file of walk(dist)) {
      if (!/\.(html|js|css|json|svg|txt|map)$/.test(file)) continue;
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/(?:https?:)?\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::\d+)?/gi)) {
        const host = match[1]!.toLowerCase();
        const absolute = match[0].startsWith("http");
        // SVG/XHTML namespace names are identifiers, never fetched.
        if (
          host === "www.w3.org" ||
          (!absolute && !/(src|href)\s*=\s*["']?$/i.test(text.slice(Math.max(0, match.index! - 8), match.index)))
        )
          continue;
        found.set(host, [...(found.get(host) ?? []), relative(dist, file)]);
      }
    }
    expect(Object.fromEntries(found)).toEqual({});
  });

  it("stays under 4 MB in all (a page that bundles data or a second copy of the library would not)", () => {
    let bytes = 0;
    for (const file of walk(dist)) bytes += statSync(file).size;
    expect(bytes).toBeLessThan(4e6);
  });
});

/** GETs a path from the site's server: the status and content type. */
function httpGet(path: string): Promise<{ status: number; type: string }> {
  return new Promise((resolvePromise, reject) => {
    const url = new URL(site.origin);
    const req = request({ host: url.hostname, port: url.port, path, method: "GET" }, (res) => {
      res.resume();
      resolvePromise({ status: res.statusCode ?? 0, type: String(res.headers["content-type"] ?? "") });
    });
    req.on("error", reject);
    req.end();
  });
}

describe("scripts/serve.mjs", () => {
  const get = async (path: string) => (await httpGet(path)).status;

  it("serves pages without their .html extension and refuses paths outside dist/", async () => {
    expect(await get("/explorer")).toBe(200);
    expect(await get("/variants/grouped")).toBe(200);
    expect(await get("/no-such-page")).toBe(404);
    expect(await get("/../package.json")).toBe(404);
    expect(await get("/%2e%2e/package.json")).toBe(404);
  });
});

describe("every page in Chromium", () => {
  const expected = expectations();

  it("covers every page with expectations", () => {
    expect(Object.keys(expected).sort()).toEqual(sitePages());
  });

  for (const path of Object.keys(expected)) {
    it(`${path} loads without errors, failed or external requests, and draws what its data implies`, async () => {
      const { page, problems } = await visit(path);
      try {
        await screenshot(page, screenshotName(path));
        expect(problems).toEqual([]);
        expect(await page.locator(".observablehq--error").count()).toBe(0);
        const grids = await tensorGrids(page);
        expect(grids.map((g) => g.shape)).toEqual(expected[path]!.grids.map(key));
        for (const grid of grids) expect(grid.cells).toBe(grid.shape.split("x").reduce((a, b) => a * Number(b), 1));
        for (const [selector, text] of expected[path]!.texts)
          expect(await page.locator(selector).innerText()).toContain(text);
        for (const [selector, marks] of expected[path]!.charts ?? []) {
          const counts = await markCounts(page, selector);
          expect(counts.length, selector).toBe(marks.length);
          counts.forEach((c, i) => expect(c, `${selector} #${i}`).toMatchObject(marks[i]!));
        }
        for (const [selector, values] of expected[path]!.tables ?? [])
          expect(await tableValues(page, selector), selector).toEqual(values);
        await expected[path]!.check?.(page);
      } finally {
        await page.close();
      }
    });
  }

  it("every copied notebook report opens offline: no error, no failed or external request", async () => {
    const reports = existsSync(join(dist, "reports"))
      ? readdirSync(join(dist, "reports")).filter((f) => f.endsWith(".html"))
      : [];
    console.log(`site: ${reports.length} notebook reports in dist/reports/`);
    for (const file of reports) {
      const { page, problems } = await visit(`/reports/${file}`);
      await page.close();
      expect(problems, file).toEqual([]);
    }
    const home = await visit("/");
    const links = await home.page.$$eval("#reports a", (as) => as.map((a) => a.getAttribute("href")));
    await home.page.close();
    expect(links).toEqual(reports.map((f) => `./reports/${f}`));
  });

  it("the home page draws its first chart within 20 s of navigation", async () => {
    const { page, problems, firstChartMs } = await visit("/", { waitForChart: true });
    await page.close();
    expect(problems).toEqual([]);
    expect(firstChartMs).toBeLessThan(20_000);
  });
});

describe("no page meets a missing file", () => {
  it("every HTML file of dist/, the notebook reports included, links an icon the server serves", async () => {
    const pages = [...walk(dist)].filter((f) => f.endsWith(".html"));
    expect(pages.length).toBeGreaterThanOrEqual(configPages().length);
    const found: Record<string, string> = {};
    for (const file of pages) {
      const path = "/" + relative(dist, file).replace(/\\/g, "/");
      const link = readFileSync(file, "utf8")
        .match(/<link\b[^>]*>/gi)
        ?.find((tag) => /\brel=["']?icon\b/i.test(tag));
      const href = link && /\bhref=["']([^"']+)["']/i.exec(link)?.[1];
      if (!href) {
        found[path] = "no <link rel=icon>: the browser would ask for /favicon.ico";
        continue;
      }
      const { status, type } = await httpGet(new URL(href, site.origin + path).pathname);
      if (status !== 200 || type !== "image/svg+xml") found[path] = `${href}: HTTP ${status}, ${type}`;
    }
    expect(found).toEqual({});
  });

  it("a page's request that gets a 404 is reported as a problem, so every page test fails on one", async () => {
    const { page, problems } = await visit("/engine");
    try {
      expect(problems).toEqual([]);
      await page.evaluate(() => fetch("./no-such-file.svg").then((r) => r.status));
      await expect.poll(() => problems.join("\n"), { timeout: 5_000 }).toMatch(/^HTTP 404: .*\/no-such-file\.svg$/m);
    } finally {
      await page.close();
    }
  });
});

describe("every page at phone width (390 x 844)", () => {
  for (const path of configPages()) {
    it(`${path} loads without problems and does not scroll sideways`, async () => {
      const page = await site.context.newPage();
      try {
        await page.setViewportSize({ width: 390, height: 844 });
        const problems = await watchPage(page, site.origin);
        await page.goto(site.origin + path, { waitUntil: "load" });
        await settle(page);
        await screenshot(page, `phone-${screenshotName(path)}`);
        expect(problems).toEqual([]);
        expect(await page.locator(".observablehq--error").count()).toBe(0);
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
        }));
        expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
        expect(await page.locator("#observablehq-main h1").innerText()).not.toBe("");
      } finally {
        await page.close();
      }
    });
  }
});

/** The explorer's configuration, as its controls hold it. */
interface ExplorerConfig {
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number;
  paddingKind: "number" | "same" | "valid";
  padding: number;
  dilation: number;
  groups: number;
  paddingMode: "zeros" | "reflect" | "replicate" | "circular";
}

/** What convkit says about a configuration: its stats, or the ConvError message. */
function explorerTruth(c: ExplorerConfig): { stats: LayerStats | null; error: string | null } {
  try {
    const padding = c.paddingKind === "number" ? c.padding : c.paddingKind;
    const spec = {
      type: "Conv2d" as const,
      inChannels: c.inChannels,
      outChannels: c.outChannels,
      kernelSize: c.kernel,
      stride: c.stride,
      padding,
      dilation: c.dilation,
      groups: c.groups,
      paddingMode: c.paddingMode,
    };
    return { stats: layerStats(spec, [1, c.inChannels, c.height, c.width]), error: null };
  } catch (error) {
    if (!(error instanceof ConvError)) throw error;
    return { stats: null, error: error.message };
  }
}

/** The explorer's readout: raw values by metric, and the error message if it shows one. */
async function explorerReadout(page: Page): Promise<{ metrics: Record<string, string>; error: string | null }> {
  return page.$eval("#explorer-readout", (el) => ({
    metrics: Object.fromEntries(
      Array.from(el.querySelectorAll<HTMLElement>("[data-metric]"), (td) => [td.dataset.metric!, td.dataset.value!]),
    ),
    error: el.querySelector(".convkit-error-message")?.textContent ?? null,
  }));
}

function expectedReadout(c: ExplorerConfig): { metrics: Record<string, string>; error: string | null } {
  const { stats, error } = explorerTruth(c);
  if (!stats) return { metrics: {}, error };
  return {
    metrics: {
      "output-shape": stats.outputShape.join(","),
      params: String(stats.params.total),
      macs: String(stats.macs),
      flops: String(stats.flops),
      memory: String(stats.memory.totalBytes),
      intensity: String(stats.arithmeticIntensity),
    },
    error: null,
  };
}

async function setControl(page: Page, name: string, value: number | string): Promise<void> {
  const form = page.locator(`#control-${name}`);
  if (await form.locator("select").count()) await form.locator("select").selectOption({ label: String(value) });
  else if (await form.locator("input[type=radio]").count())
    await form
      .locator("label", { hasText: String(value) })
      .locator("input")
      .check();
  else await form.locator("input[type=number]").fill(String(value));
}

describe("the explorer", () => {
  const defaults: ExplorerConfig = {
    height: 7,
    width: 7,
    inChannels: 4,
    outChannels: 8,
    kernel: 3,
    stride: 1,
    paddingKind: "number",
    padding: 1,
    dilation: 1,
    groups: 1,
    paddingMode: "zeros",
  };

  it("moving the groups control changes the params readout to convkit's value", async () => {
    const { page, problems } = await visit("/explorer");
    try {
      expect(await explorerReadout(page)).toEqual(expectedReadout(defaults));
      for (const groups of [2, 4]) {
        await setControl(page, "groups", groups === 4 ? "4 (depthwise)" : groups);
        const want = explorerTruth({ ...defaults, groups }).stats!.params.total;
        await expect
          .poll(async () => (await explorerReadout(page)).metrics.params, { timeout: 5_000 })
          .toBe(String(want));
      }
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("answers every control with convkit's numbers, or its error message for an impossible configuration", async () => {
    const steps: [control: string, value: number | string, change: Partial<ExplorerConfig>][] = [
      ["height", 12, { height: 12 }],
      ["width", 9, { width: 9 }],
      ["in-channels", 6, { inChannels: 6 }],
      ["out-channels", 12, { outChannels: 12 }],
      ["groups", 3, { groups: 3 }],
      ["kernel", 5, { kernel: 5 }],
      ["stride", 2, { stride: 2 }],
      ["dilation", 2, { dilation: 2 }],
      ["padding", 3, { padding: 3 }],
      ["padding-mode", "reflect", { paddingMode: "reflect" }],
      ["padding-kind", "valid", { paddingKind: "valid" }],
      ["padding-kind", "same", { paddingKind: "same" }], // stride 2: refused
      ["stride", 1, { stride: 1 }],
      ["padding-mode", "circular", { paddingMode: "circular" }],
      ["padding-kind", "number", { paddingKind: "number" }],
      ["height", 2, { height: 2 }], // circular padding 3 > input height 2: refused
      ["padding-mode", "replicate", { paddingMode: "replicate" }], // dilated kernel 9 > padded height 2 + 6: refused
      ["kernel", 3, { kernel: 3 }], // dilated kernel 5 fits
    ];
    const { page, problems } = await visit("/explorer");
    let config = { ...defaults };
    let errors = 0;
    try {
      for (const [control, value, change] of steps) {
        await setControl(page, control, value);
        config = { ...config, ...change };
        const want = expectedReadout(config);
        if (want.error) errors++;
        await expect
          .poll(() => explorerReadout(page), { timeout: 5_000, message: `after ${control} = ${value}` })
          .toEqual(want);
        await expect
          .poll(() => page.locator('svg[data-chart="footprint"]').count(), {
            timeout: 5_000,
            message: `footprint after ${control} = ${value}`,
          })
          .toBe(want.error ? 0 : 1);
      }
      expect(errors).toBe(3);
      expect(await page.locator(".observablehq--error").count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("fills the taps of the selected output cell, in the padding where they fall there", async () => {
    const { page, problems } = await visit("/explorer");
    try {
      await setControl(page, "out-row", 0);
      await setControl(page, "out-col", 0);
      // Output (0, 0), k = 3, padding 1: taps at rows and columns -1..1; 5 fall in the padding.
      const taps = () =>
        page.$eval('svg[data-chart="footprint"]', (svg) => {
          const [padded, interior] = Array.from(svg.querySelectorAll('g[aria-label="rect"]'));
          const filled = (g: Element | undefined, colors: string[]) =>
            Array.from(g?.querySelectorAll("rect") ?? []).filter((r) => colors.includes(r.getAttribute("fill") ?? ""))
              .length;
          return { padded: filled(padded, ["#9fb3e6"]), interior: filled(interior, ["#4269d0"]) };
        });
      await expect.poll(taps, { timeout: 5_000 }).toEqual({ padded: 5, interior: 4 });
      await setControl(page, "out-row", 3);
      await setControl(page, "out-col", 3);
      await expect.poll(taps, { timeout: 5_000 }).toEqual({ padded: 0, interior: 9 });
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe("the other interactive pages", () => {
  it("receptive field: each preset reaches the published size, and an unreadable line shows an error", async () => {
    const { page, problems } = await visit("/receptive-field");
    const shown = () => page.$eval("#rf-summary strong", (el) => Number((el as HTMLElement).dataset.value));
    const stackText = () => page.locator("#control-stack textarea").inputValue();
    try {
      // Published sizes: VGG-16 after pool5 212, WaveNet k=2 d=1..512 1,024.
      for (const [preset, published] of [
        ["VGG-16", 212],
        ["WaveNet (k=2, d=1..512)", 1024],
        ["dilated 2^i", null],
      ] as const) {
        const before = await stackText();
        await setControl(page, "preset", preset);
        await expect.poll(stackText, { timeout: 5_000 }).not.toBe(before);
        const stack = (await stackText())
          .trim()
          .split("\n")
          .map((line) => {
            const [kernelSize, stride = 1, dilation = 1, padding = 0] = line.trim().split(/\s+/).map(Number);
            return { kernelSize: kernelSize!, stride, dilation, padding };
          });
        const want = receptiveFieldOfStack(stack).at(-1)!.size;
        if (published !== null) expect(want).toBe(published);
        await expect.poll(shown, { timeout: 5_000, message: preset }).toBe(want);
      }
      await page.locator("#control-stack textarea").fill("3 1 1 1\n3 x 1");
      await expect
        .poll(() => page.locator(".convkit-error-message").textContent(), { timeout: 5_000 })
        .toContain('stack: line 2: expected "kernel');
      expect(await page.locator(".observablehq--error").count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("networks: MobileNetV1's totals and a tool's convention match convkit's summary", async () => {
    const { page, problems } = await visit("/networks");
    const totals = () => tableValues(page, "#model-totals");
    try {
      const mobilenet = exampleModel("mobilenet-v1.json");
      const exact = summary(mobilenet.layers, mobilenet.inputShape);
      expect([exact.totals.params, exact.totals.macs]).toEqual([4_210_088, 568_740_352]); // the published figures
      await setControl(page, "model", mobilenet.name);
      await expect
        .poll(totals, { timeout: 5_000 })
        .toEqual([{ params: exact.totals.params }, { macs: exact.totals.macs }, { flops: exact.totals.flops }]);
      const small = exampleModel("small-cnn.json");
      const torchinfo = summary(small.layers, small.inputShape, { convention: "torchinfo" });
      await setControl(page, "model", small.name);
      await setControl(page, "convention", "torchinfo: Mult-Adds (torchinfo)");
      await expect
        .poll(totals, { timeout: 5_000 })
        .toEqual([
          { params: torchinfo.totals.params },
          { macs: torchinfo.totals.macs },
          { flops: torchinfo.totals.flops },
          { count: torchinfo.totals.count },
        ]);
      const rows = await tableValues(page, "#model-rows");
      expect(rows).toEqual(torchinfo.rows.map((r) => ({ params: r.params, macs: r.macs, count: r.count })));
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("dilated: a dilation whose kernel no longer fits shows convkit's error instead of a result", async () => {
    const { page, problems } = await visit("/variants/dilated");
    try {
      await setControl(page, "dilation", 3); // k_eff = 7 > 5
      let message = "";
      try {
        new Conv2d(4, 10, 3, { dilation: 3 }).forward(zeros([4, 5, 5]));
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^conv2d: kernel size \(dilated\) 7/);
      await expect.poll(() => page.locator(".convkit-error-message").textContent(), { timeout: 5_000 }).toBe(message);
      expect(await page.locator("#dilated-readout").count()).toBe(0);
      expect(await page.locator(".observablehq--error").count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("cost charts: the groups table follows the channel controls, one row per common divisor", async () => {
    const { page, problems } = await visit("/cost-charts");
    try {
      await setControl(page, "in-channels", 96);
      await setControl(page, "out-channels", 48);
      await setControl(page, "kernel", 5);
      const points = costVsGroups({ inChannels: 96, outChannels: 48, kernelSize: 5, inputSize: 56, padding: 1 });
      expect(points.map((p) => p.groups)).toEqual([1, 2, 3, 4, 6, 8, 12, 16, 24, 48]);
      await expect
        .poll(() => tableValues(page, "#groups-table"), { timeout: 5_000 })
        .toEqual(points.map((p) => ({ params: p.params, macs: p.macs, "stats-macs": p.macs })));
      expect(await markCounts(page, 'svg[data-chart="cost-vs-groups"]')).toMatchObject([linesOf(points.length, 2)]);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
