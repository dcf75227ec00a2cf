/** Elementwise layers: each output element depends on its input element alone (a pointwise window). */
import { numel } from "../core/arithmetic.js";
import type { Tensor } from "../core/tensor.js";
import { relu } from "../ops/functional.js";
import { checkInputShape, statsOf } from "../analysis/layer-stats.js";
import { Module } from "./module.js";
import { defineLayer, type SpecBase } from "./registry.js";

export type ReLUSpec = SpecBase & { type: "ReLU" };

/** max(x, 0) elementwise, like torch.nn.ReLU. */
export class ReLU extends Module {
  readonly type: string = "ReLU";
  forward(x: Tensor): Tensor {
    return relu(x);
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
      checkInputShape(type, inputShape);
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
] as const;
