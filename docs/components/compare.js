// A layer's cost beside a baseline (usually the regular convolution): a table and cost bars, every
// number from convkit's layerStats, the bars from convkit/charts.
import { formatShape, layerStats } from "convkit";
import { costBars } from "convkit/charts";
import { el } from "./dom.js";
import { formatInt } from "./format.js";

/**
 * costComparison([{name, layer, input}, ...], {width}) -> element. `layer` is a convkit module or
 * layer spec, `input` its input shape; the first row is the baseline the others are divided by.
 */
export function costComparison(rows, { width = 640, id } = {}) {
  const measured = rows.map((row) => ({ ...row, stats: layerStats(row.layer, row.input) }));
  const base = measured[0];
  const ratio = (a, b) => (b === 0 ? "-" : (a / b).toFixed(3));
  const cell = (metric, raw, text) =>
    el("td", { class: "num", "data-metric": metric, "data-value": String(raw) }, text);
  const table = el(
    "table",
    { class: "readout cost-table" },
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        ["", "input", "output", "parameters", "MACs", `params / ${base.name}`, `MACs / ${base.name}`].map((h) =>
          el("th", {}, h),
        ),
      ),
    ),
    el(
      "tbody",
      {},
      measured.map(({ name, input, stats }) =>
        el(
          "tr",
          { "data-row": name },
          el("th", {}, name),
          el("td", {}, formatShape(input)),
          el("td", {}, formatShape(stats.outputShape)),
          cell("params", stats.params.total, formatInt(stats.params.total)),
          cell("macs", stats.macs, formatInt(stats.macs)),
          el("td", { class: "num" }, ratio(stats.params.total, base.stats.params.total)),
          el("td", { class: "num" }, ratio(stats.macs, base.stats.macs)),
        ),
      ),
    ),
  );
  const bars = costBars(
    measured.map(({ name, stats }) => ({ name, params: stats.params.total, macs: stats.macs })),
    { baseline: base.name, width: Math.max(280, Math.min(440, (width - 20) / 2)) },
  );
  bars.setAttribute("data-chart", "cost-bars");
  return el("div", { class: "cost-comparison", ...(id ? { id } : {}) }, table, bars);
}
