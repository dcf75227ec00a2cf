/** ShuffleNet's channel shuffle: moves channels, computes nothing (a pointwise window). */
import { checkShapeSizes } from "../core/arithmetic.js";
import { check, formatShape } from "../core/errors.js";
import { checkPositiveInteger } from "../core/validate.js";
import type { Tensor } from "../core/tensor.js";
import { channelShuffle } from "../ops/pad.js";
import { statsOf } from "../analysis/layer-stats.js";
import { Module } from "./module.js";
import { defineLayer, type SpecBase } from "./registry.js";

export type ChannelShuffleSpec = SpecBase & { type: "ChannelShuffle"; groups: number };

/** ShuffleNet's channel shuffle: x (N, C, ...) -> (N, C, ...) with the groups interleaved. */
export class ChannelShuffle extends Module {
  readonly type: string = "ChannelShuffle";
  constructor(readonly groups: number) {
    super();
    checkPositiveInteger("ChannelShuffle", "groups", groups);
  }
  forward(x: Tensor): Tensor {
    return channelShuffle(x, this.groups);
  }
}

export const shuffleLayers = [
  defineLayer({
    type: "ChannelShuffle" as const,
    module: ChannelShuffle,
    required: ["groups"],
    optional: [],
    resolve: (spec: ChannelShuffleSpec) => checkPositiveInteger("ChannelShuffle", "groups", spec.groups),
    stats: (groups, inputShape, op) => {
      checkShapeSizes(op, inputShape, "input");
      check(
        inputShape.length >= 2,
        op,
        () => `expected input of rank 2 or more (N, C, ...), got ${formatShape(inputShape)}`,
      );
      check(
        inputShape[1]! % groups === 0,
        op,
        () => `channels (${inputShape[1]}) must be divisible by groups (${groups}); input ${formatShape(inputShape)}`,
      );
      return statsOf(op, inputShape, inputShape, { window: { kind: "pointwise" } });
    },
    build: (spec) => new ChannelShuffle(spec.groups),
    toSpec: (layer): ChannelShuffleSpec => ({ type: "ChannelShuffle", groups: layer.groups }),
  }),
] as const;
