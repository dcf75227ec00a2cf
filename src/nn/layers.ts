/**
 * Layers, like torch.nn: thin classes that hold parameters and options and call one functional op.
 * Weights and biases are initialised as PyTorch does (kaiming_uniform with a = sqrt(5), which is
 * U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for the weight, and the same bound for the bias), drawn from
 * mulberry32: from `seed` when given, else from a global stream that `manualSeed` resets.
 */
import {
  checkDivisibleByGroups,
  checkOutputPadding,
  checkPadding,
  checkPaddingMode,
  expandSize,
  type ConvOptions,
  type ConvTransposeOptions,
  type PaddingArg,
  type PaddingMode,
  type PaddingString,
  type SizeArg,
  type SpatialRank,
  type Tuple,
} from "../core/arithmetic.js";
import { checkPositiveInteger } from "../core/validate.js";
import { conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d } from "../ops/conv.js";
import { check, formatShape } from "../core/errors.js";
import {
  adaptiveAvgPool2d,
  adaptivePoolInfo,
  batchNorm,
  flatten,
  linear,
  relu,
  type AdaptiveSize,
} from "../ops/functional.js";
import { channelShuffle } from "../ops/pad.js";
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
import { mulberry32, Tensor } from "../core/tensor.js";

let initStream = mulberry32(0);

/** Resets the stream that layers without a `seed` draw their initial weights from. */
export function manualSeed(seed: number): void {
  initStream = mulberry32(seed);
}

function uniform(shape: readonly number[], bound: number, next: () => number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (2 * next() - 1) * bound;
  return new Tensor(data, shape);
}

/** Base of every layer: a forward pass, its parameters, and named children for composites. */
export abstract class Module {
  /** The layer's class as a reader knows it, e.g. "Conv2d" (kept through minification). */
  abstract readonly type: string;
  abstract forward(x: Tensor): Tensor;

  /** Sub-layers by name, for composite layers and containers. */
  children(): [string, Module][] {
    return [];
  }

  /** The layer's own parameters (weights, biases), not its children's. */
  ownParameters(): Tensor[] {
    return [];
  }

  /** All parameters, children included, in order. */
  parameters(): Tensor[] {
    return [...this.ownParameters(), ...this.children().flatMap(([, child]) => child.parameters())];
  }

  numParameters(): number {
    return this.parameters().reduce((s, p) => s + p.size, 0);
  }
}

export interface ConvLayerOptions<R extends SpatialRank> {
  stride?: SizeArg<R>;
  padding?: PaddingArg<R>;
  dilation?: SizeArg<R>;
  groups?: number;
  /** Add a learnable bias (default true). */
  bias?: boolean;
  paddingMode?: PaddingMode;
  /** Seed for this layer's initial weights; without it, the global stream (manualSeed). */
  seed?: number;
}

export interface ConvTransposeLayerOptions<R extends SpatialRank> {
  stride?: SizeArg<R>;
  padding?: SizeArg<R>;
  outputPadding?: SizeArg<R>;
  dilation?: SizeArg<R>;
  groups?: number;
  bias?: boolean;
  seed?: number;
}

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

const checkChannels = checkPositiveInteger;

/** Channel counts and groups of a grouped layer: positive integers, groups dividing both counts. */
function checkGroupedChannels(op: string, inChannels: number, outChannels: number, groups: number): void {
  checkChannels(op, "inChannels", inChannels);
  checkChannels(op, "outChannels", outChannels);
  checkPositiveInteger(op, "groups", groups);
  checkDivisibleByGroups(op, "inChannels", inChannels, groups);
  checkDivisibleByGroups(op, "outChannels", outChannels, groups);
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
    options: ConvLayerOptions<R> | ConvTransposeLayerOptions<R>,
    transposed: boolean,
  ) {
    super();
    const { stride = 1, dilation = 1, groups = 1, bias = true, seed } = options;
    checkGroupedChannels(op, inChannels, outChannels, groups);
    this.rank = rank;
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = expandTuple(op, "kernelSize", kernelSize, rank);
    this.stride = expandTuple(op, "stride", stride, rank);
    this.dilation = expandTuple(op, "dilation", dilation, rank);
    this.groups = groups;
    // PyTorch: weight (out, in/g, ...k), fan_in = in/g * prod(k); transposed (in, out/g, ...k), fan_in = out/g * prod(k).
    const weightShape = transposed
      ? [inChannels, outChannels / groups, ...this.kernelSize]
      : [outChannels, inChannels / groups, ...this.kernelSize];
    const fanIn = weightShape.slice(1).reduce((a, b) => a * b, 1);
    const bound = 1 / Math.sqrt(fanIn);
    const next = seed === undefined ? initStream : mulberry32(seed);
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
    options: ConvLayerOptions<R>,
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
    options: ConvTransposeLayerOptions<R>,
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

type Opts<R extends SpatialRank> = ConvLayerOptions<R>;

export class Conv1d extends ConvNd<1> {
  readonly type: string = "Conv1d";
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg<1>, options: Opts<1> = {}) {
    super("Conv1d", 1, inChannels, outChannels, kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return conv1d(x, this.weight, this.bias, this.convOptions);
  }
}

export class Conv2d extends ConvNd<2> {
  readonly type: string = "Conv2d";
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg<2>, options: Opts<2> = {}) {
    super("Conv2d", 2, inChannels, outChannels, kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.convOptions);
  }
}

export class Conv3d extends ConvNd<3> {
  readonly type: string = "Conv3d";
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg<3>, options: Opts<3> = {}) {
    super("Conv3d", 3, inChannels, outChannels, kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return conv3d(x, this.weight, this.bias, this.convOptions);
  }
}

export class ConvTranspose1d extends ConvTransposeNd<1> {
  readonly type: string = "ConvTranspose1d";
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: SizeArg<1>,
    options: ConvTransposeLayerOptions<1> = {},
  ) {
    super("ConvTranspose1d", 1, inChannels, outChannels, kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return convTranspose1d(x, this.weight, this.bias, this.convOptions);
  }
}

export class ConvTranspose2d extends ConvTransposeNd<2> {
  readonly type: string = "ConvTranspose2d";
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: SizeArg<2>,
    options: ConvTransposeLayerOptions<2> = {},
  ) {
    super("ConvTranspose2d", 2, inChannels, outChannels, kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, this.convOptions);
  }
}

export class ConvTranspose3d extends ConvTransposeNd<3> {
  readonly type: string = "ConvTranspose3d";
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: SizeArg<3>,
    options: ConvTransposeLayerOptions<3> = {},
  ) {
    super("ConvTranspose3d", 3, inChannels, outChannels, kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return convTranspose3d(x, this.weight, this.bias, this.convOptions);
  }
}

/** Depthwise: one filter per input channel (groups = channels), channelMultiplier filters each. */
export class DepthwiseConv2d extends Conv2d {
  override readonly type: string = "DepthwiseConv2d";
  readonly channelMultiplier: number;
  constructor(
    channels: number,
    kernelSize: SizeArg<2>,
    { channelMultiplier = 1, ...options }: Omit<Opts<2>, "groups"> & { channelMultiplier?: number } = {},
  ) {
    checkChannels("DepthwiseConv2d", "channelMultiplier", channelMultiplier);
    checkChannels("DepthwiseConv2d", "channels", channels);
    super(channels, channels * channelMultiplier, kernelSize, { ...options, groups: channels });
    this.channelMultiplier = channelMultiplier;
  }
}

/** Pointwise: a 1x1 convolution that mixes channels at each position. */
export class PointwiseConv2d extends Conv2d {
  override readonly type: string = "PointwiseConv2d";
  constructor(
    inChannels: number,
    outChannels: number,
    options: Omit<Opts<2>, "padding" | "dilation" | "paddingMode"> = {},
  ) {
    super(inChannels, outChannels, 1, options);
  }
}

function childSeed(seed: number | undefined, i: number): { seed?: number } {
  return seed === undefined ? {} : { seed: seed + i };
}

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
    { bias, seed, ...options }: Omit<Opts<2>, "groups"> = {},
  ) {
    super();
    this.depthwise = new DepthwiseConv2d(inChannels, kernelSize, {
      ...options,
      ...(bias === undefined ? {} : { bias }),
      ...childSeed(seed, 0),
    });
    this.pointwise = new PointwiseConv2d(inChannels, outChannels, {
      ...(bias === undefined ? {} : { bias }),
      ...childSeed(seed, 1),
    });
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
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: SizeArg<2>,
    { groups = 1, bias, seed, ...options }: Opts<2> = {},
  ) {
    super();
    const op = "GroupedSeparableConv2d";
    checkGroupedChannels(op, inChannels, outChannels, groups);
    this.groups = groups;
    this.depthwise = new DepthwiseConv2d(inChannels, kernelSize, {
      ...options,
      ...(bias === undefined ? {} : { bias }),
      ...childSeed(seed, 0),
    });
    this.pointwise = new Conv2d(inChannels, outChannels, 1, {
      groups,
      ...(bias === undefined ? {} : { bias }),
      ...childSeed(seed, 1),
    });
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

/** Runs its layers in order. */
export class Sequential extends Module {
  readonly type: string = "Sequential";
  readonly layers: Module[];
  constructor(...layers: Module[]) {
    super();
    layers.forEach((layer, i) => check(layer instanceof Module, "Sequential", () => `layer ${i} is not a Module`));
    this.layers = layers;
  }
  override children(): [string, Module][] {
    return this.layers.map((layer, i) => [String(i), layer]);
  }
  forward(x: Tensor): Tensor {
    return this.layers.reduce((h, layer) => layer.forward(h), x);
  }
}

/** ShuffleNet's channel shuffle: x (N, C, ...) -> (N, C, ...) with the groups interleaved. */
export class ChannelShuffle extends Module {
  readonly type: string = "ChannelShuffle";
  constructor(readonly groups: number) {
    super();
    check(
      Number.isInteger(groups) && groups >= 1,
      "ChannelShuffle",
      () => `groups must be a positive integer, got ${JSON.stringify(groups)}`,
    );
  }
  forward(x: Tensor): Tensor {
    return channelShuffle(x, this.groups);
  }
}

/** Pooling layers: options as the functional ops take them (stride defaults to the kernel). */
abstract class PoolNd<R extends SpatialRank, O> extends Module {
  readonly rank: R;
  readonly options: O & { kernelSize: SizeArg<R> };
  constructor(rank: R, kernelSize: SizeArg<R>, options: O) {
    super();
    this.rank = rank;
    this.options = { ...options, kernelSize };
  }
}

export class MaxPool1d extends PoolNd<1, Omit<MaxPoolOptions<1>, "kernelSize">> {
  readonly type: string = "MaxPool1d";
  constructor(kernelSize: SizeArg<1>, options: Omit<MaxPoolOptions<1>, "kernelSize"> = {}) {
    super(1, kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return maxPool1d(x, this.options);
  }
}

export class MaxPool2d extends PoolNd<2, Omit<MaxPoolOptions<2>, "kernelSize">> {
  readonly type: string = "MaxPool2d";
  constructor(kernelSize: SizeArg<2>, options: Omit<MaxPoolOptions<2>, "kernelSize"> = {}) {
    super(2, kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.options);
  }
}

export class MaxPool3d extends PoolNd<3, Omit<MaxPoolOptions<3>, "kernelSize">> {
  readonly type: string = "MaxPool3d";
  constructor(kernelSize: SizeArg<3>, options: Omit<MaxPoolOptions<3>, "kernelSize"> = {}) {
    super(3, kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return maxPool3d(x, this.options);
  }
}

export class AvgPool1d extends PoolNd<1, Omit<AvgPoolOptions<1>, "kernelSize">> {
  readonly type: string = "AvgPool1d";
  constructor(kernelSize: SizeArg<1>, options: Omit<AvgPoolOptions<1>, "kernelSize"> = {}) {
    super(1, kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return avgPool1d(x, this.options);
  }
}

export class AvgPool2d extends PoolNd<2, Omit<AvgPoolOptions<2>, "kernelSize">> {
  readonly type: string = "AvgPool2d";
  constructor(kernelSize: SizeArg<2>, options: Omit<AvgPoolOptions<2>, "kernelSize"> = {}) {
    super(2, kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.options);
  }
}

export class AvgPool3d extends PoolNd<3, Omit<AvgPoolOptions<3>, "kernelSize">> {
  readonly type: string = "AvgPool3d";
  constructor(kernelSize: SizeArg<3>, options: Omit<AvgPoolOptions<3>, "kernelSize"> = {}) {
    super(3, kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return avgPool3d(x, this.options);
  }
}

// ---------------------------------------------------------------------------------------------
// The layers a real network needs beside convolutions and pooling (functional ops in functional.ts).

/**
 * Fully connected layer, like torch.nn.Linear: x (*, inFeatures) -> (*, outFeatures), y = x W^T + b.
 * Weight (out, in) and bias (out) start U(-1/sqrt(in), 1/sqrt(in)), as in PyTorch.
 */
export class Linear extends Module {
  readonly type: string = "Linear";
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Tensor;
  bias: Tensor | null;
  constructor(inFeatures: number, outFeatures: number, { bias = true, seed }: { bias?: boolean; seed?: number } = {}) {
    super();
    checkChannels("Linear", "inFeatures", inFeatures);
    checkChannels("Linear", "outFeatures", outFeatures);
    check(typeof bias === "boolean", "Linear", () => `bias must be true or false, got ${JSON.stringify(bias)}`);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const bound = 1 / Math.sqrt(inFeatures);
    const next = seed === undefined ? initStream : mulberry32(seed);
    this.weight = uniform([outFeatures, inFeatures], bound, next);
    this.bias = bias ? uniform([outFeatures], bound, next) : null;
  }
  override ownParameters(): Tensor[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

/** Merges dimensions startDim..endDim (default 1..-1: everything but the batch), like torch.nn.Flatten. */
export class Flatten extends Module {
  readonly type: string = "Flatten";
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
    check(
      Number.isInteger(startDim) && Number.isInteger(endDim),
      "Flatten",
      () => `startDim and endDim must be integers, got ${JSON.stringify(startDim)} and ${JSON.stringify(endDim)}`,
    );
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
}

/** max(x, 0) elementwise, like torch.nn.ReLU. */
export class ReLU extends Module {
  readonly type: string = "ReLU";
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

export interface BatchNormLayerOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Kept for PyTorch parity; unused, since convkit runs batch norm in inference mode only. */
  momentum?: number;
  /** Learnable gamma and beta (default true). */
  affine?: boolean;
}

/**
 * Batch norm over the channels of (N, C, H, W) input, in inference mode (PyTorch's eval()):
 * y = (x - runningMean) / sqrt(runningVar + eps) * weight + bias. Starts as PyTorch does: mean 0,
 * var 1, weight 1, bias 0; set the tensors to load trained statistics.
 */
export class BatchNorm2d extends Module {
  readonly type: string = "BatchNorm2d";
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number;
  readonly affine: boolean;
  runningMean: Tensor;
  runningVar: Tensor;
  weight: Tensor | null;
  bias: Tensor | null;
  constructor(numFeatures: number, { eps = 1e-5, momentum = 0.1, affine = true }: BatchNormLayerOptions = {}) {
    super();
    const op = "BatchNorm2d";
    checkChannels(op, "numFeatures", numFeatures);
    check(
      typeof eps === "number" && eps >= 0,
      op,
      () => `eps must be a non-negative number, got ${JSON.stringify(eps)}`,
    );
    check(
      typeof momentum === "number" && momentum >= 0 && momentum <= 1,
      op,
      () => `momentum must be a number in [0, 1], got ${JSON.stringify(momentum)}`,
    );
    check(typeof affine === "boolean", op, () => `affine must be true or false, got ${JSON.stringify(affine)}`);
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.runningMean = new Tensor(new Float32Array(numFeatures), [numFeatures]);
    this.runningVar = new Tensor(new Float32Array(numFeatures).fill(1), [numFeatures]);
    this.weight = affine ? new Tensor(new Float32Array(numFeatures).fill(1), [numFeatures]) : null;
    this.bias = affine ? new Tensor(new Float32Array(numFeatures), [numFeatures]) : null;
  }
  override ownParameters(): Tensor[] {
    return this.weight && this.bias ? [this.weight, this.bias] : [];
  }
  forward(x: Tensor): Tensor {
    check(x.rank === 4, "BatchNorm2d", () => `expected 4D input (N, C, H, W), got ${formatShape(x.shape)}`);
    check(
      x.shape[1] === this.numFeatures,
      "BatchNorm2d",
      () => `input ${formatShape(x.shape)} has ${x.shape[1]} channels but the layer expects ${this.numFeatures}`,
    );
    return batchNorm(x, this.runningMean, this.runningVar, { weight: this.weight, bias: this.bias, eps: this.eps });
  }
}

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

/**
 * Sequential with named layers, like torch.nn.Sequential(OrderedDict(...)): the names show in
 * summaries (`conv1_1` instead of `0`). Model files load into one.
 */
export class NamedSequential extends Sequential {
  readonly names: string[];
  constructor(entries: readonly (readonly [string, Module])[]) {
    super(...entries.map(([, layer]) => layer));
    const names = entries.map(([name]) => String(name));
    const seen = new Set<string>();
    for (const name of names) {
      check(
        name.length > 0 && !name.includes("."),
        "NamedSequential",
        () => `layer names must be non-empty and contain no ".", got ${JSON.stringify(name)}`,
      );
      check(!seen.has(name), "NamedSequential", () => `duplicate layer name ${JSON.stringify(name)}`);
      seen.add(name);
    }
    this.names = names;
  }
  override children(): [string, Module][] {
    return this.layers.map((layer, i) => [this.names[i]!, layer]);
  }
}
