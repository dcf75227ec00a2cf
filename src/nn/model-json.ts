/**
 * Networks as data: a JSON file with the input shape and the list of layers, so a report is
 * reproducible from a file (`npx convkit report examples/vgg16.json`).
 *
 *   {
 *     "name": "small CNN",
 *     "description": "...", "source": "...",          (optional)
 *     "inputShape": [7, 1, 28, 28],
 *     "layers": [
 *       {"type": "Conv2d", "name": "conv1", "inChannels": 1, "outChannels": 10, "kernelSize": 5},
 *       {"type": "MaxPool2d", "kernelSize": 2},
 *       {"type": "ReLU"},
 *       ...
 *     ]
 *   }
 *
 * Layer objects are LayerSpecs (layer-spec.ts): a "type", an optional "name", and the layer
 * constructor's options by name. `parseModel` validates a file completely from shapes (no weights
 * are allocated): every option, and that each layer accepts the previous layer's output.
 * `loadModel` also builds the network as a NamedSequential.
 */
import { ConvError, check } from "../core/errors.js";
import { checkOptions, formatValue } from "../core/validate.js";
import { checkShape } from "../core/arithmetic.js";
import { statsOfResolved } from "../analysis/layer-stats.js";
import {
  buildResolved,
  describeLayer,
  layerSpec,
  resolveSpecPart,
  withContext,
  withOp,
  type LayerSpec,
  type ResolvedLayer,
} from "./layer-spec.js";
import { Module } from "./module.js";
import { checkSeed } from "../core/tensor.js";
import { seeded } from "./registry.js";
import { NamedSequential } from "./sequential.js";

/** The file format. */
export interface ModelJSON {
  name?: string;
  description?: string;
  /** Where the architecture comes from (paper, repository). */
  source?: string;
  /** Input shape, batch first, e.g. [1, 3, 224, 224]. */
  inputShape: number[];
  layers: LayerSpec[];
}

/** A validated model file. */
export interface ModelDescription {
  name: string;
  description: string;
  source: string;
  inputShape: number[];
  /** Output shape of the last layer. */
  outputShape: number[];
  layers: LayerSpec[];
}

const TOP_LEVEL = ["name", "description", "source", "inputShape", "layers"];

/**
 * Validates a model file (its text, or the parsed object) without allocating weights. Throws
 * ConvError("model", ...) naming the field, or the layer (index, name, type), its input shape
 * and why, e.g. `model: layer 4 "conv2_1" (Conv2d) on input [1, 64, 112, 112]: Conv2d: ...`.
 */
export function parseModel(source: string | unknown): ModelDescription {
  const op = "model";
  let json: unknown = source;
  if (typeof source === "string") {
    try {
      json = JSON.parse(source);
    } catch (error) {
      throw new ConvError(op, `not valid JSON: ${(error as Error).message}`);
    }
  }
  check(
    json !== null && typeof json === "object" && !Array.isArray(json),
    op,
    () => `source must be JSON text or an object with "inputShape" and "layers", got ${formatValue(json)}`,
  );
  const m = json as Record<string, unknown>;
  checkOptions(op, m, TOP_LEVEL, "field");
  for (const key of ["name", "description", "source"]) {
    check(
      m[key] === undefined || typeof m[key] === "string",
      op,
      () => `${key} must be a string, got ${formatValue(m[key])}`,
    );
  }
  check(
    Array.isArray(m.inputShape) && m.inputShape.length > 0,
    op,
    () => `inputShape must be a non-empty array of sizes, e.g. [1, 3, 224, 224], got ${formatValue(m.inputShape)}`,
  );
  const inputShape = m.inputShape as number[];
  checkShape(op, inputShape, "inputShape");
  check(
    inputShape.every((s) => s > 0),
    op,
    () => `inputShape [${inputShape.join(", ")}] must hold positive sizes`,
  );
  check(
    Array.isArray(m.layers) && m.layers.length > 0,
    op,
    () => `layers must be a non-empty array of layer objects, got ${formatValue(m.layers)}`,
  );
  const layers = m.layers as LayerSpec[];
  const names = new Set<string>();
  const children = layers.map((layer, i): [string, ResolvedLayer] => {
    const raw = layer !== null && typeof layer === "object" ? (layer as { name?: unknown }).name : undefined;
    const name = typeof raw === "string" ? raw : String(i);
    const where = describeLayer(i, typeof raw === "string" ? raw : undefined);
    const resolved = withContext(op, where, () => resolveSpecPart(layer));
    check(!names.has(name), op, () => `${where}: duplicate layer name ${JSON.stringify(name)}`);
    names.add(name);
    return [name, resolved];
  });
  const stats = statsOfResolved({ kind: "sequence", type: op, children }, inputShape);
  return {
    name: typeof m.name === "string" ? m.name : "model",
    description: typeof m.description === "string" ? m.description : "",
    source: typeof m.source === "string" ? m.source : "",
    inputShape: inputShape.slice(),
    outputShape: stats.outputShape,
    layers,
  };
}

/** A model file built into modules: the description plus a NamedSequential with fresh weights. */
export interface LoadedModel extends ModelDescription {
  model: NamedSequential;
}

/**
 * Validates a model file and builds it (allocating every weight: VGG-16 holds 138 million).
 * Layers are named by their "name" or their index. `seed` makes the initial weights reproducible.
 */
export function loadModel(source: string | unknown, options: { seed?: number } = {}): LoadedModel {
  // Errors say "model", as parseModel's do: the file is what is wrong, whichever function read it.
  const { seed } = checkOptions("model", options, ["seed"]);
  if (seed !== undefined) checkSeed("model", seed);
  const description = parseModel(source);
  // Built as a Sequential spec, so that a file's layers get the seeds a Sequential's children get.
  const model = buildResolved({ type: "Sequential", layers: description.layers }, seeded(seed)) as NamedSequential;
  return { ...description, model };
}

/**
 * The model file of a module (a Sequential's layers, or a single layer) on `inputShape`: what
 * `loadModel` reads back. Parameter values are not saved, only the architecture.
 */
export function modelToJSON(
  model: Module,
  inputShape: readonly number[],
  options: { name?: string; description?: string; source?: string } = {},
): ModelJSON {
  const op = "modelToJSON";
  const { name, description, source } = checkOptions(op, options, ["name", "description", "source"]);
  for (const [key, value] of Object.entries({ name, description, source }))
    check(
      value === undefined || typeof value === "string",
      op,
      () => `${key} must be a string, got ${formatValue(value)}`,
    );
  check(model instanceof Module, op, () => `model must be a Module, got ${formatValue(model)}`);
  checkShape(op, inputShape, "inputShape");
  const spec = withOp(op, "model", () => layerSpec(model));
  const layers = spec.type === "Sequential" ? spec.layers : [spec];
  const json: ModelJSON = {
    ...(name === undefined ? {} : { name }),
    ...(description === undefined ? {} : { description }),
    ...(source === undefined ? {} : { source }),
    inputShape: inputShape.slice(),
    layers,
  };
  withOp(op, "model", () => parseModel(json)); // the layers must accept the input
  return json;
}
