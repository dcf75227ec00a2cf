/**
 * convkit/charts: Observable Plot charts shared by the notebooks and the site. Every chart is a
 * pure function `(data, options) => SVG or HTML element`; pass `document` to render in Node.
 */
export {
  MAX_CHART_SIZE,
  MIN_CHART_WIDTH,
  panels,
  PLOT_OPTION_KEYS,
  plotChart,
  type Chart,
  type ChartOptions,
} from "./chart-options.js";
export * from "./channel-connectivity.js";
export * from "./channel-reach.js";
export * from "./cost-bars.js";
export * from "./cost-lines.js";
export * from "./receptive-field-growth.js";
export * from "./kernel-footprint.js";
export * from "./latency-scatter.js";
