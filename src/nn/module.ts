/**
 * The base of every layer, and how layers initialise their parameters: as PyTorch does
 * (kaiming_uniform with a = sqrt(5), which is U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for the weight, and
 * the same bound for the bias), drawn from mulberry32: from `seed` when given, else from a global
 * stream that `manualSeed` resets.
 */
import { checkAllocation } from "../core/arithmetic.js";
import { mulberry32, seededStream, Tensor } from "../core/tensor.js";

let initStream = mulberry32(0);

/** Resets the stream that layers without a `seed` draw their initial weights from. */
export function manualSeed(seed: number): void {
  initStream = seededStream("manualSeed", seed);
}

/** The random stream a layer draws its initial parameters from: its own seed's, or the global one. */
export function initialStream(op: string, seed: unknown): () => number {
  return seed === undefined ? initStream : seededStream(op, seed);
}

/**
 * Throws before a layer allocates a parameter of `shape` larger than MAX_ALLOCATED_ELEMENTS (such a
 * size is a typo, e.g. a kernel of 1000 in three dimensions); `because` names the arguments that set it.
 */
export function checkParameterSize(op: string, what: string, shape: readonly number[], because: string): void {
  checkAllocation(op, what, shape, () => `check ${because}`);
}

/** A tensor of `shape` filled from U(-bound, bound). */
export function uniform(shape: readonly number[], bound: number, next: () => number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (2 * next() - 1) * bound;
  return new Tensor(data, shape);
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
    return [...this.ownParameters(), ...this.children().flatMap(([, child]) => child.parameters())];
  }

  numParameters(): number {
    return this.parameters().reduce((s, p) => s + p.size, 0);
  }
}
