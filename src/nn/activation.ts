/** Elementwise layers: each output element depends on its input element alone (a pointwise window). */
import { checkShapeSizes, numel } from "../core/arithmetic.js";
import type { Tensor } from "../core/tensor.js";
import { relu } from "../ops/functional.js";
import { statsOf } from "../analysis/layer-stats.js";
import { Module } from "./module.js";
import { defineLayer, type SpecBase } from "./registry.js";

export type ReLUSpec = SpecBase & { type: "ReLU" };
export type IdentitySpec = SpecBase & { type: "Identity" };

/** max(x, 0) elementwise, like torch.nn.ReLU. */
export class ReLU extends Module {
  readonly type: string = "ReLU";
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** Returns its input unchanged, like torch.nn.Identity: a placeholder where a block has no layer. */
export class Identity extends Module {
  readonly type: string = "Identity";
  forward(x: Tensor): Tensor {
    return x;
  }
}

export const activationLayers = [
  defineLayer({
    type: "ReLU" as const,
    module: ReLU,
    required: [],
    optional: [],
    resolve: (_spec: ReLUSpec) => null,
    stats: (_resolved, inputShape, type) => {
      checkShapeSizes(type, inputShape, "input");
      const n = numel(inputShape);
      return statsOf(type, inputShape, inputShape, {
        otherOps: n,
        counts: { ptflops: n },
        window: { kind: "pointwise" },
      });
    },
    build: () => new ReLU(),
    toSpec: (): ReLUSpec => ({ type: "ReLU" }),
  }),
  defineLayer({
    type: "Identity" as const,
    module: Identity,
    required: [],
    optional: [],
    resolve: (_spec: IdentitySpec) => null,
    stats: (_resolved, inputShape, type) => {
      checkShapeSizes(type, inputShape, "input");
      // No parameters, no work, and no traffic: the output is the input tensor itself.
      return statsOf(type, inputShape, inputShape, { reads: false, window: { kind: "pointwise" } });
    },
    build: () => new Identity(),
    toSpec: (): IdentitySpec => ({ type: "Identity" }),
  }),
] as const;
