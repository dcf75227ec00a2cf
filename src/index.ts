/**
 * convkit: typed convolutions exact to PyTorch, and the arithmetic that explains them.
 *
 * This file only re-exports the public API. Modules that also hold internal helpers (argument
 * checks, shape copies, registry plumbing) are re-exported by name, so those helpers stay out of
 * the package: everything listed here is documented on the API page and covered by the
 * hostile-input suite (test/hostile.test.ts enumerates these exports).
 */
export { ConvError, formatShape } from "./core/errors.js";
export * from "./core/format.js";
export {
  AVG_POOL_OPTION_KEYS,
  CONV_OPTION_KEYS,
  CONV_TRANSPOSE_OPTION_KEYS,
  convInfo,
  convOutputSize,
  convTransposeInfo,
  convTransposeOutputSize,
  effectiveKernelSize,
  MAX_ALLOCATED_ELEMENTS,
  MAX_ELEMENTS,
  MAX_POOL_OPTION_KEYS,
  numel,
  PADDING_MODES,
  poolInfo,
  poolOutputSize,
  samePadding,
  type ConvInfo,
  type ConvOptions,
  type ConvTransposeOptions,
  type PaddingArg,
  type PaddingMode,
  type PaddingString,
  type PoolInfo,
  type PoolOptions,
  type SizeArg,
  type SpatialRank,
  type Tuple,
} from "./core/arithmetic.js";
export {
  allClose,
  arange,
  cat,
  full,
  maxAbsDiff,
  mulberry32,
  ones,
  rand,
  randn,
  stridesOf,
  Tensor,
  tensor,
  zeros,
  type NestedArray,
  type RandomOptions,
} from "./core/tensor.js";
export * from "./kernels/backend.js";
export { threadsReady } from "./kernels/wasm-threads.js";
export * from "./ops/conv.js";
export { disposeWasm, inWasm, toWasm, wasmResidentBytes } from "./kernels/wasm-tensors.js";
export * from "./ops/pad.js";
export * from "./ops/pool.js";
// Every layer family (src/nn/*.ts, gathered by layers.ts): a new layer type needs no line here.
export * from "./nn/layers.js";
export * from "./ops/functional.js";
export {
  buildLayer,
  layerSpec,
  MAX_LAYERS,
  MAX_NESTING,
  resolveLayer,
  resolveModel,
  resolveSpec,
  type AdaptiveAvgPool2dSpec,
  type AvgPoolSpec,
  type BatchNorm2dSpec,
  type ChannelShuffleSpec,
  type ConvSpec,
  type ConvTransposeSpec,
  type DepthwiseConv2dSpec,
  type FlattenSpec,
  type GroupedSeparableConv2dSpec,
  type LayerSpec,
  type LayerType,
  type LinearSpec,
  type MaxPoolSpec,
  type ModelInput,
  type PointwiseConv2dSpec,
  type ReLUSpec,
  type ResolvedLayer,
  type SeparableConv2dSpec,
  type SequentialSpec,
} from "./nn/layer-spec.js";
export {
  BYTES_PER_VALUE,
  CONVENTIONS,
  countIn,
  COUNTING_CONVENTIONS,
  layerStats,
  resolvedLayerStats,
  type Convention,
  type ConventionInfo,
  type LayerStats,
  type LayerWindow,
} from "./analysis/cost.js";
export * from "./analysis/receptive-field.js";
export * from "./analysis/summary.js";
export * from "./nn/model-json.js";
export * from "./analysis/closed-forms.js";
export * from "./analysis/tutorial-table.js";
export * from "./analysis/latency.js";
