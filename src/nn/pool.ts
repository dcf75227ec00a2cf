/**
 * Pooling layers, like torch.nn: MaxPool1d/2d/3d and AvgPool1d/2d/3d (one definition per family,
 * made for each rank), and AdaptiveAvgPool2d. Each is registered with its spec, cost and window.
 */
import {
  AVG_POOL_OPTION_KEYS,
  effectiveKernelSize,
  expandSize,
  MAX_POOL_OPTION_KEYS,
  numel,
  poolInfo,
  type PoolOptions,
  type SizeArg,
  type SpatialRank,
} from "../core/arithmetic.js";
import { checkBoolean, checkOptions } from "../core/validate.js";
import type { Tensor } from "../core/tensor.js";
import { adaptiveAvgPool2d, adaptivePoolInfo, adaptivePoolWindow, type AdaptiveSize } from "../ops/functional.js";
import {
  avgPool1d,
  avgPool2d,
  avgPool3d,
  maxPool1d,
  maxPool2d,
  maxPool3d,
  type AvgPoolOptions,
  type MaxPoolOptions,
} from "../ops/pool.js";
import { statsOf, type LayerStats } from "../analysis/layer-stats.js";
import { Module } from "./module.js";
import { defineLayer, optionsOf, specFields, type SpecBase, type SpecFields } from "./registry.js";

export type MaxPoolSpec = SpecBase & { type: "MaxPool1d" | "MaxPool2d" | "MaxPool3d" } & SpecFields<PoolOptions>;
export type AvgPoolSpec = SpecBase & { type: "AvgPool1d" | "AvgPool2d" | "AvgPool3d" } & SpecFields<
    AvgPoolOptions<SpatialRank>
  >;
export type AdaptiveAvgPool2dSpec = SpecBase & { type: "AdaptiveAvgPool2d"; outputSize: AdaptiveSize<2> };

/** A pooling spec or layer validated and normalized: sizes per dimension, defaults filled in. */
export interface ResolvedPool {
  rank: SpatialRank;
  max: boolean;
  options: { kernelSize: number[]; stride: number[]; padding: number[]; dilation: number[]; ceilMode: boolean };
  /** Average pooling only: whether padded zeros count in the divisor. */
  countIncludePad?: boolean;
}

function resolvePool(op: string, rank: SpatialRank, max: boolean, s: Record<string, unknown>): ResolvedPool {
  const kernelSize = expandSize(op, "kernelSize", s.kernelSize, rank);
  const stride =
    s.stride === undefined || s.stride === null ? kernelSize.slice() : expandSize(op, "stride", s.stride, rank);
  // Only stride may be null (PyTorch's stride=None: the kernel size); a null padding is refused, as in PyTorch.
  const padding = expandSize(op, "padding", s.padding === undefined ? 0 : s.padding, rank, { min: 0 });
  const ceilMode = checkBoolean(op, "ceilMode", s.ceilMode === undefined ? false : s.ceilMode);
  if (max) {
    const dilation = expandSize(op, "dilation", s.dilation === undefined ? 1 : s.dilation, rank);
    return { rank, max, options: { kernelSize, stride, padding, dilation, ceilMode } };
  }
  const countIncludePad = checkBoolean(
    op,
    "countIncludePad",
    s.countIncludePad === undefined ? true : s.countIncludePad,
  );
  return {
    rank,
    max,
    options: { kernelSize, stride, padding, dilation: kernelSize.map(() => 1), ceilMode },
    countIncludePad,
  };
}

/** Pooling layers: options as the functional ops take them (stride defaults to the kernel). */
export abstract class PoolNd<R extends SpatialRank, O> extends Module {
  readonly rank: R;
  readonly options: O & { kernelSize: SizeArg<R> };
  constructor(op: string, rank: R, max: boolean, kernelSize: SizeArg<R>, options: O = {} as O) {
    super();
    const keys = ((max ? MAX_POOL_OPTION_KEYS : AVG_POOL_OPTION_KEYS) as readonly string[]).filter(
      (k) => k !== "kernelSize",
    );
    checkOptions(op, options as object, keys);
    this.rank = rank;
    // A null stride (the kernel size) is kept as no stride, so the layer equals one built without it.
    const { stride, ...rest } = options as { stride?: unknown };
    this.options = { ...(stride === null ? rest : options), kernelSize } as O & { kernelSize: SizeArg<R> };
    resolvePool(op, rank, max, specFields(this.options)); // the same checks as the layer's spec, at construction
  }
}

type PoolOp<O> = (x: Tensor, options: O) => Tensor;

/** The base class of a max pooling layer of one rank: MaxPool1d, MaxPool2d and MaxPool3d below extend it. */
function maxPoolClass<R extends SpatialRank>(rank: R, type: string, run: PoolOp<MaxPoolOptions<R>>) {
  const Layer = class extends PoolNd<R, Omit<MaxPoolOptions<R>, "kernelSize">> {
    /** The type name, which specs use: the class\'s own name does not survive minification. */
    static readonly layerType = type;
    readonly type: string = type;
    constructor(kernelSize: SizeArg<R>, options: Omit<MaxPoolOptions<R>, "kernelSize"> = {}) {
      super(type, rank, true, kernelSize, options);
    }
    forward(x: Tensor): Tensor {
      return run(x, this.options as MaxPoolOptions<R>);
    }
  };
  return Layer;
}

/** The base class of an average pooling layer of one rank: AvgPool1d, AvgPool2d and AvgPool3d below extend it. */
function avgPoolClass<R extends SpatialRank>(rank: R, type: string, run: PoolOp<AvgPoolOptions<R>>) {
  const Layer = class extends PoolNd<R, Omit<AvgPoolOptions<R>, "kernelSize">> {
    /** The type name, which specs use: the class\'s own name does not survive minification. */
    static readonly layerType = type;
    readonly type: string = type;
    constructor(kernelSize: SizeArg<R>, options: Omit<AvgPoolOptions<R>, "kernelSize"> = {}) {
      super(type, rank, false, kernelSize, options);
    }
    forward(x: Tensor): Tensor {
      return run(x, this.options as AvgPoolOptions<R>);
    }
  };
  return Layer;
}

export class MaxPool1d extends maxPoolClass(1, "MaxPool1d", maxPool1d) {}
export class MaxPool2d extends maxPoolClass(2, "MaxPool2d", maxPool2d) {}
export class MaxPool3d extends maxPoolClass(3, "MaxPool3d", maxPool3d) {}
export class AvgPool1d extends avgPoolClass(1, "AvgPool1d", avgPool1d) {}
export class AvgPool2d extends avgPoolClass(2, "AvgPool2d", avgPool2d) {}
export class AvgPool3d extends avgPoolClass(3, "AvgPool3d", avgPool3d) {}

/** Average pooling to a fixed output size, like torch.nn.AdaptiveAvgPool2d (e.g. 1 for global pooling). */
export class AdaptiveAvgPool2d extends Module {
  readonly type: string = "AdaptiveAvgPool2d";
  constructor(readonly outputSize: AdaptiveSize<2>) {
    super();
    adaptivePoolInfo("AdaptiveAvgPool2d", 2, [1, 1, 1], outputSize); // validates outputSize alone
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}

/** Sum over output positions of the input positions a pooling window reads, along one dimension. */
function tapsAlong(
  size: number,
  outSize: number,
  kernel: number,
  stride: number,
  padding: number,
  dilation: number,
): number {
  let taps = 0;
  for (let o = 0; o < outSize; o++) {
    const start = o * stride - padding;
    for (let j = 0; j < kernel; j++) {
      const at = start + j * dilation;
      if (at >= 0 && at < size) taps++;
    }
  }
  return taps;
}

/** Cost of max or average pooling: comparisons, or additions and one division, per window. */
function poolStats(layer: ResolvedPool, inputShape: readonly number[], type: string): LayerStats {
  const info = poolInfo(type, layer.rank, inputShape, layer.options as unknown as PoolOptions);
  const planes = info.batch * info.channels;
  let reads = planes;
  info.inSize.forEach((size, i) => {
    reads *= tapsAlong(
      size,
      info.outSize[i]!,
      info.kernelSize[i]!,
      info.stride[i]!,
      info.padding[i]!,
      info.dilation[i]!,
    );
  });
  const outputs = numel(info.outputShape);
  return statsOf(type, inputShape, info.outputShape, {
    // max: k - 1 comparisons per window of k values; average: k - 1 additions and one division.
    otherOps: layer.max ? reads - outputs : reads,
    counts: {
      thop: layer.max ? 0 : info.batch * info.channels * numel(info.outSize),
      ptflops: info.batch * info.channels * numel(info.inSize),
    },
    window: {
      kind: "sliding",
      kernel: info.kernelSize.map((k, i) => effectiveKernelSize(k, info.dilation[i]!)),
      stride: info.stride.slice(),
      padding: info.padding.slice(),
      transposed: false,
      exact: true,
    },
  });
}

function adaptiveStats(outputSize: AdaptiveSize<2>, inputShape: readonly number[], type: string): LayerStats {
  const info = adaptivePoolInfo(type, 2, inputShape, outputSize);
  const planes = info.batch * info.channels;
  let reads = planes;
  const kernel: number[] = [];
  info.inSize.forEach((size, d) => {
    const out = info.outSize[d]!;
    let sum = 0;
    let widest = 0;
    for (let i = 0; i < out; i++) {
      const [start, end] = adaptivePoolWindow(i, size, out);
      sum += end - start;
      widest = Math.max(widest, end - start);
    }
    reads *= sum;
    kernel.push(widest);
  });
  const outputs = planes * numel(info.outSize);
  const exact = info.inSize.every((size, d) => size % info.outSize[d]! === 0);
  // thop: kernel = in / out per dimension as a float, ops = int((prod(kernel) + 1) x output elements).
  const thopKernel = info.inSize.reduce((p, size, d) => p * (size / info.outSize[d]!), 1);
  return statsOf(type, inputShape, info.outputShape, {
    otherOps: reads, // additions and one division per output
    counts: {
      thop: Math.trunc((thopKernel + 1) * outputs),
      fvcore: planes * numel(info.inSize),
      ptflops: planes * numel(info.inSize),
    },
    window: {
      kind: "sliding",
      kernel: exact ? info.inSize.map((size, d) => size / info.outSize[d]!) : kernel,
      stride: info.inSize.map((size, d) => size / info.outSize[d]!),
      padding: info.inSize.map(() => 0),
      transposed: false,
      exact,
    },
  });
}

function poolFamily<R extends SpatialRank>(
  rank: R,
  max: boolean,
  Layer: ReturnType<typeof maxPoolClass<R>> | ReturnType<typeof avgPoolClass<R>>,
) {
  const type = Layer.layerType as (MaxPoolSpec | AvgPoolSpec)["type"];
  return defineLayer({
    type,
    module: Layer as abstract new (...args: never[]) => PoolNd<R, object>,
    required: ["kernelSize"],
    optional: ((max ? MAX_POOL_OPTION_KEYS : AVG_POOL_OPTION_KEYS) as readonly string[]).filter(
      (k) => k !== "kernelSize",
    ),
    resolve: (spec: MaxPoolSpec | AvgPoolSpec) => resolvePool(type, rank, max, specFields(spec)),
    stats: poolStats,
    build: (spec) => {
      const { kernelSize, ...options } = optionsOf(spec);
      return new (Layer as ReturnType<typeof maxPoolClass<R>>)(kernelSize as SizeArg<R>, options as MaxPoolOptions<R>);
    },
    toSpec: (layer) => ({ type, ...(layer.options as object) }) as MaxPoolSpec | AvgPoolSpec,
  });
}

export const poolLayers = [
  poolFamily(1, true, MaxPool1d),
  poolFamily(2, true, MaxPool2d),
  poolFamily(3, true, MaxPool3d),
  poolFamily(1, false, AvgPool1d),
  poolFamily(2, false, AvgPool2d),
  poolFamily(3, false, AvgPool3d),
  defineLayer({
    type: "AdaptiveAvgPool2d" as const,
    module: AdaptiveAvgPool2d,
    required: ["outputSize"],
    optional: [],
    resolve: (spec: AdaptiveAvgPool2dSpec) => {
      adaptivePoolInfo("AdaptiveAvgPool2d", 2, [1, 1, 1], spec.outputSize); // the constructor's check of outputSize
      return spec.outputSize;
    },
    stats: adaptiveStats,
    build: (spec) => new AdaptiveAvgPool2d(spec.outputSize),
    toSpec: (layer): AdaptiveAvgPool2dSpec => ({ type: "AdaptiveAvgPool2d", outputSize: layer.outputSize }),
  }),
] as const;
