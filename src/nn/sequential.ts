/** Containers: layers run in order, unnamed (Sequential) or named (NamedSequential, what model files load into). */
import { check } from "../core/errors.js";
import type { Tensor } from "../core/tensor.js";
import { formatValue } from "../core/validate.js";
import { childSeed, Module, withinNesting } from "./module.js";
import { defineLayer, type CompositeDefinition, type SpecBase } from "./registry.js";
import type { LayerSpec } from "./layer-spec.js";

export interface SequentialSpec extends SpecBase {
  type: "Sequential";
  layers: LayerSpec[];
}

/** Throws unless `layer` is a Module (a spec object is not: buildLayer makes one of it). */
function checkModule(op: string, where: string, layer: unknown): void {
  check(layer instanceof Module, op, () => {
    const spec = layer !== null && typeof layer === "object" && "type" in layer ? "; build a spec with buildLayer" : "";
    return `${where} is not a Module, got ${formatValue(layer)}${spec}`;
  });
}

/**
 * The layers of NamedSequential's `entries`, checked under its own name: an array of
 * [name, Module] pairs, names non-empty strings without "." and distinct.
 */
function namedLayers(entries: unknown): { names: string[]; layers: Module[] } {
  const op = "NamedSequential";
  check(
    Array.isArray(entries),
    op,
    () => `entries must be an array of [name, Module] pairs, got ${formatValue(entries)}`,
  );
  const names: string[] = [];
  const layers: Module[] = [];
  const seen = new Set<string>();
  entries.forEach((entry: unknown, i) => {
    check(
      Array.isArray(entry) && entry.length === 2,
      op,
      () => `entries[${i}] must be a [name, Module] pair, got ${formatValue(entry)}`,
    );
    const [name, layer] = entry as [unknown, unknown];
    check(
      typeof name === "string" && name.length > 0 && !name.includes("."),
      op,
      () => `entries[${i}]: layer names must be non-empty strings without ".", got ${formatValue(name)}`,
    );
    check(!seen.has(name), op, () => `entries[${i}]: duplicate layer name ${JSON.stringify(name)}`);
    seen.add(name);
    checkModule(op, `entries[${i}] (layer ${JSON.stringify(name)})`, layer);
    names.push(name);
    layers.push(layer as Module);
  });
  return { names, layers };
}

/** Runs its layers in order. */
export class Sequential extends Module {
  readonly type: string = "Sequential";
  readonly layers: Module[];
  constructor(...layers: Module[]) {
    super();
    layers.forEach((layer, i) => checkModule("Sequential", `layer ${i}`, layer));
    this.layers = layers;
  }
  override children(): [string, Module][] {
    return this.layers.map((layer, i) => [String(i), layer]);
  }
  forward(x: Tensor): Tensor {
    return withinNesting(this.type, () => this.layers.reduce((h, layer) => layer.forward(h), x));
  }
}

/**
 * Sequential with named layers, like torch.nn.Sequential(OrderedDict(...)): the names show in
 * summaries (`conv1_1` instead of `0`). Model files load into one.
 */
export class NamedSequential extends Sequential {
  readonly names: string[];
  constructor(entries: readonly (readonly [string, Module])[]) {
    const { names, layers } = namedLayers(entries);
    super(...layers);
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
          buildLayer(child, childSeed(seed, 1000 * i)),
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
