/**
 * SVG snapshot testing of charts, as Observable Plot tests its own: the chart's markup,
 * normalized (numbers rounded to 3 decimals, generated ids renamed: normalizeSvg, the same the
 * notebook check uses), one element per line, compared with test/snapshots/NAME.svg (or .html for
 * a multi-panel chart). A missing snapshot is written; UPDATE_SNAPSHOTS=1 rewrites them all.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseHTML } from "linkedom";
import { expect } from "vitest";
import type { Chart } from "../src/charts/index.js";
import { normalizeSvg } from "../scripts/notebook-runner.mjs";

/** A server-side document for Plot's `document` option. */
export const { document } = parseHTML("<!doctype html><html><body></body></html>") as unknown as { document: Document };

const SNAPSHOTS = join(import.meta.dirname, "snapshots");
const UPDATE = process.env.UPDATE_SNAPSHOTS === "1";

/** The chart's markup as stored: normalized, one element per line, xmlns added so the file opens. */
function serialize(chart: Chart): string {
  let markup = normalizeSvg(chart.outerHTML).replace(/></g, ">\n<");
  if (markup.startsWith("<svg")) markup = markup.replace(/^<svg/, `<svg xmlns="http://www.w3.org/2000/svg"`);
  return `${markup}\n`;
}

export function expectSnapshot(name: string, chart: Chart): void {
  const actual = serialize(chart);
  const file = join(SNAPSHOTS, `${name}.${chart.tagName.toLowerCase() === "svg" ? "svg" : "html"}`);
  if (UPDATE || !existsSync(file)) {
    mkdirSync(SNAPSHOTS, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  expect(actual, `${file} differs; if the change is intended, run with UPDATE_SNAPSHOTS=1 and look at the file`).toBe(
    readFileSync(file, "utf8"),
  );
}

/** How many elements of the chart match `selector` (marks counted against their data). */
export const count = (chart: Chart, selector: string) => chart.querySelectorAll(selector).length;
