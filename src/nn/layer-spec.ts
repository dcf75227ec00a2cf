/**
 * Layers as data. A LayerSpec is a plain JSON object naming a layer type and its constructor
 * options, e.g. `{type: "Conv2d", inChannels: 3, outChannels: 64, kernelSize: 3, padding: 1}`.
 * Specs are what model files hold (model-json.ts), and what the cost model and the receptive-field
 * code work on: they need shapes only, so a 138-million-parameter VGG-16 is counted without
 * allocating its weights. Modules convert to specs (`layerSpec`) and specs build modules
 * (`buildLayer`); `resolveLayer` validates either into the normalized form the counters read.
 *
 * Each layer type's fields, checks and conversions are its registry entry's (registry.ts, and the
 * family files conv.ts, pool.ts, ...); this module walks specs and dispatches to those entries.
 */
import { check, ConvError } from "../core/errors.js";
import { checkOptions, formatValue } from "../core/validate.js";
import type { LAYER_DEFINITIONS } from "./layers.js";
import "./layers.js"; // registers every layer type
import { Module } from "./module.js";
import { checkSeed } from "../core/tensor.js";
import {
  checkSpecFields,
  checkSpecObject,
  definitionOf,
  definitionOfModule,
  describeLayer,
  layerTypes,
  MAX_NESTING,
  seeded,
  SPEC_OP,
  withContext,
  withOp,
  type CompositeParts,
  type ResolvedLayer,
  type SpecOfDefinition,
} from "./registry.js";

export type { ResolvedLayer } from "./registry.js";
export { describeLayer, MAX_NESTING, withContext, withOp } from "./registry.js";
export type { ConvSpec, ConvTransposeSpec, DepthwiseConv2dSpec, PointwiseConv2dSpec } from "./conv.js";
export type { SeparableConv2dSpec, GroupedSeparableConv2dSpec } from "./conv.js";
export type { MaxPoolSpec, AvgPoolSpec, AdaptiveAvgPool2dSpec } from "./pool.js";
export type { LinearSpec, FlattenSpec } from "./linear.js";
export type { ReLUSpec } from "./activation.js";
export type { BatchNorm2dSpec } from "./normalization.js";
export type { ChannelShuffleSpec } from "./shuffle.js";
export type { SequentialSpec } from "./sequential.js";

/** Any layer convkit can build and count, as JSON: the spec of every registered entry. */
export type LayerSpec = SpecOfDefinition<(typeof LAYER_DEFINITIONS)[number]>;

export type LayerType = LayerSpec["type"];

/** How many layers one spec may hold, counting a layer every time it appears. */
export const MAX_LAYERS = 1_000_000;

/**
 * Throws unless `spec` nests at most MAX_NESTING deep, holds no cycle and at most MAX_LAYERS
 * layers. Walks with an explicit stack, so a 100,000-deep spec is refused, not a stack overflow.
 */
function checkNesting(op: string, spec: unknown): void {
  const onPath = new Set<unknown>();
  // Entries: a node to enter (depth), or the marker that its children are done.
  const stack: { node: unknown; depth: number; leave: boolean }[] = [{ node: spec, depth: 1, leave: false }];
  let count = 0;
  while (stack.length > 0) {
    const { node, depth, leave } = stack.pop()!;
    if (leave) {
      onPath.delete(node);
      continue;
    }
    if (node === null || typeof node !== "object") continue;
    const layers = (node as { layers?: unknown }).layers;
    if (!Array.isArray(layers)) continue;
    check(!onPath.has(node), op, () => `a Sequential contains itself (a cyclic spec)`);
    check(depth <= MAX_NESTING, op, () => `layers nest more than ${MAX_NESTING} deep`);
    count += layers.length;
    check(count <= MAX_LAYERS, op, () => `the spec holds more than ${MAX_LAYERS} layers`);
    onPath.add(node);
    stack.push({ node, depth, leave: true });
    for (const child of layers) stack.push({ node: child, depth: depth + 1, leave: false });
  }
}

/** Validates a spec (from a file or code) and normalizes it. Throws ConvError naming the type and option. */
export function resolveSpec(spec: unknown): ResolvedLayer {
  checkLayerArgument("resolveSpec", "spec", spec, false);
  return withOp("resolveSpec", "spec", () => resolveSpecPart(spec));
}

/**
 * resolveSpec for a spec that is part of a larger input (a model file's layer): its errors keep
 * the spec's own op ("layer" or the layer type), for the caller to put in context.
 */
export function resolveSpecPart(spec: unknown): ResolvedLayer {
  checkNesting(SPEC_OP, spec);
  return resolveChecked(spec);
}

const LAYER_OBJECT = `a layer object like {"type": "Conv2d", ...}`;

/** Refuses an argument of `op` that is not a layer object (nor a Module, when `module` allows one), naming it. */
function checkLayerArgument(op: string, argument: string, value: unknown, module: boolean): void {
  check(
    value !== null && typeof value === "object" && !Array.isArray(value),
    op,
    () => `${argument} must be ${LAYER_OBJECT}${module ? " or a Module" : ""}, got ${formatValue(value)}`,
  );
}

function resolveChecked(spec: unknown): ResolvedLayer {
  checkSpecObject(spec);
  const definition = definitionOf(spec.type);
  check(
    definition !== undefined,
    SPEC_OP,
    () => `unknown layer type ${formatValue(spec.type)}; expected one of ${layerTypes().join(", ")}`,
  );
  checkSpecFields(definition, spec);
  if ("children" in definition) {
    return { kind: "sequence", type: definition.type, children: definition.children(spec, composite) };
  }
  return { kind: "layer", type: definition.type, options: definition.resolve(spec) };
}

/** Resolves the layers of a Sequential spec, naming them by `name` or index; errors say which layer. */
export function resolveChildren(layers: unknown): [string, ResolvedLayer][] {
  check(
    Array.isArray(layers),
    "Sequential",
    () => `layers must be an array of layer objects, got ${formatValue(layers)}`,
  );
  const seen = new Set<string>();
  return layers.map((layer: unknown, i) => {
    const raw = layer !== null && typeof layer === "object" ? (layer as { name?: unknown }).name : undefined;
    const name = typeof raw === "string" ? raw : String(i);
    const resolved = withContext("Sequential", describeLayer(i, typeof raw === "string" ? raw : undefined), () =>
      resolveChecked(layer),
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

let specDepth = 0;

/** The spec of a module, with its current options (parameter values are not included). */
export function layerSpec(layer: Module): LayerSpec {
  const definition = layer instanceof Module ? definitionOfModule(layer) : undefined;
  if (definition === undefined) {
    throw new ConvError(
      "layerSpec",
      `unsupported layer type ${formatValue((layer as { type?: unknown } | null)?.type ?? typeof layer)}; convkit counts ${layerTypes().join(", ")}`,
    );
  }
  check(specDepth < MAX_NESTING, "layerSpec", () => `layers nest more than ${MAX_NESTING} deep`);
  specDepth++;
  try {
    return definition.toSpec(layer, composite) as LayerSpec;
  } finally {
    specDepth--;
  }
}

/** Validates and normalizes a module or a spec. */
export function resolveLayer(layer: Module | LayerSpec): ResolvedLayer {
  return resolveLayerOf("resolveLayer", layer);
}

/** resolveLayer for the exported function `op` (layerStats), whose argument is `layer`: its errors start with `op`. */
export function resolveLayerOf(op: string, layer: Module | LayerSpec): ResolvedLayer {
  checkLayerArgument(op, "layer", layer, true);
  return withOp(op, "layer", () => resolveModuleOrSpec(layer));
}

function resolveModuleOrSpec(layer: Module | LayerSpec): ResolvedLayer {
  return resolveSpecPart(layer instanceof Module ? layerSpec(layer) : layer);
}

/** What summary() and receptiveField() take: a module, a spec, or a list of them run in order. */
export type ModelInput = Module | LayerSpec | readonly (Module | LayerSpec)[];

/** Resolves a model into one validated tree; list entries are named by their spec's name or index. */
export function resolveModel(model: ModelInput): ResolvedLayer {
  return resolveModelOf("resolveModel", model);
}

/**
 * resolveModel for the exported function `op` (summary, receptiveField), whose argument is `model`:
 * its errors start with `op`. An empty list is a valid model, the identity (as PyTorch's empty Sequential).
 */
export function resolveModelOf(op: string, model: ModelInput): ResolvedLayer {
  if (!Array.isArray(model)) {
    checkLayerArgument(op, "model", model, true);
    return withOp(op, "model", () => resolveModuleOrSpec(model as Module | LayerSpec));
  }
  const list = model as readonly (Module | LayerSpec)[];
  return {
    kind: "sequence",
    type: "Sequential",
    children: list.map((layer, i): [string, ResolvedLayer] => {
      const raw = layer instanceof Module ? undefined : (layer as { name?: unknown } | null)?.name;
      const name = typeof raw === "string" ? raw : String(i);
      return [
        name,
        withContext(op, describeLayer(i, typeof raw === "string" ? raw : undefined), () => resolveModuleOrSpec(layer)),
      ];
    }),
  };
}

/** Builds the module a spec describes (allocating and initialising its parameters). */
export function buildLayer(spec: LayerSpec, options: { seed?: number } = {}): Module {
  const { seed } = checkOptions("buildLayer", options, ["seed"]);
  if (seed !== undefined) checkSeed("buildLayer", seed);
  checkLayerArgument("buildLayer", "spec", spec, false);
  return withOp("buildLayer", "spec", () => {
    resolveSpecPart(spec); // validate everything first, with the spec's own messages
    return buildResolved(spec, seeded(seed));
  });
}

/** Builds a spec already validated (a composite's child, a model file's layers); options are internal. */
export function buildResolved(spec: LayerSpec, options: { seed?: number } = {}): Module {
  return definitionOf(spec.type)!.build(spec, options.seed, composite);
}

/** What a composite entry calls for its children: resolve, build or describe them like any layer. */
const composite: CompositeParts = { resolve: resolveChecked, resolveChildren, build: buildResolved, layerSpec };
