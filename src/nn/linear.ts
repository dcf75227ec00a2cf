/** Fully connected layers and the Flatten that feeds them (their window is global: spatial dimensions end here). */
import { numel } from "../core/arithmetic.js";
import { check } from "../core/errors.js";
import { checkBoolean, checkInteger, checkOptions, checkPositiveInteger, formatValue } from "../core/validate.js";
import type { Tensor } from "../core/tensor.js";
import { flatten, flattenShape, linear, linearInfo } from "../ops/functional.js";
import { statsOf } from "../analysis/layer-stats.js";
import { checkParameterSize, initialStream, Module, uniform } from "./module.js";
import { defineLayer, seeded, type SpecBase } from "./registry.js";

export interface LinearLayerOptions {
  /** Add a learnable bias (default true). */
  bias?: boolean;
  /** Seed for this layer's initial weights; without it, the global stream (manualSeed). */
  seed?: number;
}
const LINEAR_OPTION_KEYS = ["bias", "seed"] as const;

export type LinearSpec = SpecBase & { type: "Linear"; inFeatures: number; outFeatures: number; bias?: boolean };
export type FlattenSpec = SpecBase & { type: "Flatten"; startDim?: number; endDim?: number };

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
  constructor(inFeatures: number, outFeatures: number, options: LinearLayerOptions = {}) {
    super();
    const op = "Linear";
    const { bias = true, seed } = checkOptions(op, options, LINEAR_OPTION_KEYS);
    checkPositiveInteger(op, "inFeatures", inFeatures);
    checkPositiveInteger(op, "outFeatures", outFeatures);
    checkBoolean(op, "bias", bias);
    checkParameterSize(
      op,
      bias
        ? [
            ["weight", [outFeatures, inFeatures]],
            ["bias", [outFeatures]],
          ]
        : [["weight", [outFeatures, inFeatures]]],
      "inFeatures and outFeatures",
    );
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const bound = 1 / Math.sqrt(inFeatures);
    const next = initialStream(op, seed);
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
      () => `startDim and endDim must be integers, got ${formatValue(startDim)} and ${formatValue(endDim)}`,
    );
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
}

export interface ResolvedLinear {
  inFeatures: number;
  outFeatures: number;
  bias: boolean;
}

export const linearLayers = [
  defineLayer({
    type: "Linear" as const,
    module: Linear,
    required: ["inFeatures", "outFeatures"],
    optional: LINEAR_OPTION_KEYS.filter((k) => k !== "seed"),
    resolve: (spec: LinearSpec): ResolvedLinear => ({
      inFeatures: checkPositiveInteger("Linear", "inFeatures", spec.inFeatures),
      outFeatures: checkPositiveInteger("Linear", "outFeatures", spec.outFeatures),
      bias: checkBoolean("Linear", "bias", spec.bias ?? true),
    }),
    stats: (layer, inputShape, type) => {
      const info = linearInfo(
        type,
        inputShape,
        [layer.outFeatures, layer.inFeatures],
        layer.bias ? [layer.outFeatures] : null,
      );
      const weight = layer.inFeatures * layer.outFeatures;
      const bias = layer.bias ? layer.outFeatures : 0;
      const macs = info.rows * weight;
      return statsOf(type, inputShape, info.outputShape, {
        weight,
        bias,
        macs,
        biasAdds: layer.bias ? info.rows * layer.outFeatures : 0,
        counts: {
          torchinfo: info.outputShape[0]! * (weight + bias),
          thop: layer.inFeatures * numel(info.outputShape),
          fvcore: macs,
          ptflops: macs + bias,
          pytorch: 2 * macs,
        },
        window: { kind: "global" },
      });
    },
    build: (spec, seed) =>
      new Linear(spec.inFeatures, spec.outFeatures, {
        ...(spec.bias === undefined ? {} : { bias: spec.bias }),
        ...seeded(seed),
      }),
    toSpec: (layer): LinearSpec => ({
      type: "Linear",
      inFeatures: layer.inFeatures,
      outFeatures: layer.outFeatures,
      bias: layer.bias !== null,
    }),
  }),
  defineLayer({
    type: "Flatten" as const,
    module: Flatten,
    required: [],
    optional: ["startDim", "endDim"],
    resolve: (spec: FlattenSpec) => ({
      startDim: checkInteger("Flatten", "startDim", spec.startDim ?? 1),
      endDim: checkInteger("Flatten", "endDim", spec.endDim ?? -1),
    }),
    stats: ({ startDim, endDim }, inputShape, type) =>
      statsOf(type, inputShape, flattenShape(type, inputShape, startDim, endDim), {
        reads: false,
        window: { kind: "global" },
      }),
    build: (spec) => new Flatten(spec.startDim ?? 1, spec.endDim ?? -1),
    toSpec: (layer): FlattenSpec => ({ type: "Flatten", startDim: layer.startDim, endDim: layer.endDim }),
  }),
] as const;
