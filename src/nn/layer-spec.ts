/**
 * Layers as data. A LayerSpec is a plain JSON object naming a layer type and its constructor
 * options, e.g. `{type: "Conv2d", inChannels: 3, outChannels: 64, kernelSize: 3, padding: 1}`.
 * Specs are what model files hold (model-json.ts), and what the cost model and the receptive-field
 * code work on: they need shapes only, so a 138-million-parameter VGG-16 is counted without
 * allocating its weights. Modules convert to specs (`layerSpec`) and specs build modules
 * (`buildLayer`); `resolveLayer` validates either into the normalized form the counters read.
 *
 * Option names and defaults are the layer constructors' (layers.ts), which follow torch.nn.
 */
import {
  checkDivisibleByGroups,
  checkOutputPadding,
  checkPadding,
  checkPaddingMode,
  expandSize,
  type PaddingMode,
  type SpatialRank,
} from "../core/arithmetic.js";
import { checkPositiveInteger } from "../core/validate.js";
import { check, ConvError } from "../core/errors.js";
import type { AdaptiveSize } from "../ops/functional.js";
import {
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
  Linear,
  MaxPool1d,
  MaxPool2d,
  MaxPool3d,
  Module,
  NamedSequential,
  PointwiseConv2d,
  ReLU,
  SeparableConv2d,
  Sequential,
} from "./layers.js";

type Size = number | readonly number[];
type Padding = Size | "same" | "valid";

interface Named {
  /** Shown in summaries; defaults to the layer's index in its parent. */
  name?: string;
}
export interface ConvSpec extends Named {
  type: "Conv1d" | "Conv2d" | "Conv3d";
  inChannels: number;
  outChannels: number;
  kernelSize: Size;
  stride?: Size;
  padding?: Padding;
  dilation?: Size;
  groups?: number;
  bias?: boolean;
  paddingMode?: PaddingMode;
}
export interface ConvTransposeSpec extends Named {
  type: "ConvTranspose1d" | "ConvTranspose2d" | "ConvTranspose3d";
  inChannels: number;
  outChannels: number;
  kernelSize: Size;
  stride?: Size;
  padding?: Size;
  outputPadding?: Size;
  dilation?: Size;
  groups?: number;
  bias?: boolean;
}
export interface DepthwiseConv2dSpec extends Named {
  type: "DepthwiseConv2d";
  channels: number;
  kernelSize: Size;
  channelMultiplier?: number;
  stride?: Size;
  padding?: Padding;
  dilation?: Size;
  bias?: boolean;
  paddingMode?: PaddingMode;
}
export interface PointwiseConv2dSpec extends Named {
  type: "PointwiseConv2d";
  inChannels: number;
  outChannels: number;
  stride?: Size;
  groups?: number;
  bias?: boolean;
}
export interface SeparableConv2dSpec extends Named {
  type: "SeparableConv2d";
  inChannels: number;
  outChannels: number;
  kernelSize: Size;
  stride?: Size;
  padding?: Padding;
  dilation?: Size;
  bias?: boolean;
  paddingMode?: PaddingMode;
}
export interface GroupedSeparableConv2dSpec extends Omit<SeparableConv2dSpec, "type"> {
  type: "GroupedSeparableConv2d";
  groups?: number;
}
export interface MaxPoolSpec extends Named {
  type: "MaxPool1d" | "MaxPool2d" | "MaxPool3d";
  kernelSize: Size;
  stride?: Size;
  padding?: Size;
  dilation?: Size;
  ceilMode?: boolean;
}
export interface AvgPoolSpec extends Named {
  type: "AvgPool1d" | "AvgPool2d" | "AvgPool3d";
  kernelSize: Size;
  stride?: Size;
  padding?: Size;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}
export interface LinearSpec extends Named {
  type: "Linear";
  inFeatures: number;
  outFeatures: number;
  bias?: boolean;
}
export interface FlattenSpec extends Named {
  type: "Flatten";
  startDim?: number;
  endDim?: number;
}
export interface ReLUSpec extends Named {
  type: "ReLU";
}
export interface BatchNorm2dSpec extends Named {
  type: "BatchNorm2d";
  numFeatures: number;
  eps?: number;
  momentum?: number;
  affine?: boolean;
}
export interface AdaptiveAvgPool2dSpec extends Named {
  type: "AdaptiveAvgPool2d";
  outputSize: AdaptiveSize<2>;
}
export interface ChannelShuffleSpec extends Named {
  type: "ChannelShuffle";
  groups: number;
}
export interface SequentialSpec extends Named {
  type: "Sequential";
  layers: LayerSpec[];
}

/** Any layer convkit can build and count, as JSON. */
export type LayerSpec =
  | ConvSpec
  | ConvTransposeSpec
  | DepthwiseConv2dSpec
  | PointwiseConv2dSpec
  | SeparableConv2dSpec
  | GroupedSeparableConv2dSpec
  | MaxPoolSpec
  | AvgPoolSpec
  | LinearSpec
  | FlattenSpec
  | ReLUSpec
  | BatchNorm2dSpec
  | AdaptiveAvgPool2dSpec
  | ChannelShuffleSpec
  | SequentialSpec;

export type LayerType = LayerSpec["type"];

/** Required options, then optional ones, of every layer type a spec may name. */
export const LAYER_OPTIONS: Readonly<Record<LayerType, { required: readonly string[]; optional: readonly string[] }>> =
  (() => {
    const conv = {
      required: ["inChannels", "outChannels", "kernelSize"],
      optional: ["stride", "padding", "dilation", "groups", "bias", "paddingMode"],
    };
    const convT = {
      required: ["inChannels", "outChannels", "kernelSize"],
      optional: ["stride", "padding", "outputPadding", "dilation", "groups", "bias"],
    };
    const maxPool = { required: ["kernelSize"], optional: ["stride", "padding", "dilation", "ceilMode"] };
    const avgPool = { required: ["kernelSize"], optional: ["stride", "padding", "ceilMode", "countIncludePad"] };
    const separable = {
      required: ["inChannels", "outChannels", "kernelSize"],
      optional: ["stride", "padding", "dilation", "bias", "paddingMode"],
    };
    return {
      Conv1d: conv,
      Conv2d: conv,
      Conv3d: conv,
      ConvTranspose1d: convT,
      ConvTranspose2d: convT,
      ConvTranspose3d: convT,
      DepthwiseConv2d: {
        required: ["channels", "kernelSize"],
        optional: ["channelMultiplier", "stride", "padding", "dilation", "bias", "paddingMode"],
      },
      PointwiseConv2d: { required: ["inChannels", "outChannels"], optional: ["stride", "groups", "bias"] },
      SeparableConv2d: separable,
      GroupedSeparableConv2d: { required: separable.required, optional: [...separable.optional, "groups"] },
      MaxPool1d: maxPool,
      MaxPool2d: maxPool,
      MaxPool3d: maxPool,
      AvgPool1d: avgPool,
      AvgPool2d: avgPool,
      AvgPool3d: avgPool,
      Linear: { required: ["inFeatures", "outFeatures"], optional: ["bias"] },
      Flatten: { required: [], optional: ["startDim", "endDim"] },
      ReLU: { required: [], optional: [] },
      BatchNorm2d: { required: ["numFeatures"], optional: ["eps", "momentum", "affine"] },
      AdaptiveAvgPool2d: { required: ["outputSize"], optional: [] },
      ChannelShuffle: { required: ["groups"], optional: [] },
      Sequential: { required: ["layers"], optional: [] },
    };
  })();

export const LAYER_TYPES = Object.keys(LAYER_OPTIONS) as LayerType[];

/** A layer validated and normalized: sizes expanded per dimension, defaults filled in. */
export type ResolvedLayer =
  | {
      kind: "conv";
      type: string;
      rank: SpatialRank;
      inChannels: number;
      outChannels: number;
      weightShape: number[];
      bias: boolean;
      options: ResolvedConvOptions;
    }
  | {
      kind: "convTranspose";
      type: string;
      rank: SpatialRank;
      inChannels: number;
      outChannels: number;
      weightShape: number[];
      bias: boolean;
      options: ResolvedConvTransposeOptions;
    }
  | { kind: "maxPool"; type: string; rank: SpatialRank; options: ResolvedPoolOptions }
  | { kind: "avgPool"; type: string; rank: SpatialRank; options: ResolvedPoolOptions; countIncludePad: boolean }
  | { kind: "linear"; type: string; inFeatures: number; outFeatures: number; bias: boolean }
  | { kind: "flatten"; type: string; startDim: number; endDim: number }
  | { kind: "relu"; type: string }
  | { kind: "batchNorm"; type: string; numFeatures: number; affine: boolean; eps: number }
  | { kind: "adaptiveAvgPool"; type: string; rank: 2; outputSize: AdaptiveSize<2> }
  | { kind: "channelShuffle"; type: string; groups: number }
  /** Children run one after the other: Sequential, SeparableConv2d, GroupedSeparableConv2d. */
  | { kind: "sequence"; type: string; children: [string, ResolvedLayer][] };

/** Conv options with one entry per spatial dimension (assignable to ConvOptions of any rank). */
export interface ResolvedConvOptions {
  stride: number[];
  padding: number[] | "same" | "valid";
  dilation: number[];
  groups: number;
  paddingMode: PaddingMode;
}
export interface ResolvedConvTransposeOptions {
  stride: number[];
  padding: number[];
  outputPadding: number[];
  dilation: number[];
  groups: number;
}
export interface ResolvedPoolOptions {
  kernelSize: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  ceilMode: boolean;
}

const RANK: Record<string, SpatialRank> = {
  Conv1d: 1,
  Conv2d: 2,
  Conv3d: 3,
  ConvTranspose1d: 1,
  ConvTranspose2d: 2,
  ConvTranspose3d: 3,
  MaxPool1d: 1,
  MaxPool2d: 2,
  MaxPool3d: 3,
  AvgPool1d: 1,
  AvgPool2d: 2,
  AvgPool3d: 3,
};

const positiveInt = checkPositiveInteger;

function integer(op: string, name: string, value: unknown): number {
  check(
    typeof value === "number" && Number.isInteger(value),
    op,
    () => `${name} must be an integer, got ${JSON.stringify(value)}`,
  );
  return value;
}

function boolean(op: string, name: string, value: unknown): boolean {
  check(typeof value === "boolean", op, () => `${name} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

const convPadding = checkPadding;

const paddingMode = checkPaddingMode;

function divides(op: string, groups: number, what: string, channels: number): void {
  checkDivisibleByGroups(op, what, channels, groups);
}

/** Throws unless `spec` holds only the options its type takes, and every required one. */
function checkKeys(op: string, spec: Record<string, unknown>, type: LayerType): void {
  const { required, optional } = LAYER_OPTIONS[type];
  const allowed = new Set(["type", "name", ...required, ...optional]);
  for (const key of Object.keys(spec)) {
    check(
      allowed.has(key),
      op,
      () =>
        `unknown option ${JSON.stringify(key)}; ${type} takes ${[...required, ...optional].join(", ") || "no options"}`,
    );
  }
  for (const key of required)
    check(spec[key] !== undefined, op, () => `missing required option ${JSON.stringify(key)}`);
  if (spec.name !== undefined) {
    check(
      typeof spec.name === "string" && spec.name.length > 0 && !spec.name.includes("."),
      op,
      () => `name must be a non-empty string without ".", got ${JSON.stringify(spec.name)}`,
    );
  }
}

/** The options every convolution layer spec shares, checked: channels, kernel, stride, dilation, groups, bias. */
function convCommon(op: string, rank: SpatialRank, s: Record<string, unknown>) {
  const inChannels = positiveInt(op, "inChannels", s.inChannels);
  const outChannels = positiveInt(op, "outChannels", s.outChannels);
  const kernelSize = expandSize(op, "kernelSize", s.kernelSize, rank);
  const stride = expandSize(op, "stride", s.stride ?? 1, rank);
  const dilation = expandSize(op, "dilation", s.dilation ?? 1, rank);
  const groups = positiveInt(op, "groups", s.groups ?? 1);
  divides(op, groups, "inChannels", inChannels);
  divides(op, groups, "outChannels", outChannels);
  const bias = boolean(op, "bias", s.bias ?? true);
  return { inChannels, outChannels, kernelSize, stride, dilation, groups, bias };
}

function resolveConv(op: string, type: string, rank: SpatialRank, s: Record<string, unknown>): ResolvedLayer {
  const { inChannels, outChannels, kernelSize, stride, dilation, groups, bias } = convCommon(op, rank, s);
  const padding = convPadding(op, s.padding ?? 0, rank, stride);
  const mode = paddingMode(op, s.paddingMode ?? "zeros");
  return {
    kind: "conv",
    type,
    rank,
    inChannels,
    outChannels,
    bias,
    weightShape: [outChannels, inChannels / groups, ...kernelSize],
    options: { stride, padding, dilation, groups, paddingMode: mode },
  };
}

function resolveConvTranspose(op: string, type: string, rank: SpatialRank, s: Record<string, unknown>): ResolvedLayer {
  const { inChannels, outChannels, kernelSize, stride, dilation, groups, bias } = convCommon(op, rank, s);
  const padding = expandSize(op, "padding", s.padding ?? 0, rank, { min: 0 });
  const outputPadding = expandSize(op, "outputPadding", s.outputPadding ?? 0, rank, { min: 0 });
  checkOutputPadding(op, outputPadding, stride, dilation);
  return {
    kind: "convTranspose",
    type,
    rank,
    inChannels,
    outChannels,
    bias,
    weightShape: [inChannels, outChannels / groups, ...kernelSize],
    options: { stride, padding, outputPadding, dilation, groups },
  };
}

function resolvePool(
  op: string,
  type: string,
  rank: SpatialRank,
  s: Record<string, unknown>,
  max: boolean,
): ResolvedLayer {
  const kernelSize = expandSize(op, "kernelSize", s.kernelSize, rank);
  const stride =
    s.stride === undefined || s.stride === null ? kernelSize.slice() : expandSize(op, "stride", s.stride, rank);
  const padding = expandSize(op, "padding", s.padding ?? 0, rank, { min: 0 });
  const ceilMode = boolean(op, "ceilMode", s.ceilMode ?? false);
  if (max) {
    const dilation = expandSize(op, "dilation", s.dilation ?? 1, rank);
    return { kind: "maxPool", type, rank, options: { kernelSize, stride, padding, dilation, ceilMode } };
  }
  const countIncludePad = boolean(op, "countIncludePad", s.countIncludePad ?? true);
  return {
    kind: "avgPool",
    type,
    rank,
    options: { kernelSize, stride, padding, dilation: kernelSize.map(() => 1), ceilMode },
    countIncludePad,
  };
}

/** Validates a spec (from a file or code) and normalizes it. Throws ConvError naming the type and option. */
export function resolveSpec(spec: unknown): ResolvedLayer {
  check(
    spec !== null && typeof spec === "object" && !Array.isArray(spec),
    "layer",
    () => `expected a layer object like {"type": "Conv2d", ...}, got ${JSON.stringify(spec)}`,
  );
  const s = spec as Record<string, unknown>;
  const type = s.type;
  check(
    typeof type === "string" && type in LAYER_OPTIONS,
    "layer",
    () => `unknown layer type ${JSON.stringify(type)}; expected one of ${LAYER_TYPES.join(", ")}`,
  );
  const t = type as LayerType;
  const op = t;
  checkKeys(op, s, t);
  switch (t) {
    case "Conv1d":
    case "Conv2d":
    case "Conv3d":
      return resolveConv(op, t, RANK[t]!, s);
    case "ConvTranspose1d":
    case "ConvTranspose2d":
    case "ConvTranspose3d":
      return resolveConvTranspose(op, t, RANK[t]!, s);
    case "DepthwiseConv2d": {
      const channels = positiveInt(op, "channels", s.channels);
      const multiplier = positiveInt(op, "channelMultiplier", s.channelMultiplier ?? 1);
      const { channels: _c, channelMultiplier: _m, ...rest } = s;
      return {
        ...resolveConv(op, t, 2, {
          ...rest,
          inChannels: channels,
          outChannels: channels * multiplier,
          groups: channels,
        }),
        type: t,
      };
    }
    case "PointwiseConv2d":
      return resolveConv(op, t, 2, { ...s, kernelSize: 1 });
    case "SeparableConv2d":
    case "GroupedSeparableConv2d": {
      const { inChannels, outChannels, kernelSize, stride, padding, dilation, bias, paddingMode: mode, groups } = s;
      const g = t === "GroupedSeparableConv2d" ? positiveInt(op, "groups", groups ?? 1) : 1;
      positiveInt(op, "inChannels", inChannels);
      positiveInt(op, "outChannels", outChannels);
      divides(op, g, "inChannels", inChannels as number);
      divides(op, g, "outChannels", outChannels as number);
      const depthwise = {
        type: "DepthwiseConv2d",
        channels: inChannels,
        kernelSize,
        stride,
        padding,
        dilation,
        bias,
        paddingMode: mode,
      };
      const pointwise =
        t === "SeparableConv2d"
          ? { type: "PointwiseConv2d", inChannels, outChannels, bias }
          : { type: "Conv2d", inChannels, outChannels, kernelSize: 1, groups: g, bias };
      return {
        kind: "sequence",
        type: t,
        children: [
          ["depthwise", resolveSpec(dropUndefined(depthwise))],
          ["pointwise", resolveSpec(dropUndefined(pointwise))],
        ],
      };
    }
    case "MaxPool1d":
    case "MaxPool2d":
    case "MaxPool3d":
      return resolvePool(op, t, RANK[t]!, s, true);
    case "AvgPool1d":
    case "AvgPool2d":
    case "AvgPool3d":
      return resolvePool(op, t, RANK[t]!, s, false);
    case "Linear":
      return {
        kind: "linear",
        type: t,
        inFeatures: positiveInt(op, "inFeatures", s.inFeatures),
        outFeatures: positiveInt(op, "outFeatures", s.outFeatures),
        bias: boolean(op, "bias", s.bias ?? true),
      };
    case "Flatten":
      return {
        kind: "flatten",
        type: t,
        startDim: integer(op, "startDim", s.startDim ?? 1),
        endDim: integer(op, "endDim", s.endDim ?? -1),
      };
    case "ReLU":
      return { kind: "relu", type: t };
    case "BatchNorm2d": {
      const eps = s.eps ?? 1e-5;
      check(
        typeof eps === "number" && eps >= 0,
        op,
        () => `eps must be a non-negative number, got ${JSON.stringify(eps)}`,
      );
      const momentum = s.momentum ?? 0.1;
      check(
        typeof momentum === "number" && momentum >= 0 && momentum <= 1,
        op,
        () => `momentum must be a number in [0, 1], got ${JSON.stringify(momentum)}`,
      );
      return {
        kind: "batchNorm",
        type: t,
        numFeatures: positiveInt(op, "numFeatures", s.numFeatures),
        affine: boolean(op, "affine", s.affine ?? true),
        eps,
      };
    }
    case "AdaptiveAvgPool2d": {
      const size = s.outputSize;
      const ok = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 1;
      check(
        ok(size) || (Array.isArray(size) && size.length === 2 && size.every((v) => v === null || ok(v))),
        op,
        () =>
          `outputSize must be a positive integer or an array of 2 (positive integers or null), got ${JSON.stringify(size)}`,
      );
      return { kind: "adaptiveAvgPool", type: t, rank: 2, outputSize: size as AdaptiveSize<2> };
    }
    case "ChannelShuffle":
      return { kind: "channelShuffle", type: t, groups: positiveInt(op, "groups", s.groups) };
    case "Sequential": {
      check(
        Array.isArray(s.layers),
        op,
        () => `layers must be an array of layer objects, got ${JSON.stringify(s.layers)}`,
      );
      return { kind: "sequence", type: t, children: resolveChildren(s.layers as unknown[]) };
    }
  }
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Where in a model a layer sits, for messages: `layer 3 "conv2_1"` or `layer 3`. */
export function describeLayer(index: number | string, name?: string): string {
  return name === undefined || name === String(index) ? `layer ${index}` : `layer ${index} ${JSON.stringify(name)}`;
}

/** Resolves the layers of a Sequential spec, naming them by `name` or index; errors say which layer. */
function resolveChildren(layers: readonly unknown[]): [string, ResolvedLayer][] {
  const seen = new Set<string>();
  return layers.map((layer, i) => {
    const raw = layer !== null && typeof layer === "object" ? (layer as { name?: unknown }).name : undefined;
    const name = typeof raw === "string" ? raw : String(i);
    const resolved = withContext("Sequential", describeLayer(i, typeof raw === "string" ? raw : undefined), () =>
      resolveSpec(layer),
    );
    check(
      !seen.has(name),
      "Sequential",
      () => `${describeLayer(i, name)}: duplicate layer name ${JSON.stringify(name)}`,
    );
    seen.add(name);
    return [name, resolved];
  });
}

/** Runs fn; a ConvError it throws is rethrown by `op` with `where` in front. */
export function withContext<T>(op: string, where: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ConvError) throw new ConvError(op, `${where}: ${error.message}`);
    throw error;
  }
}

/** The spec of a module, with its current options (parameter values are not included). */
export function layerSpec(layer: Module): LayerSpec {
  const common = (l: ConvNd<SpatialRank> | ConvTransposeNd<SpatialRank>) => ({
    kernelSize: [...l.kernelSize],
    stride: [...l.stride],
    dilation: [...l.dilation],
    bias: l.bias !== null,
  });
  if (layer instanceof DepthwiseConv2d) {
    const { paddingMode, padding } = layer;
    return {
      type: "DepthwiseConv2d",
      channels: layer.inChannels,
      channelMultiplier: layer.channelMultiplier,
      ...common(layer),
      padding: typeof padding === "string" ? padding : [...padding],
      paddingMode,
    };
  }
  if (layer instanceof PointwiseConv2d) {
    return {
      type: "PointwiseConv2d",
      inChannels: layer.inChannels,
      outChannels: layer.outChannels,
      stride: [...layer.stride],
      groups: layer.groups,
      bias: layer.bias !== null,
    };
  }
  if (layer instanceof ConvNd) {
    const type = (["Conv1d", "Conv2d", "Conv3d"] as const)[layer.rank - 1]!;
    const padding = layer.padding;
    return {
      type,
      inChannels: layer.inChannels,
      outChannels: layer.outChannels,
      ...common(layer),
      padding: typeof padding === "string" ? padding : [...padding],
      groups: layer.groups,
      paddingMode: layer.paddingMode,
    };
  }
  if (layer instanceof ConvTransposeNd) {
    const type = (["ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"] as const)[layer.rank - 1]!;
    return {
      type,
      inChannels: layer.inChannels,
      outChannels: layer.outChannels,
      ...common(layer),
      padding: [...layer.padding],
      outputPadding: [...layer.outputPadding],
      groups: layer.groups,
    };
  }
  if (layer instanceof SeparableConv2d || layer instanceof GroupedSeparableConv2d) {
    const dw = layer.depthwise;
    const padding = dw.padding;
    return {
      type: layer instanceof SeparableConv2d ? "SeparableConv2d" : "GroupedSeparableConv2d",
      inChannels: dw.inChannels,
      outChannels: layer.pointwise.outChannels,
      kernelSize: [...dw.kernelSize],
      stride: [...dw.stride],
      padding: typeof padding === "string" ? padding : [...padding],
      dilation: [...dw.dilation],
      bias: dw.bias !== null,
      paddingMode: dw.paddingMode,
      ...(layer instanceof GroupedSeparableConv2d ? { groups: layer.groups } : {}),
    } as SeparableConv2dSpec | GroupedSeparableConv2dSpec;
  }
  for (const [Pool, type] of [
    [MaxPool1d, "MaxPool1d"],
    [MaxPool2d, "MaxPool2d"],
    [MaxPool3d, "MaxPool3d"],
    [AvgPool1d, "AvgPool1d"],
    [AvgPool2d, "AvgPool2d"],
    [AvgPool3d, "AvgPool3d"],
  ] as const) {
    if (layer instanceof Pool) return { type, ...(layer.options as object) } as MaxPoolSpec | AvgPoolSpec;
  }
  if (layer instanceof Linear)
    return { type: "Linear", inFeatures: layer.inFeatures, outFeatures: layer.outFeatures, bias: layer.bias !== null };
  if (layer instanceof Flatten) return { type: "Flatten", startDim: layer.startDim, endDim: layer.endDim };
  if (layer instanceof ReLU) return { type: "ReLU" };
  if (layer instanceof BatchNorm2d)
    return {
      type: "BatchNorm2d",
      numFeatures: layer.numFeatures,
      eps: layer.eps,
      momentum: layer.momentum,
      affine: layer.affine,
    };
  if (layer instanceof AdaptiveAvgPool2d) return { type: "AdaptiveAvgPool2d", outputSize: layer.outputSize };
  if (layer instanceof ChannelShuffle) return { type: "ChannelShuffle", groups: layer.groups };
  if (layer instanceof Sequential) {
    return {
      type: "Sequential",
      layers: layer
        .children()
        .map(([name, child], i) => (name === String(i) ? layerSpec(child) : { ...layerSpec(child), name })),
    };
  }
  throw new ConvError(
    "layerSpec",
    `unsupported layer type ${JSON.stringify(layer?.type ?? typeof layer)}; convkit counts ${LAYER_TYPES.join(", ")}`,
  );
}

/** Validates and normalizes a module or a spec. */
export function resolveLayer(layer: Module | LayerSpec): ResolvedLayer {
  return resolveSpec(layer instanceof Module ? layerSpec(layer) : layer);
}

/** What summary() and receptiveField() take: a module, a spec, or a list of them run in order. */
export type ModelInput = Module | LayerSpec | readonly (Module | LayerSpec)[];

/** Resolves a model into one validated tree; list entries are named by their spec's name or index. */
export function resolveModel(model: ModelInput): ResolvedLayer {
  if (!Array.isArray(model)) return resolveLayer(model as Module | LayerSpec);
  const list = model as readonly (Module | LayerSpec)[];
  return {
    kind: "sequence",
    type: "Sequential",
    children: list.map((layer, i): [string, ResolvedLayer] => {
      const raw = layer instanceof Module ? undefined : (layer as { name?: unknown }).name;
      const name = typeof raw === "string" ? raw : String(i);
      return [
        name,
        withContext("model", describeLayer(i, typeof raw === "string" ? raw : undefined), () => resolveLayer(layer)),
      ];
    }),
  };
}

/** Builds the module a spec describes (allocating and initialising its parameters). */
export function buildLayer(spec: LayerSpec, { seed }: { seed?: number } = {}): Module {
  resolveSpec(spec); // validate everything first, with the spec's own messages
  const { type, name: _name, ...o } = spec as LayerSpec & Record<string, unknown>;
  const opts = (keys: readonly string[]) =>
    Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
  const seedOpt = seed === undefined ? {} : { seed };
  const a = o as Record<string, never>;
  switch (type) {
    case "Conv1d":
    case "Conv2d":
    case "Conv3d": {
      const Layer = { Conv1d, Conv2d, Conv3d }[type] as typeof Conv2d;
      return new Layer(a.inChannels, a.outChannels, a.kernelSize, {
        ...opts(LAYER_OPTIONS[type].optional),
        ...seedOpt,
      });
    }
    case "ConvTranspose1d":
    case "ConvTranspose2d":
    case "ConvTranspose3d": {
      const Layer = { ConvTranspose1d, ConvTranspose2d, ConvTranspose3d }[type] as typeof ConvTranspose2d;
      return new Layer(a.inChannels, a.outChannels, a.kernelSize, {
        ...opts(LAYER_OPTIONS[type].optional),
        ...seedOpt,
      });
    }
    case "DepthwiseConv2d":
      return new DepthwiseConv2d(a.channels, a.kernelSize, { ...opts(LAYER_OPTIONS[type].optional), ...seedOpt });
    case "PointwiseConv2d":
      return new PointwiseConv2d(a.inChannels, a.outChannels, { ...opts(LAYER_OPTIONS[type].optional), ...seedOpt });
    case "SeparableConv2d":
      return new SeparableConv2d(a.inChannels, a.outChannels, a.kernelSize, {
        ...opts(LAYER_OPTIONS[type].optional),
        ...seedOpt,
      });
    case "GroupedSeparableConv2d":
      return new GroupedSeparableConv2d(a.inChannels, a.outChannels, a.kernelSize, {
        ...opts(LAYER_OPTIONS[type].optional),
        ...seedOpt,
      });
    case "MaxPool1d":
    case "MaxPool2d":
    case "MaxPool3d": {
      const Layer = { MaxPool1d, MaxPool2d, MaxPool3d }[type] as typeof MaxPool2d;
      return new Layer(a.kernelSize, opts(LAYER_OPTIONS[type].optional));
    }
    case "AvgPool1d":
    case "AvgPool2d":
    case "AvgPool3d": {
      const Layer = { AvgPool1d, AvgPool2d, AvgPool3d }[type] as typeof AvgPool2d;
      return new Layer(a.kernelSize, opts(LAYER_OPTIONS[type].optional));
    }
    case "Linear":
      return new Linear(a.inFeatures, a.outFeatures, { ...opts(["bias"]), ...seedOpt });
    case "Flatten":
      return new Flatten(a.startDim ?? 1, a.endDim ?? -1);
    case "ReLU":
      return new ReLU();
    case "BatchNorm2d":
      return new BatchNorm2d(a.numFeatures, opts(LAYER_OPTIONS[type].optional));
    case "AdaptiveAvgPool2d":
      return new AdaptiveAvgPool2d(a.outputSize);
    case "ChannelShuffle":
      return new ChannelShuffle(a.groups);
    case "Sequential": {
      const layers = (o.layers as LayerSpec[]).map((child, i): [string, Module] => [
        child.name ?? String(i),
        buildLayer(child, seed === undefined ? {} : { seed: seed + 1000 * i }),
      ]);
      return new NamedSequential(layers);
    }
  }
}
