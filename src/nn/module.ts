/**
 * The base of every layer, and how layers initialise their parameters: as PyTorch does
 * (kaiming_uniform with a = sqrt(5), which is U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for the weight, and
 * the same bound for the bias), drawn from mulberry32: from `seed` when given, else from a global
 * stream that `manualSeed` resets.
 */
import { checkAllocation, MAX_ALLOCATED_ELEMENTS } from "../core/arithmetic.js";
import { check, formatShape } from "../core/errors.js";
import { mulberry32, seededStream, Tensor } from "../core/tensor.js";
import { MAX_NESTING } from "./registry.js";

let initStream = mulberry32(0);

/**
 * The seed of a composite's child `offset`: the parent's seed plus the offset. The stream reads a
 * seed modulo 2^32, so the parent's seed is reduced first: the same stream as `seed + offset`, and
 * the sum stays a safe integer however large the seed and however deep the nesting.
 */
export function childSeed(seed: number | undefined, offset: number): { seed?: number } {
  return seed === undefined ? {} : { seed: (seed >>> 0) + offset };
}

/** Resets the stream that layers without a `seed` draw their initial weights from. */
export function manualSeed(seed: number): void {
  initStream = seededStream("manualSeed", seed);
}

/** The random stream a layer draws its initial parameters from: its own seed's, or the global one. */
export function initialStream(op: string, seed: unknown): () => number {
  return seed === undefined ? initStream : seededStream(op, seed);
}

/**
 * Throws before a layer allocates its parameters and buffers (`tensors`, by name and shape) when one
 * of them, or all of them together, would hold more than MAX_ALLOCATED_ELEMENTS values (such a size
 * is a typo, e.g. a kernel of 1000 in three dimensions); `because` names the arguments that set them.
 */
export function checkParameterSize(
  op: string,
  tensors: readonly (readonly [string, readonly number[]])[],
  because: string,
): void {
  for (const [what, shape] of tensors) checkAllocation(op, what, shape, () => `check ${because}`);
  const total = tensors.reduce((sum, [, shape]) => sum + shape.reduce((a, b) => a * b, 1), 0);
  check(total <= MAX_ALLOCATED_ELEMENTS, op, () => {
    const list = tensors.map(([what, shape]) => `${what} ${formatShape(shape)}`).join(", ");
    return `the parameters and buffers (${list}) would hold ${total.toExponential(3)} values in total, more than convkit allocates for one layer (2^28); check ${because}`;
  });
}

/** A tensor of `shape` filled from U(-bound, bound). */
export function uniform(shape: readonly number[], bound: number, next: () => number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (2 * next() - 1) * bound;
  return new Tensor(data, shape);
}

let nesting = 0;

/**
 * Runs fn, one level deeper into a module tree, for the walks that recurse through it (forward,
 * parameters): a tree nested more than MAX_NESTING deep (built by hand, or made cyclic by editing
 * a container's layers) is a ConvError rather than a stack overflow.
 */
export function withinNesting<T>(op: string, fn: () => T): T {
  check(nesting < MAX_NESTING, op, () => `layers nest more than ${MAX_NESTING} deep`);
  nesting++;
  try {
    return fn();
  } finally {
    nesting--;
  }
}

/** Base of every layer: a forward pass, its parameters, and named children for composites. */
export abstract class Module {
  /** The layer's class as a reader knows it, e.g. "Conv2d" (kept through minification). */
  abstract readonly type: string;
  abstract forward(x: Tensor): Tensor;

  /** Sub-layers by name, for composite layers and containers. */
  children(): [string, Module][] {
    return [];
  }

  /** The layer's own parameters (weights, biases), not its children's. */
  ownParameters(): Tensor[] {
    return [];
  }

  /** All parameters, children included, in order. */
  parameters(): Tensor[] {
    return withinNesting(this.type, () => [
      ...this.ownParameters(),
      ...this.children().flatMap(([, child]) => child.parameters()),
    ]);
  }

  numParameters(): number {
    return this.parameters().reduce((s, p) => s + p.size, 0);
  }
}
