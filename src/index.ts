/** convkit: typed convolutions exact to PyTorch, and the arithmetic that explains them. */
export * from "./errors.js";
export * from "./arithmetic.js";
export * from "./tensor.js";
export * from "./backend.js";
export * from "./conv.js";
export * from "./pad.js";
export * from "./pool.js";
export * from "./layers.js";
