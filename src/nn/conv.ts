/**
 * Convolution layers, like torch.nn: Conv1d/2d/3d and ConvTranspose1d/2d/3d (one definition per
 * family, made for each rank), and the 2-D variants of efficient networks (depthwise, pointwise,
 * depthwise-separable, grouped separable). Each is registered with its spec, cost and window.
 */
import {
  checkDivisibleByGroups,
  checkOutputPadding,
  checkPadding,
  checkPaddingMode,
  convInfo,
  convTransposeInfo,
  CONV_OPTION_KEYS,
  CONV_TRANSPOSE_OPTION_KEYS,
  effectiveKernelSize,
  expandSize,
  numel,
  type ConvOptions,
  type ConvTransposeOptions,
  type PaddingMode,
  type PaddingString,
  type SizeArg,
  type SpatialRank,
  type Tuple,
} from "../core/arithmetic.js";
import { checkBoolean, checkOptions, checkPositiveInteger } from "../core/validate.js";
import type { Tensor } from "../core/tensor.js";
import { conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d } from "../ops/conv.js";
import { statsOf, type LayerStats } from "../analysis/layer-stats.js";
import { checkParameterSize, childSeed, initialStream, Module, uniform } from "./module.js";
import { checkSeed } from "../core/tensor.js";
import {
  defineLayer,
  specFields,
  type CompositeParts,
  type ResolvedLayer,
  type SpecBase,
  optionsOf,
  seeded,
  type SpecFields,
  withPart,
} from "./registry.js";

/** Options of the convolution layers: the functional op's, plus a bias switch and a seed. */
export interface ConvLayerOptions<R extends SpatialRank> extends ConvOptions<R> {
  /** Add a learnable bias (default true). */
  bias?: boolean;
  /** Seed for this layer's initial weights; without it, the global stream (manualSeed). */
  seed?: number;
}
export interface ConvTransposeLayerOptions<R extends SpatialRank> extends ConvTransposeOptions<R> {
  bias?: boolean;
  seed?: number;
}
const CONV_LAYER_OPTION_KEYS = [...CONV_OPTION_KEYS, "bias", "seed"] as const;
const CONV_TRANSPOSE_LAYER_OPTION_KEYS = [...CONV_TRANSPOSE_OPTION_KEYS, "bias", "seed"] as const;
/** A spec takes a layer's options except its seed (buildLayer's argument). */
const specKeys = (keys: readonly string[]) => keys.filter((k) => k !== "seed");

type Size = number | readonly number[];
interface Channels {
  inChannels: number;
  outChannels: number;
}
export type ConvSpec = SpecBase & { type: "Conv1d" | "Conv2d" | "Conv3d"; kernelSize: Size } & Channels &
  SpecFields<ConvOptions> & { bias?: boolean };
export type ConvTransposeSpec = SpecBase & {
  type: "ConvTranspose1d" | "ConvTranspose2d" | "ConvTranspose3d";
  kernelSize: Size;
} & Channels &
  SpecFields<ConvTransposeOptions> & { bias?: boolean };
export type DepthwiseConv2dSpec = SpecBase & { type: "DepthwiseConv2d"; channels: number; kernelSize: Size } & Omit<
    ConvSpec,
    "type" | "inChannels" | "outChannels" | "kernelSize" | "groups" | "name"
  > & { channelMultiplier?: number };
export type PointwiseConv2dSpec = SpecBase & { type: "PointwiseConv2d" } & Channels &
  Pick<ConvSpec, "stride" | "groups" | "bias">;
export type SeparableConv2dSpec = SpecBase & { type: "SeparableConv2d" } & Omit<ConvSpec, "type" | "groups" | "name">;
export type GroupedSeparableConv2dSpec = SpecBase & { type: "GroupedSeparableConv2d" } & Omit<
    ConvSpec,
    "type" | "name"
  >;

/** expandSize typed as the layer's tuple. */
function expandTuple<R extends SpatialRank>(
  op: string,
  name: string,
  value: unknown,
  rank: R,
  options?: { min?: number },
): Tuple<R> {
  return expandSize(op, name, value, rank, options) as unknown as Tuple<R>;
}

/** Channel counts and groups of a grouped layer: positive integers, groups dividing both counts. */
function checkGroupedChannels(op: string, inChannels: unknown, outChannels: unknown, groups: unknown): void {
  checkPositiveInteger(op, "inChannels", inChannels);
  checkPositiveInteger(op, "outChannels", outChannels);
  checkPositiveInteger(op, "groups", groups);
  checkDivisibleByGroups(op, "inChannels", inChannels as number, groups as number);
  checkDivisibleByGroups(op, "outChannels", outChannels as number, groups as number);
}

/** Shared by the regular and transposed convolution layers: options, parameters, initialisation. */
abstract class ConvLayerBase<R extends SpatialRank> extends Module {
  readonly rank: R;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: Tuple<R>;
  readonly stride: Tuple<R>;
  readonly dilation: Tuple<R>;
  readonly groups: number;
  weight: Tensor;
  bias: Tensor | null;

  constructor(
    op: string,
    rank: R,
    inChannels: number,
    outChannels: number,
    kernelSize: SizeArg<R>,
    options: ConvLayerOptions<R> | ConvTransposeLayerOptions<R> = {},
    transposed: boolean,
  ) {
    super();
    checkOptions(op, options, transposed ? CONV_TRANSPOSE_LAYER_OPTION_KEYS : CONV_LAYER_OPTION_KEYS);
    const { stride = 1, dilation = 1, groups = 1, bias = true, seed } = options;
    checkGroupedChannels(op, inChannels, outChannels, groups);
    this.rank = rank;
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = expandTuple(op, "kernelSize", kernelSize, rank);
    this.stride = expandTuple(op, "stride", stride, rank);
    this.dilation = expandTuple(op, "dilation", dilation, rank);
    this.groups = groups;
    checkBoolean(op, "bias", bias);
    // PyTorch: weight (out, in/g, ...k), fan_in = in/g * prod(k); transposed (in, out/g, ...k), fan_in = out/g * prod(k).
    const weightShape = transposed
      ? [inChannels, outChannels / groups, ...this.kernelSize]
      : [outChannels, inChannels / groups, ...this.kernelSize];
    checkParameterSize(
      op,
      bias
        ? [
            ["weight", weightShape],
            ["bias", [outChannels]],
          ]
        : [["weight", weightShape]],
      "kernelSize and the channel counts",
    );
    const next = initialStream(op, seed);
    const fanIn = weightShape.slice(1).reduce((a, b) => a * b, 1);
    const bound = 1 / Math.sqrt(fanIn);
    this.weight = uniform(weightShape, bound, next);
    this.bias = bias ? uniform([outChannels], bound, next) : null;
  }

  override ownParameters(): Tensor[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }
}

/** Regular (and grouped, depthwise, dilated, strided) convolution over R spatial dimensions. */
export abstract class ConvNd<R extends SpatialRank> extends ConvLayerBase<R> {
  readonly padding: Tuple<R> | PaddingString;
  readonly paddingMode: PaddingMode;

  constructor(
    op: string,
    rank: R,
    inChannels: number,
    outChannels: number,
    kernelSize: SizeArg<R>,
    options: ConvLayerOptions<R> = {},
  ) {
    super(op, rank, inChannels, outChannels, kernelSize, options, false);
    const { padding = 0, paddingMode = "zeros" } = options;
    this.padding = checkPadding(op, padding, rank, this.stride) as Tuple<R> | PaddingString;
    this.paddingMode = checkPaddingMode(op, paddingMode);
  }

  /** The options this layer passes to its functional op. */
  get convOptions(): ConvOptions<R> {
    return {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
      paddingMode: this.paddingMode,
    };
  }
}

/** Transposed convolution over R spatial dimensions. */
export abstract class ConvTransposeNd<R extends SpatialRank> extends ConvLayerBase<R> {
  readonly padding: Tuple<R>;
  readonly outputPadding: Tuple<R>;

  constructor(
    op: string,
    rank: R,
    inChannels: number,
    outChannels: number,
    kernelSize: SizeArg<R>,
    options: ConvTransposeLayerOptions<R> = {},
  ) {
    super(op, rank, inChannels, outChannels, kernelSize, options, true);
    const { padding = 0, outputPadding = 0 } = options;
    this.padding = expandTuple(op, "padding", padding, rank, { min: 0 });
    this.outputPadding = expandTuple(op, "outputPadding", outputPadding, rank, { min: 0 });
    checkOutputPadding(op, this.outputPadding, this.stride, this.dilation);
  }

  get convOptions(): ConvTransposeOptions<R> {
    return {
      stride: this.stride,
      padding: this.padding,
      outputPadding: this.outputPadding,
      dilation: this.dilation,
      groups: this.groups,
    };
  }
}

type ConvOp<R extends SpatialRank> = (x: Tensor, w: Tensor, b: Tensor | null, options: ConvOptions<R>) => Tensor;
type ConvTransposeOp<R extends SpatialRank> = (
  x: Tensor,
  w: Tensor,
  b: Tensor | null,
  options: ConvTransposeOptions<R>,
) => Tensor;

/**
 * The op name a layer's constructor errors start with: the class's own `layerType`, so that a
 * subclass (DepthwiseConv2d, PointwiseConv2d) reports its own name rather than its base class's.
 */
function opOf(target: unknown, fallback: string): string {
  const layerType = (target as { layerType?: unknown }).layerType;
  return typeof layerType === "string" ? layerType : fallback;
}

/** The base class of a regular convolution of one rank: Conv1d, Conv2d and Conv3d below each extend it. */
function convClass<R extends SpatialRank>(rank: R, type: string, run: ConvOp<R>) {
  const Layer = class extends ConvNd<R> {
    /** The type name, which specs use: the class's own name does not survive minification. */
    static readonly layerType = type;
    readonly type: string = type;
    constructor(inChannels: number, outChannels: number, kernelSize: SizeArg<R>, options: ConvLayerOptions<R> = {}) {
      super(opOf(new.target, type), rank, inChannels, outChannels, kernelSize, options);
    }
    forward(x: Tensor): Tensor {
      return run(x, this.weight, this.bias, this.convOptions);
    }
  };
  return Layer;
}

/** The base class of a transposed convolution of one rank: ConvTranspose1d, 2d and 3d below extend it. */
function convTransposeClass<R extends SpatialRank>(rank: R, type: string, run: ConvTransposeOp<R>) {
  const Layer = class extends ConvTransposeNd<R> {
    /** The type name, which specs use: the class's own name does not survive minification. */
    static readonly layerType = type;
    readonly type: string = type;
    constructor(
      inChannels: number,
      outChannels: number,
      kernelSize: SizeArg<R>,
      options: ConvTransposeLayerOptions<R> = {},
    ) {
      super(type, rank, inChannels, outChannels, kernelSize, options);
    }
    forward(x: Tensor): Tensor {
      return run(x, this.weight, this.bias, this.convOptions);
    }
  };
  return Layer;
}

export class Conv1d extends convClass(1, "Conv1d", conv1d) {}
export class Conv2d extends convClass(2, "Conv2d", conv2d) {}
export class Conv3d extends convClass(3, "Conv3d", conv3d) {}
export class ConvTranspose1d extends convTransposeClass(1, "ConvTranspose1d", convTranspose1d) {}
export class ConvTranspose2d extends convTransposeClass(2, "ConvTranspose2d", convTranspose2d) {}
export class ConvTranspose3d extends convTransposeClass(3, "ConvTranspose3d", convTranspose3d) {}

const DEPTHWISE_OPTION_KEYS = [...CONV_LAYER_OPTION_KEYS.filter((k) => k !== "groups"), "channelMultiplier"];

/** Depthwise: one filter per input channel (groups = channels), channelMultiplier filters each. */
export class DepthwiseConv2d extends Conv2d {
  static override readonly layerType = "DepthwiseConv2d";
  override readonly type: string = "DepthwiseConv2d";
  readonly channelMultiplier: number;
  constructor(
    channels: number,
    kernelSize: SizeArg<2>,
    options: Omit<ConvLayerOptions<2>, "groups"> & { channelMultiplier?: number } = {},
  ) {
    const { channelMultiplier = 1, ...rest } = checkOptions("DepthwiseConv2d", options, DEPTHWISE_OPTION_KEYS);
    checkPositiveInteger("DepthwiseConv2d", "channelMultiplier", channelMultiplier);
    checkPositiveInteger("DepthwiseConv2d", "channels", channels);
    super(channels, channels * channelMultiplier, kernelSize, { ...rest, groups: channels });
    this.channelMultiplier = channelMultiplier;
  }
}

const POINTWISE_OPTION_KEYS = ["stride", "groups", "bias", "seed"] as const;

/** Pointwise: a 1x1 convolution that mixes channels at each position. */
export class PointwiseConv2d extends Conv2d {
  static override readonly layerType = "PointwiseConv2d";
  override readonly type: string = "PointwiseConv2d";
  constructor(
    inChannels: number,
    outChannels: number,
    options: Omit<ConvLayerOptions<2>, "padding" | "dilation" | "paddingMode"> = {},
  ) {
    super(inChannels, outChannels, 1, checkOptions("PointwiseConv2d", options, POINTWISE_OPTION_KEYS));
  }
}

/**
 * Checks what a (grouped) separable conv's two steps cannot check under its name: the channel
 * counts, kernel size, bias and seed, and the size of both steps' parameters together. Errors
 * the steps raise for the options they take read `SeparableConv2d: depthwise: ...` (withPart).
 */
function checkSeparable(
  op: string,
  inChannels: unknown,
  outChannels: unknown,
  kernelSize: unknown,
  groups: number,
  bias: unknown,
  seed: unknown,
): void {
  checkGroupedChannels(op, inChannels, outChannels, groups);
  const [kh, kw] = expandTuple(op, "kernelSize", kernelSize, 2);
  const withBias = checkBoolean(op, "bias", bias ?? true);
  if (seed !== undefined) checkSeed(op, seed);
  const [cin, cout] = [inChannels as number, outChannels as number];
  const shapes: [string, number[]][] = [
    ["depthwise weight", [cin, 1, kh, kw]],
    ["pointwise weight", [cout, cin / groups, 1, 1]],
  ];
  if (withBias) shapes.push(["depthwise bias", [cin]], ["pointwise bias", [cout]]);
  checkParameterSize(op, shapes, "kernelSize and the channel counts");
}

const SEPARABLE_OPTION_KEYS = CONV_LAYER_OPTION_KEYS.filter((k) => k !== "groups");

/**
 * Depthwise-separable convolution (MobileNet): a depthwise k x k conv (groups = in channels) that
 * filters each channel, then a pointwise 1x1 conv that mixes them. Stride, padding, dilation and
 * padding mode apply to the depthwise step; bias (default true) to both.
 */
export class SeparableConv2d extends Module {
  readonly type: string = "SeparableConv2d";
  readonly depthwise: DepthwiseConv2d;
  readonly pointwise: PointwiseConv2d;
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: SizeArg<2>,
    options: Omit<ConvLayerOptions<2>, "groups"> = {},
  ) {
    super();
    const op = "SeparableConv2d";
    const { bias, seed, ...rest } = checkOptions(op, options, SEPARABLE_OPTION_KEYS);
    checkSeparable(op, inChannels, outChannels, kernelSize, 1, bias, seed);
    this.depthwise = withPart(
      op,
      "depthwise",
      () =>
        new DepthwiseConv2d(inChannels, kernelSize, {
          ...rest,
          ...(bias === undefined ? {} : { bias }),
          ...childSeed(seed, 0),
        }),
    );
    this.pointwise = withPart(
      op,
      "pointwise",
      () =>
        new PointwiseConv2d(inChannels, outChannels, {
          ...(bias === undefined ? {} : { bias }),
          ...childSeed(seed, 1),
        }),
    );
  }
  override children(): [string, Module][] {
    return [
      ["depthwise", this.depthwise],
      ["pointwise", this.pointwise],
    ];
  }
  forward(x: Tensor): Tensor {
    return this.pointwise.forward(this.depthwise.forward(x));
  }
}

/**
 * Grouped depthwise-separable convolution (GDSConv; Mittermaier et al., "Small-footprint keyword
 * spotting on raw audio data with sinc-convolutions", 2020): split the channels into `groups`,
 * run a separable conv (in/g -> out/g) on each, concatenate. Because a depthwise conv already keeps
 * channels apart, this is exactly a depthwise conv followed by a pointwise conv with `groups`,
 * which is how it runs: two convolutions, per-group parameters stored side by side.
 */
export class GroupedSeparableConv2d extends Module {
  readonly type: string = "GroupedSeparableConv2d";
  readonly groups: number;
  readonly depthwise: DepthwiseConv2d;
  readonly pointwise: Conv2d;
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg<2>, options: ConvLayerOptions<2> = {}) {
    super();
    const op = "GroupedSeparableConv2d";
    const { groups = 1, bias, seed, ...rest } = checkOptions(op, options, CONV_LAYER_OPTION_KEYS);
    checkSeparable(op, inChannels, outChannels, kernelSize, groups, bias, seed);
    this.groups = groups;
    this.depthwise = withPart(
      op,
      "depthwise",
      () =>
        new DepthwiseConv2d(inChannels, kernelSize, {
          ...rest,
          ...(bias === undefined ? {} : { bias }),
          ...childSeed(seed, 0),
        }),
    );
    this.pointwise = withPart(
      op,
      "pointwise",
      () =>
        new Conv2d(inChannels, outChannels, 1, {
          groups,
          ...(bias === undefined ? {} : { bias }),
          ...childSeed(seed, 1),
        }),
    );
  }
  override children(): [string, Module][] {
    return [
      ["depthwise", this.depthwise],
      ["pointwise", this.pointwise],
    ];
  }
  forward(x: Tensor): Tensor {
    return this.pointwise.forward(this.depthwise.forward(x));
  }
}

// ---------------------------------------------------------------------------------------------
// Specs, cost and window.

/** A convolution spec validated and normalized: sizes per dimension, defaults filled in. */
export interface ResolvedConv {
  transposed: boolean;
  rank: SpatialRank;
  inChannels: number;
  outChannels: number;
  weightShape: number[];
  bias: boolean;
  options: ConvOptions | ConvTransposeOptions;
}

/** The options every convolution layer spec shares, checked: channels, kernel, stride, dilation, groups, bias. */
function convCommon(op: string, rank: SpatialRank, s: Record<string, unknown>) {
  const inChannels = checkPositiveInteger(op, "inChannels", s.inChannels);
  const outChannels = checkPositiveInteger(op, "outChannels", s.outChannels);
  const kernelSize = expandSize(op, "kernelSize", s.kernelSize, rank);
  const stride = expandSize(op, "stride", s.stride ?? 1, rank);
  const dilation = expandSize(op, "dilation", s.dilation ?? 1, rank);
  const groups = checkPositiveInteger(op, "groups", s.groups ?? 1);
  checkDivisibleByGroups(op, "inChannels", inChannels, groups);
  checkDivisibleByGroups(op, "outChannels", outChannels, groups);
  const bias = checkBoolean(op, "bias", s.bias ?? true);
  return { inChannels, outChannels, kernelSize, stride, dilation, groups, bias };
}

function resolveConv(op: string, rank: SpatialRank, s: Record<string, unknown>): ResolvedConv {
  const { inChannels, outChannels, kernelSize, stride, dilation, groups, bias } = convCommon(op, rank, s);
  const padding = checkPadding(op, s.padding ?? 0, rank, stride);
  const paddingMode = checkPaddingMode(op, s.paddingMode ?? "zeros");
  return {
    transposed: false,
    rank,
    inChannels,
    outChannels,
    bias,
    weightShape: [outChannels, inChannels / groups, ...kernelSize],
    options: { stride, padding, dilation, groups, paddingMode } as unknown as ConvOptions,
  };
}

function resolveConvTranspose(op: string, rank: SpatialRank, s: Record<string, unknown>): ResolvedConv {
  const { inChannels, outChannels, kernelSize, stride, dilation, groups, bias } = convCommon(op, rank, s);
  const padding = expandSize(op, "padding", s.padding ?? 0, rank, { min: 0 });
  const outputPadding = expandSize(op, "outputPadding", s.outputPadding ?? 0, rank, { min: 0 });
  checkOutputPadding(op, outputPadding, stride, dilation);
  return {
    transposed: true,
    rank,
    inChannels,
    outChannels,
    bias,
    weightShape: [inChannels, outChannels / groups, ...kernelSize],
    options: { stride, padding, outputPadding, dilation, groups } as unknown as ConvTransposeOptions,
  };
}

/** Cost of a convolution; see cost.ts for the units and each tool's rule. */
function convStats(layer: ResolvedConv, inputShape: readonly number[], type: string): LayerStats {
  const biasShape = layer.bias ? [layer.outChannels] : null;
  const info = layer.transposed
    ? convTransposeInfo(
        type,
        layer.rank,
        inputShape,
        layer.weightShape,
        biasShape,
        layer.options as ConvTransposeOptions,
      )
    : convInfo(type, layer.rank, inputShape, layer.weightShape, biasShape, layer.options as ConvOptions);
  const { batch: N, inChannels, outChannels, groups: g } = info;
  const K = numel(info.kernelSize);
  const pOut = numel(info.outSize);
  const pIn = numel(info.inSize);
  const weight = numel(layer.weightShape);
  const bias = layer.bias ? outChannels : 0;
  const macs = layer.transposed
    ? N * pIn * inChannels * (outChannels / g) * K
    : N * pOut * outChannels * (inChannels / g) * K;
  const biasAdds = layer.bias ? N * outChannels * pOut : 0;
  // Tools that count over output positions (right for convs, wrong for transposed convs).
  const overOutput = N * pOut * outChannels * (inChannels / g) * K;
  const kernel = info.kernelSize.map((k, i) => effectiveKernelSize(k, info.dilation[i]!));
  return statsOf(type, inputShape, info.outputShape, {
    weight,
    bias,
    macs,
    biasAdds,
    counts: {
      torchinfo: (weight + bias) * N * pOut,
      thop: overOutput,
      fvcore: macs,
      ptflops: overOutput + biasAdds,
      pytorch: 2 * macs,
    },
    window: {
      kind: "sliding",
      kernel,
      stride: info.stride.slice(),
      padding: info.padBefore.slice(),
      transposed: info.transposed,
      exact: true,
    },
  });
}

const padded = (padding: readonly number[] | PaddingString) => (typeof padding === "string" ? padding : [...padding]);

/** The spec fields every convolution layer's spec starts with, read from the layer. */
function convSpecFields(layer: ConvLayerBase<SpatialRank>) {
  return {
    inChannels: layer.inChannels,
    outChannels: layer.outChannels,
    kernelSize: [...layer.kernelSize],
    stride: [...layer.stride],
    dilation: [...layer.dilation],
    bias: layer.bias !== null,
  };
}

function convFamily<R extends SpatialRank>(rank: R, Layer: ReturnType<typeof convClass<R>>) {
  const type = Layer.layerType as ConvSpec["type"];
  return defineLayer({
    type,
    module: Layer,
    required: ["inChannels", "outChannels", "kernelSize"],
    optional: specKeys(CONV_LAYER_OPTION_KEYS),
    resolve: (spec: ConvSpec) => resolveConv(type, rank, specFields(spec)),
    stats: convStats,
    build: (spec, seed) => {
      const { inChannels, outChannels, kernelSize, ...options } = optionsOf(spec);
      return new Layer(inChannels, outChannels, kernelSize as SizeArg<R>, {
        ...(options as ConvLayerOptions<R>),
        ...seeded(seed),
      });
    },
    toSpec: (layer): ConvSpec => ({
      type,
      ...convSpecFields(layer),
      padding: padded(layer.padding),
      groups: layer.groups,
      paddingMode: layer.paddingMode,
    }),
  });
}

function convTransposeFamily<R extends SpatialRank>(rank: R, Layer: ReturnType<typeof convTransposeClass<R>>) {
  const type = Layer.layerType as ConvTransposeSpec["type"];
  return defineLayer({
    type,
    module: Layer,
    required: ["inChannels", "outChannels", "kernelSize"],
    optional: specKeys(CONV_TRANSPOSE_LAYER_OPTION_KEYS),
    resolve: (spec: ConvTransposeSpec) => resolveConvTranspose(type, rank, specFields(spec)),
    stats: convStats,
    build: (spec, seed) => {
      const { inChannels, outChannels, kernelSize, ...options } = optionsOf(spec);
      return new Layer(inChannels, outChannels, kernelSize as SizeArg<R>, {
        ...(options as ConvTransposeLayerOptions<R>),
        ...seeded(seed),
      });
    },
    toSpec: (layer): ConvTransposeSpec => ({
      type,
      ...convSpecFields(layer),
      padding: [...layer.padding],
      outputPadding: [...layer.outputPadding],
      groups: layer.groups,
    }),
  });
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** The depthwise step of a (grouped) separable conv, and its pointwise step, as specs. */
function separableParts(
  type: string,
  spec: SeparableConv2dSpec | GroupedSeparableConv2dSpec,
  groups: number,
  { resolve }: CompositeParts,
): [string, ResolvedLayer][] {
  const { inChannels, outChannels, kernelSize, stride, padding, dilation, bias, paddingMode } = spec;
  checkPositiveInteger(type, "inChannels", inChannels);
  checkPositiveInteger(type, "outChannels", outChannels);
  checkDivisibleByGroups(type, "inChannels", inChannels, groups);
  checkDivisibleByGroups(type, "outChannels", outChannels, groups);
  const depthwise = {
    type: "DepthwiseConv2d",
    channels: inChannels,
    kernelSize,
    stride,
    padding,
    dilation,
    bias,
    paddingMode,
  };
  const pointwise =
    type === "SeparableConv2d"
      ? { type: "PointwiseConv2d", inChannels, outChannels, bias }
      : { type: "Conv2d", inChannels, outChannels, kernelSize: 1, groups, bias };
  return [
    ["depthwise", withPart(type, "depthwise", () => resolve(dropUndefined(depthwise)))],
    ["pointwise", withPart(type, "pointwise", () => resolve(dropUndefined(pointwise)))],
  ];
}

export const convLayers = [
  convFamily(1, Conv1d),
  convFamily(2, Conv2d),
  convFamily(3, Conv3d),
  convTransposeFamily(1, ConvTranspose1d),
  convTransposeFamily(2, ConvTranspose2d),
  convTransposeFamily(3, ConvTranspose3d),
  defineLayer({
    type: "DepthwiseConv2d" as const,
    module: DepthwiseConv2d,
    required: ["channels", "kernelSize"],
    optional: specKeys(DEPTHWISE_OPTION_KEYS),
    resolve: (spec: DepthwiseConv2dSpec) => {
      const op = "DepthwiseConv2d";
      const { channels, channelMultiplier, ...rest } = optionsOf(spec);
      checkPositiveInteger(op, "channels", channels);
      const multiplier = checkPositiveInteger(op, "channelMultiplier", channelMultiplier ?? 1);
      return resolveConv(op, 2, {
        ...rest,
        inChannels: channels,
        outChannels: channels * multiplier,
        groups: channels,
      });
    },
    stats: convStats,
    build: (spec, seed) => {
      const { channels, kernelSize, ...options } = optionsOf(spec);
      return new DepthwiseConv2d(channels, kernelSize as SizeArg<2>, {
        ...(options as Omit<ConvLayerOptions<2>, "groups">),
        ...seeded(seed),
      });
    },
    toSpec: (layer): DepthwiseConv2dSpec => ({
      type: "DepthwiseConv2d",
      channels: layer.inChannels,
      channelMultiplier: layer.channelMultiplier,
      kernelSize: [...layer.kernelSize],
      stride: [...layer.stride],
      dilation: [...layer.dilation],
      bias: layer.bias !== null,
      padding: padded(layer.padding),
      paddingMode: layer.paddingMode,
    }),
  }),
  defineLayer({
    type: "PointwiseConv2d" as const,
    module: PointwiseConv2d,
    required: ["inChannels", "outChannels"],
    optional: specKeys(POINTWISE_OPTION_KEYS),
    resolve: (spec: PointwiseConv2dSpec) => resolveConv("PointwiseConv2d", 2, { ...optionsOf(spec), kernelSize: 1 }),
    stats: convStats,
    build: (spec, seed) => {
      const { inChannels, outChannels, ...options } = optionsOf(spec);
      return new PointwiseConv2d(inChannels, outChannels, { ...(options as ConvLayerOptions<2>), ...seeded(seed) });
    },
    toSpec: (layer): PointwiseConv2dSpec => ({
      type: "PointwiseConv2d",
      inChannels: layer.inChannels,
      outChannels: layer.outChannels,
      stride: [...layer.stride],
      groups: layer.groups,
      bias: layer.bias !== null,
    }),
  }),
  defineLayer({
    type: "SeparableConv2d" as const,
    module: SeparableConv2d,
    required: ["inChannels", "outChannels", "kernelSize"],
    optional: specKeys(SEPARABLE_OPTION_KEYS),
    children: (spec: SeparableConv2dSpec, parts) => separableParts("SeparableConv2d", spec, 1, parts),
    build: (spec, seed) => {
      const { inChannels, outChannels, kernelSize, ...options } = optionsOf(spec);
      return new SeparableConv2d(inChannels, outChannels, kernelSize as SizeArg<2>, {
        ...(options as ConvLayerOptions<2>),
        ...seeded(seed),
      });
    },
    toSpec: (layer): SeparableConv2dSpec => ({ type: "SeparableConv2d", ...separableSpec(layer) }),
  }),
  defineLayer({
    type: "GroupedSeparableConv2d" as const,
    module: GroupedSeparableConv2d,
    required: ["inChannels", "outChannels", "kernelSize"],
    optional: specKeys(CONV_LAYER_OPTION_KEYS),
    children: (spec: GroupedSeparableConv2dSpec, parts) =>
      separableParts(
        "GroupedSeparableConv2d",
        spec,
        checkPositiveInteger("GroupedSeparableConv2d", "groups", spec.groups ?? 1),
        parts,
      ),
    build: (spec, seed) => {
      const { inChannels, outChannels, kernelSize, ...options } = optionsOf(spec);
      return new GroupedSeparableConv2d(inChannels, outChannels, kernelSize as SizeArg<2>, {
        ...(options as ConvLayerOptions<2>),
        ...seeded(seed),
      });
    },
    toSpec: (layer): GroupedSeparableConv2dSpec => ({
      type: "GroupedSeparableConv2d",
      ...separableSpec(layer),
      groups: layer.groups,
    }),
  }),
] as const;

/** The spec fields a (grouped) separable conv shares, read from its depthwise step. */
function separableSpec(layer: SeparableConv2d | GroupedSeparableConv2d) {
  const dw = layer.depthwise;
  return {
    inChannels: dw.inChannels,
    outChannels: layer.pointwise.outChannels,
    kernelSize: [...dw.kernelSize],
    stride: [...dw.stride],
    padding: padded(dw.padding),
    dilation: [...dw.dilation],
    bias: dw.bias !== null,
    paddingMode: dw.paddingMode,
  };
}
