/**
 * Channel reach as a matrix: one row per output channel of a stack, one column per input channel,
 * a filled cell where the input can influence the output (channelReach). A grouped conv gives a
 * block diagonal; a shuffle or alternating group counts fill the matrix.
 */
import * as Plot from "@observablehq/plot";
import { checkChartOptions, plotChart, type Chart, type ChartOptions } from "./chart-options.js";
import { channelReach, type ChannelStage } from "./channel-connectivity.js";

/** The reach matrix of a channel stack (see channelReach) as a grid of cells. */
export function channelReachMatrix(stages: readonly ChannelStage[], options: ChartOptions = {}): Chart {
  options = checkChartOptions("channelReachMatrix", options, []);
  const reach = channelReach(stages, "channelReachMatrix");
  const inputs = reach[0]!.length;
  const outputs = reach.length;
  const cells = reach.flatMap((row, output) => row.map((reaches, input) => ({ input, output, reaches })));
  const size = 22;
  return plotChart(
    {
      width: 60 + size * inputs,
      height: 70 + size * outputs,
      marginLeft: 40,
      marginTop: 40,
      x: { type: "band", domain: range(inputs), axis: "top", label: "input channel", tickSize: 0 },
      y: { type: "band", domain: range(outputs), label: "output channel", tickSize: 0 },
      color: { domain: [false, true], range: ["#f1f1f1", "#4269d0"] },
      marks: [
        Plot.cell(cells, {
          x: "input",
          y: "output",
          fill: "reaches",
          inset: 1,
          title: (d: { input: number; output: number; reaches: boolean }) =>
            `input ${d.input} ${d.reaches ? "reaches" : "does not reach"} output ${d.output}`,
        }),
      ],
    },
    options,
  );
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
