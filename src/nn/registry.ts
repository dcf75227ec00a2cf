/**
 * The layer registry: every layer type convkit builds, counts and reads from model files is one
 * `defineLayer` entry, next to its class (conv.ts, pool.ts, activation.ts, ...). An entry holds
 * the class, the JSON spec's required and optional fields, how a spec is validated and normalized
 * (`resolve`), built into a module (`build`) and written back from one (`toSpec`), and its cost and
 * receptive-field window (`stats`); a composite names its children instead of a cost. layer-spec.ts
 * and the cost model look types up here; nothing else lists the layer types.
 *
 * Adding a layer type is one entry: its class and a `defineLayer({...})` in its family's list
 * (e.g. `activationLayers`), plus a sample in test/layer-registry.test.ts, whose round-trip test
 * fails for a registered type without one. Identity in activation.ts is the smallest example.
 */
import { ConvError, check } from "../core/errors.js";
import { checkOptions, formatValue } from "../core/validate.js";
import type { LayerStats } from "../analysis/layer-stats.js";
import type { Module } from "./module.js";

/** What every spec has: its type, and optionally a name shown in summaries. */
export interface SpecBase {
  type: string;
  /** Shown in summaries; defaults to the layer's index in its parent. */
  name?: string;
}

/** A spec's size fields take a number or any array (a spec is JSON: no tuples). */
type Widen<T> = T extends readonly number[] ? readonly number[] : T;
/** The spec fields of an options interface: the same keys, sizes as plain arrays. */
export type SpecFields<O> = { [K in keyof O]: Widen<O[K]> };

/** A spec (or options object) as the field map its checks read. */
export function specFields(spec: object): Record<string, unknown> {
  return spec as Record<string, unknown>;
}

/** A spec's fields without its type and name: the constructor options it holds, for an entry's `build`. */
export function optionsOf<S extends SpecBase>(spec: S): Omit<S, "type" | "name"> {
  const { type: _type, name: _name, ...options } = spec;
  return options;
}

/** The `seed` option an entry's `build` passes to its constructor: none when no seed was given. */
export function seeded(seed: number | undefined): { seed?: number } {
  return seed === undefined ? {} : { seed };
}

/** A layer validated and normalized: a leaf's options with defaults filled in, or a composite's children in order. */
export type ResolvedLayer =
  | { kind: "layer"; type: string; options: unknown }
  /** Children run one after the other: Sequential, SeparableConv2d, GroupedSeparableConv2d. */
  | { kind: "sequence"; type: string; children: [string, ResolvedLayer][] };

/**
 * What layer-spec.ts hands a composite entry for its children (so that the layer files need not
 * import it): resolve a child spec, resolve a Sequential's list of children, build one, describe one.
 */
export interface CompositeParts {
  resolve(spec: unknown): ResolvedLayer;
  resolveChildren(layers: unknown): [string, ResolvedLayer][];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  build(spec: any, options?: { seed?: number }): Module;
  layerSpec(layer: Module): SpecBase;
}

interface DefinitionCommon<S extends SpecBase, M extends Module> {
  readonly type: S["type"];
  /** The class; `layerSpec` finds a module's entry by it (subclasses included, as instanceof would). */
  readonly module: abstract new (...args: never[]) => M;
  /** Spec fields that must be present, then those that may be, besides `type` and `name`. */
  readonly required: readonly string[];
  readonly optional: readonly string[];
  /** The module a spec describes; `seed` (when given) seeds its initial parameters. */
  build(spec: S, seed: number | undefined, parts: CompositeParts): M;
  /** The spec of a module of this type (options only, not parameter values). */
  toSpec(layer: M, parts: CompositeParts): S;
}

/** A leaf layer: resolved to normalized options, whose cost and window `stats` computes from shapes. */
export interface LeafDefinition<S extends SpecBase, M extends Module, R> extends DefinitionCommon<S, M> {
  resolve(spec: S): R;
  stats(resolved: R, inputShape: readonly number[], type: string): LayerStats;
}

/** A composite layer: resolved to its children, which run in order and whose costs add up. */
export interface CompositeDefinition<S extends SpecBase, M extends Module> extends DefinitionCommon<S, M> {
  children(spec: S, parts: CompositeParts): [string, ResolvedLayer][];
}

export type LayerDefinition<S extends SpecBase = SpecBase, M extends Module = Module, R = unknown> =
  LeafDefinition<S, M, R> | CompositeDefinition<S, M>;

/** The spec type of a definition, for deriving LayerSpec from the registered entries. */
export type SpecOfDefinition<D> = D extends { resolve(spec: infer S): unknown }
  ? S
  : D extends { children(spec: infer S, parts: CompositeParts): unknown }
    ? S
    : never;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDefinition = LayerDefinition<any, any, any>;

const byType = new Map<string, AnyDefinition>();
const byClass = new Map<unknown, AnyDefinition>();

/** Registers a layer type; returns the entry. A type registered twice is a programming error. */
export function defineLayer<S extends SpecBase, M extends Module, R>(
  definition: LeafDefinition<S, M, R>,
): typeof definition;
export function defineLayer<S extends SpecBase, M extends Module>(
  definition: CompositeDefinition<S, M>,
): typeof definition;
export function defineLayer(definition: AnyDefinition): AnyDefinition {
  if (byType.has(definition.type)) throw new Error(`layer type ${definition.type} is defined twice`);
  byType.set(definition.type, definition);
  byClass.set(definition.module, definition);
  return definition;
}

/** Every registered layer type, in registration order. */
export function layerTypes(): string[] {
  return [...byType.keys()];
}

/** The entry of a type name (own entries only: "constructor" or "__proto__" are not types). */
export function definitionOf(type: unknown): AnyDefinition | undefined {
  return typeof type === "string" ? byType.get(type) : undefined;
}

/** The entry of a module's class, or of its nearest registered base class. */
export function definitionOfModule(layer: Module): AnyDefinition | undefined {
  for (let proto: unknown = Object.getPrototypeOf(layer); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const definition = byClass.get((proto as { constructor?: unknown }).constructor);
    if (definition) return definition;
  }
  return undefined;
}

/**
 * Checks a spec's fields against its entry: an unknown or misspelled field is refused with the
 * closest valid one suggested (checkOptions, as for constructor options), a missing required field
 * and a bad name too.
 */
export function checkSpecFields(definition: AnyDefinition, spec: Record<string, unknown>): void {
  const op = definition.type;
  const { type: _type, name, ...fields } = spec;
  checkOptions(op, fields, [...definition.required, ...definition.optional]);
  for (const key of definition.required)
    check(fields[key] !== undefined, op, () => `missing required option ${JSON.stringify(key)}`);
  if (name !== undefined) {
    check(
      typeof name === "string" && name.length > 0 && !name.includes("."),
      op,
      () => `name must be a non-empty string without ".", got ${formatValue(name)}`,
    );
  }
}

/**
 * How deep layers may nest (a Sequential in a Sequential ...), in specs and in modules. Real
 * networks nest a few levels; the limit turns a runaway or cyclic nesting into a ConvError before
 * recursion (forward, parameters, layerSpec) could overflow the stack.
 */
export const MAX_NESTING = 100;

/** The op of the errors about a spec as a whole (not an object, unknown type, nesting), before its type is known. */
export const SPEC_OP = "layer";

/** Refuses a value that is not a spec object, before its type is looked at. */
export function checkSpecObject(spec: unknown): asserts spec is Record<string, unknown> {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new ConvError(SPEC_OP, `expected a layer object like {"type": "Conv2d", ...}, got ${formatValue(spec)}`);
  }
}

/** Where in a model a layer sits, for messages: `layer 3 "conv2_1"` or `layer 3`. */
export function describeLayer(index: number | string, name?: string): string {
  return name === undefined || name === String(index) ? `layer ${index}` : `layer ${index} ${JSON.stringify(name)}`;
}

/**
 * Runs fn, which builds part `part` of a composite layer `op`; a ConvError it throws is rethrown by
 * `op`, the layer the caller constructed, naming the part instead of the part's own class:
 * `SeparableConv2d: depthwise: stride must be a positive integer, got NaN`.
 */
export function withPart<T>(op: string, part: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof ConvError)) throw error;
    throw new ConvError(op, `${part}: ${error.message.slice(error.op.length + 2)}`);
  }
}

/**
 * Runs fn; a ConvError it throws is rethrown by `op` with `where` in front:
 * `model: layer 3 "conv2_1": Conv2d: ...`. An error about the spec as a whole drops its own op,
 * which `where` already says: `model: layer 3: unknown layer type ...`, not `layer 3: layer: ...`.
 */
export function withContext<T>(op: string, where: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof ConvError)) throw error;
    const inner = error.op === SPEC_OP ? error.message.slice(SPEC_OP.length + 2) : error.message;
    throw new ConvError(op, `${where}: ${inner}`);
  }
}

/**
 * Runs fn for the exported function `op`, whose argument `argument` holds a layer, spec or model;
 * a ConvError raised inside is rethrown by `op`, keeping its detail: `layerStats: Conv2d: ...`,
 * `summary: layer 0 (Conv2d) on input [1, 4, 6, 6]: ...`. An error about the spec as a whole names
 * the argument rather than the generic "layer": `resolveSpec: spec: unknown layer type "Foo"; ...`.
 */
export function withOp<T>(op: string, argument: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof ConvError) || error.op === op) throw error;
    const inner = error.op === SPEC_OP ? `${argument}: ${error.message.slice(SPEC_OP.length + 2)}` : error.message;
    throw new ConvError(op, inner);
  }
}
