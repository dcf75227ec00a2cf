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
export {
  AdaptiveAvgPool2d,
  AvgPool1d,
  AvgPool2d,
  AvgPool3d,
  BatchNorm2d,
  ChannelShuffle,
  Conv1d,
  Conv2d,
  Conv3d,
  ConvNd,
  ConvTranspose1d,
  ConvTranspose2d,
  ConvTranspose3d,
  ConvTransposeNd,
  DepthwiseConv2d,
  Flatten,
  GroupedSeparableConv2d,
  Identity,
  LAYER_DEFINITIONS,
  LAYER_TYPES,
  Linear,
  manualSeed,
  MaxPool1d,
  MaxPool2d,
  MaxPool3d,
  Module,
  NamedSequential,
  PointwiseConv2d,
  PoolNd,
  ReLU,
  SeparableConv2d,
  Sequential,
  type BatchNormLayerOptions,
  type ConvLayerOptions,
  type ConvTransposeLayerOptions,
  type IdentitySpec,
  type LinearLayerOptions,
  type ResolvedBatchNorm,
  type ResolvedConv,
  type ResolvedLinear,
  type ResolvedPool,
} from "./nn/layers.js";
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
