// A tensor (C, H, W) drawn as one grid of cells per channel, values written in small grids.
import * as Plot from "@observablehq/plot";

/**
 * tensorGrid(tensor, {label, width, document, ...}) -> svg. One Plot cell per element (so a
 * (C, H, W) tensor draws C x H x W cells), channels side by side, a diverging colour around 0.
 */
export function tensorGrid(
  tensor,
  { label = "channel", width = 640, maxCell = 34, digits = 2, text = true, ...options } = {},
) {
  const [channels, height, widthCells] = tensor.rank === 3 ? tensor.shape : [1, ...tensor.shape];
  const data = Array.from(tensor.data, (value, index) => ({
    channel: Math.floor(index / (height * widthCells)),
    row: Math.floor(index / widthCells) % height,
    col: index % widthCells,
    value,
  }));
  const cell = Math.max(8, Math.min(maxCell, Math.floor((width - 20) / (channels * (widthCells + 1)))));
  const extent = Math.max(1e-6, ...data.map((d) => Math.abs(d.value)));
  const svg = Plot.plot({
    width: Math.min(width, channels * (widthCells + 1) * cell + 20),
    height: height * cell + 48,
    marginTop: 40,
    marginLeft: 10,
    marginRight: 10,
    marginBottom: 8,
    padding: 0,
    fx: { axis: "top", label, labelAnchor: "left", labelOffset: 32, tickSize: 0, padding: 1 / (widthCells + 1) },
    x: { axis: null },
    y: { axis: null },
    color: { type: "diverging", scheme: "BuRd", domain: [-extent, extent] },
    marks: [
      Plot.cell(data, {
        fx: "channel",
        x: "col",
        y: "row",
        fill: "value",
        inset: 0.5,
        title: (d) => `channel ${d.channel}, row ${d.row}, col ${d.col}: ${d.value.toFixed(4)}`,
      }),
      text && cell >= 26
        ? Plot.text(data, {
            fx: "channel",
            x: "col",
            y: "row",
            text: (d) => d.value.toFixed(digits),
            fontSize: 8,
            fill: "black",
            stroke: "white",
            strokeWidth: 2,
          })
        : null,
    ],
    ...options,
  });
  // Marks for the browser tests: the chart draws one cell per element of this shape.
  svg.setAttribute("data-chart", "tensor-grid");
  svg.setAttribute("data-shape", tensor.shape.join("x"));
  return svg;
}
