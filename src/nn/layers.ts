/**
 * Layers, like torch.nn: thin classes that hold parameters and options and call one functional op,
 * one family per file, each layer type registered once with its spec, cost and window
 * (registry.ts). This module gathers them; `LAYER_DEFINITIONS` lists every registered entry.
 */
// Registration order is the order error messages list the types in: convolutions first.
import { convLayers } from "./conv.js";
import { poolLayers } from "./pool.js";
import { linearLayers } from "./linear.js";
import { activationLayers } from "./activation.js";
import { normalizationLayers } from "./normalization.js";
import { shuffleLayers } from "./shuffle.js";
import { containerLayers } from "./sequential.js";

export { manualSeed, Module } from "./module.js";
export * from "./conv.js";
export * from "./pool.js";
export * from "./linear.js";
export * from "./activation.js";
export * from "./normalization.js";
export * from "./shuffle.js";
export * from "./sequential.js";

/** Every layer type convkit builds, counts and reads from model files, as registry entries. */
export const LAYER_DEFINITIONS = [
  ...convLayers,
  ...poolLayers,
  ...linearLayers,
  ...activationLayers,
  ...normalizationLayers,
  ...shuffleLayers,
  ...containerLayers,
] as const;

/** Every layer type a spec may name, in registration order. */
export const LAYER_TYPES: readonly string[] = LAYER_DEFINITIONS.map((definition) => definition.type);
