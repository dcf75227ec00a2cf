/** Batch norm in inference mode: a per-channel scale and shift (a pointwise window). */
import { numel } from "../core/arithmetic.js";
import { check, formatShape } from "../core/errors.js";
import { checkBoolean, checkOptions, checkPositiveInteger, formatValue } from "../core/validate.js";
import { Tensor } from "../core/tensor.js";
import { batchNorm, batchNormInfo } from "../ops/functional.js";
import { statsOf } from "../analysis/layer-stats.js";
import { checkParameterSize, Module } from "./module.js";
import { defineLayer, optionsOf, type SpecBase } from "./registry.js";

export interface BatchNormLayerOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Kept for PyTorch parity; unused, since convkit runs batch norm in inference mode only. */
  momentum?: number;
  /** Learnable gamma and beta (default true). */
  affine?: boolean;
}
const BATCH_NORM_OPTION_KEYS = ["eps", "momentum", "affine"] as const;

export type BatchNorm2dSpec = SpecBase & { type: "BatchNorm2d"; numFeatures: number } & BatchNormLayerOptions;

export interface ResolvedBatchNorm {
  numFeatures: number;
  affine: boolean;
  eps: number;
}

function checkNumber(op: string, name: string, value: unknown, ok: (v: number) => boolean, what: string): number {
  check(typeof value === "number" && ok(value), op, () => `${name} must be ${what}, got ${formatValue(value)}`);
  return value as number;
}

/** Infinity passes `>= 0` but batchNorm refuses it, whatever the input: the layer refuses it when built. */
function checkFiniteEps(op: string, eps: number): number {
  check(Number.isFinite(eps), op, () => `eps must be finite, got ${formatValue(eps)}`);
  return eps;
}

/** The options of a batch norm layer or spec, checked. */
function resolveBatchNorm(op: string, numFeatures: unknown, options: BatchNormLayerOptions) {
  const { eps = 1e-5, momentum = 0.1, affine = true } = options;
  return {
    numFeatures: checkPositiveInteger(op, "numFeatures", numFeatures),
    eps: checkFiniteEps(
      op,
      checkNumber(op, "eps", eps, (v) => v >= 0, "a non-negative number"),
    ),
    momentum: checkNumber(op, "momentum", momentum, (v) => v >= 0 && v <= 1, "a number in [0, 1]"),
    affine: checkBoolean(op, "affine", affine),
  };
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
  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super();
    const op = "BatchNorm2d";
    const { eps, momentum, affine } = resolveBatchNorm(
      op,
      numFeatures,
      checkOptions(op, options, BATCH_NORM_OPTION_KEYS),
    );
    const c = [numFeatures];
    const buffers: [string, number[]][] = [
      ["runningMean", c],
      ["runningVar", c],
    ];
    checkParameterSize(op, affine ? [...buffers, ["weight", c], ["bias", c]] : buffers, "numFeatures");
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

export const normalizationLayers = [
  defineLayer({
    type: "BatchNorm2d" as const,
    module: BatchNorm2d,
    required: ["numFeatures"],
    optional: BATCH_NORM_OPTION_KEYS,
    resolve: ({ type, name: _name, numFeatures, ...options }: BatchNorm2dSpec): ResolvedBatchNorm => {
      const { eps, affine } = resolveBatchNorm(type, numFeatures, options);
      return { numFeatures, affine, eps };
    },
    stats: (layer, inputShape, op) => {
      check(inputShape.length === 4, op, () => `expected 4D input (N, C, H, W), got ${formatShape(inputShape)}`);
      const c = [layer.numFeatures];
      const info = batchNormInfo(op, inputShape, c, c, layer.affine ? c : null, layer.affine ? c : null);
      const n = numel(inputShape);
      const params = layer.affine ? layer.numFeatures : 0;
      return statsOf(op, inputShape, info.outputShape, {
        weight: params,
        bias: params,
        buffers: 2 * layer.numFeatures,
        otherOps: 2 * n, // y = a_c x + b_c: one multiply and one add per element
        counts: {
          torchinfo: inputShape[0]! * 2 * params,
          thop: 2 * n * (layer.affine ? 2 : 1),
          fvcore: n * (layer.affine ? 2 : 1),
          ptflops: n * (layer.affine ? 2 : 1),
        },
        window: { kind: "pointwise" },
      });
    },
    build: (spec) => {
      const { numFeatures, ...options } = optionsOf(spec);
      return new BatchNorm2d(numFeatures, options);
    },
    toSpec: (layer): BatchNorm2dSpec => ({
      type: "BatchNorm2d",
      numFeatures: layer.numFeatures,
      eps: layer.eps,
      momentum: layer.momentum,
      affine: layer.affine,
    }),
  }),
] as const;
