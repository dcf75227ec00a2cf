/** Containers: layers run in order, unnamed (Sequential) or named (NamedSequential, what model files load into). */
import { check } from "../core/errors.js";
import type { Tensor } from "../core/tensor.js";
import { Module } from "./module.js";
import { defineLayer, type CompositeDefinition, type SpecBase } from "./registry.js";
import type { LayerSpec } from "./layer-spec.js";

export interface SequentialSpec extends SpecBase {
  type: "Sequential";
  layers: LayerSpec[];
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

export const containerLayers: readonly [CompositeDefinition<SequentialSpec, Sequential>] = [
  defineLayer({
    type: "Sequential" as const,
    module: Sequential,
    required: ["layers"],
    optional: [],
    children: (spec: SequentialSpec, { resolveChildren }) => resolveChildren(spec.layers),
    build: (spec, seed, { build: buildLayer }) =>
      new NamedSequential(
        spec.layers.map((child, i): [string, Module] => [
          child.name ?? String(i),
          buildLayer(child, seed === undefined ? {} : { seed: seed + 1000 * i }),
        ]),
      ),
    toSpec: (layer, { layerSpec }): SequentialSpec => ({
      type: "Sequential",
      layers: layer
        .children()
        .map(
          ([name, child], i) => (name === String(i) ? layerSpec(child) : { ...layerSpec(child), name }) as LayerSpec,
        ),
    }),
  }),
];
