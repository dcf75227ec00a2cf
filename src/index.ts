/** convkit: typed convolutions exact to PyTorch, and the arithmetic that explains them. */
export * from "./errors.js";
export * from "./arithmetic.js";
export * from "./tensor.js";
export * from "./backend.js";
export { threadsReady } from "./kernels/wasm-threads.js";
export * from "./conv.js";
export * from "./pad.js";
export * from "./pool.js";
export * from "./layers.js";
export * from "./functional.js";
export * from "./layer-spec.js";
export * from "./cost.js";
export * from "./receptive-field.js";
export * from "./summary.js";
export * from "./model-json.js";
export * from "./closed-forms.js";
export * from "./tutorial-table.js";
export * from "./latency.js";
