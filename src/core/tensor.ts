/**
 * A small dense tensor: float32 values in row-major (C) order and a readonly shape. Views are not
 * shared: every method returns a new tensor with its own storage, so a tensor never changes under
 * you.
 */
import { checkAllocation, checkShape, copyShape, numel } from "./arithmetic.js";
import { check, ConvError, shapeText } from "./errors.js";
import { checkBoolean, checkFiniteNumber, checkInteger, checkOptions, describeType, formatValue } from "./validate.js";

/**
 * Whether a tensor's storage was freed under it. The wasm engine (kernels/wasm-tensors.ts)
 * installs its test when it loads, so that every Tensor method and every op refuses a tensor
 * that disposeWasm freed without core/ depending on the engine.
 */
let isDisposedData: (data: Float32Array) => boolean = () => false;

/** Installs the test of freed storage (kernels/wasm-tensors.ts calls it once). */
export function setDisposedDataCheck(test: (data: Float32Array) => boolean): void {
  isDisposedData = test;
}

/**
 * Throws unless `value` is a usable Tensor: made by this library (instanceof, not an object that
 * only looks like one), its data a Float32Array as long as its shape says, and not freed by
 * disposeWasm. `name` is the argument ("input", "weight", "bias", "out").
 */
export function checkTensor(op: string, name: string, value: unknown): asserts value is Tensor {
  if (!(value instanceof Tensor)) throw new ConvError(op, `${name} must be a Tensor, got ${describeType(value)}`);
  const { data, shape } = value;
  if (!(data instanceof Float32Array) || data.length !== numel(shape)) {
    throw new ConvError(
      op,
      `the ${name} ${shapeText(shape)} holds ${describeType(data)}${data instanceof Float32Array ? ` of length ${data.length}` : ""}, not the ${numel(shape)} float32 values its shape needs`,
    );
  }
  if (isDisposedData(data)) {
    throw new ConvError(
      op,
      `the ${name} ${shapeText(shape)} was disposed (disposeWasm); its memory may have been reused`,
    );
  }
}

/** Nested arrays of numbers, as `toArray()` returns and `tensor()` accepts. */
export type NestedArray = number | NestedArray[];

export class Tensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];

  /** Wraps `data` (not copied) as a tensor of `shape`; use `Tensor.from` to copy and validate. */
  constructor(data: Float32Array, shape: readonly number[]) {
    checkShape("Tensor", shape);
    if (!(data instanceof Float32Array))
      throw new ConvError(
        "Tensor",
        `data must be a Float32Array (Tensor.from copies other arrays), got ${describeType(data)}`,
      );
    // (an if, not check(): no message closure is made on every construction)
    if (data.length !== numel(shape))
      throw new ConvError(
        "Tensor",
        `data length (${data.length}) must equal the product of shape ${shapeText(shape)} (${numel(shape)})`,
      );
    this.data = data;
    // Array.from, not slice(): shapes are often another tensor's frozen shape, and V8 has no fast
    // path for slice() on a frozen array (see arithmetic.ts).
    this.shape = Object.freeze(Array.from(shape));
  }

  /** A tensor of `shape` holding a float32 copy of `data` (row-major). */
  static from(data: ArrayLike<number>, shape: readonly number[]): Tensor {
    checkShape("Tensor.from", shape);
    check(
      Array.isArray(data) || ArrayBuffer.isView(data),
      "Tensor.from",
      () => `data must be an array or a typed array of numbers, got ${describeType(data)}`,
    );
    check(
      data.length === numel(shape),
      "Tensor.from",
      () => `data length (${data.length}) must equal the product of shape ${shapeText(shape)} (${numel(shape)})`,
    );
    return new Tensor(Float32Array.from(data), shape);
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** Row-major strides, in elements. */
  get strides(): number[] {
    return stridesOf(this.shape);
  }

  /** The same values under another shape with the same element count; one entry may be -1. */
  reshape(shape: readonly number[]): Tensor {
    checkTensor("reshape", "tensor", this);
    check(Array.isArray(shape), "reshape", () => `shape must be an array of sizes, got ${formatValue(shape)}`);
    const inferred = shape.indexOf(-1);
    const target = copyShape(shape);
    if (inferred >= 0) {
      const known = numel(shape.filter((_, i) => i !== inferred));
      check(
        known > 0 && this.size % known === 0,
        "reshape",
        () => `cannot infer -1 in ${shapeText(shape)} from ${this.size} elements of ${shapeText(this.shape)}`,
      );
      target[inferred] = this.size / known;
    }
    checkShape("reshape", target);
    check(
      numel(target) === this.size,
      "reshape",
      () =>
        `cannot reshape ${shapeText(this.shape)} (${this.size} elements) to ${shapeText(target)} (${numel(target)} elements)`,
    );
    return new Tensor(this.data.slice(), target);
  }

  /** Swaps two dimensions (negative dims count from the end), like torch.transpose. */
  transpose(dim0: number, dim1: number): Tensor {
    checkTensor("transpose", "tensor", this);
    const order = this.shape.map((_, i) => i);
    const a = normalizeDim("transpose", dim0, this.rank);
    const b = normalizeDim("transpose", dim1, this.rank);
    [order[a], order[b]] = [order[b]!, order[a]!];
    return this.permute(...order);
  }

  /** Reorders the dimensions: output dim i is input dim dims[i], like torch.permute. */
  permute(...dims: number[]): Tensor {
    checkTensor("permute", "tensor", this);
    check(
      dims.length === this.rank,
      "permute",
      () => `expected ${this.rank} dims for a tensor of shape ${shapeText(this.shape)}, got ${shapeText(dims)}`,
    );
    const order = dims.map((d) => normalizeDim("permute", d, this.rank));
    check(new Set(order).size === order.length, "permute", () => `dims ${shapeText(dims)} repeat a dimension`);
    const inStrides = this.strides;
    const outShape = order.map((d) => this.shape[d]!);
    const strideOfOut = order.map((d) => inStrides[d]!);
    const out = new Float32Array(this.size);
    const index = new Array<number>(this.rank).fill(0);
    for (let o = 0; o < out.length; o++) {
      let src = 0;
      for (let i = 0; i < index.length; i++) src += index[i]! * strideOfOut[i]!;
      out[o] = this.data[src]!;
      for (let i = index.length - 1; i >= 0; i--) {
        if (++index[i]! < outShape[i]!) break;
        index[i] = 0;
      }
    }
    return new Tensor(out, outShape);
  }

  /** Elements start..end-1 along `dim` (end exclusive, negative indices count from the end). */
  slice(dim: number, start: number, end: number = this.shape[normalizeDim("slice", dim, this.rank)]!): Tensor {
    checkTensor("slice", "tensor", this);
    const d = normalizeDim("slice", dim, this.rank);
    const size = this.shape[d]!;
    const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
    checkInteger("slice", "start", start);
    checkInteger("slice", "end", end);
    const from = clamp(start);
    const to = Math.max(clamp(end), from);
    const outer = numel(copyShape(this.shape, 0, d));
    const inner = numel(copyShape(this.shape, d + 1));
    const outShape = copyShape(this.shape);
    outShape[d] = to - from;
    const out = new Float32Array(numel(outShape));
    const block = (to - from) * inner;
    for (let o = 0; o < outer; o++) {
      out.set(this.data.subarray((o * size + from) * inner, (o * size + to) * inner), o * block);
    }
    return new Tensor(out, outShape);
  }

  /** The value at a full index (negative indices count from the end). */
  get(...index: number[]): number {
    checkTensor("get", "tensor", this);
    check(
      index.length === this.rank,
      "get",
      () => `expected ${this.rank} indices for shape ${shapeText(this.shape)}, got ${shapeText(index)}`,
    );
    let offset = 0;
    const strides = this.strides;
    index.forEach((i, d) => {
      const size = this.shape[d]!;
      const j = i < 0 ? i + size : i;
      check(
        Number.isInteger(j) && j >= 0 && j < size,
        "get",
        () => `index ${formatValue(i)} is out of range for dimension ${d} of size ${size}`,
      );
      offset += j * strides[d]!;
    });
    return this.data[offset]!;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    checkTensor("item", "tensor", this);
    check(this.size === 1, "item", () => `only a one-element tensor has an item; shape ${shapeText(this.shape)}`);
    return this.data[0]!;
  }

  /** Values as nested arrays (a number for a rank-0 tensor). */
  toArray(): NestedArray {
    checkTensor("toArray", "tensor", this);
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.rank) return this.data[offset]!;
      const stride = numel(copyShape(this.shape, dim + 1));
      return Array.from({ length: this.shape[dim]! }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /** Sum of all elements (accumulated in float64). */
  sum(): number {
    checkTensor("sum", "tensor", this);
    let s = 0;
    for (const v of this.data) s += v;
    return s;
  }

  /** A tensor of the same shape with `fn` applied to each element. */
  map(fn: (value: number, index: number) => number): Tensor {
    checkTensor("map", "tensor", this);
    check(typeof fn === "function", "map", () => `fn must be a function, got ${describeType(fn)}`);
    return new Tensor(this.data.map(fn), this.shape);
  }

  toString(): string {
    return `Tensor(${shapeText(this.shape)})`;
  }
}

/** Row-major strides of a shape, in elements. */
export function stridesOf(shape: readonly number[]): number[] {
  checkShape("stridesOf", shape); // non-negative integers, at most a Float32Array's elements (ConvError otherwise)
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

function normalizeDim(op: string, dim: number, rank: number): number {
  check(typeof dim === "number", op, () => `dim must be an integer, got ${formatValue(dim)}`);
  const d = dim < 0 ? dim + rank : dim;
  check(
    Number.isInteger(d) && d >= 0 && d < rank,
    op,
    () => `dim ${formatValue(dim)} is out of range for a tensor of rank ${rank}`,
  );
  return d;
}

/** A tensor from nested arrays, e.g. `tensor([[1, 2], [3, 4]])`; ragged arrays are an error. */
export function tensor(values: NestedArray): Tensor {
  const shape: number[] = [];
  const seen = new Set<unknown>();
  for (let v: NestedArray = values; Array.isArray(v); v = v[0]!) {
    check(!seen.has(v), "tensor", () => "values must be nested arrays of numbers, got an array that contains itself");
    seen.add(v);
    shape.push(v.length);
  }
  const flat: number[] = [];
  const walk = (v: NestedArray, dim: number): void => {
    if (dim === shape.length) {
      check(typeof v === "number", "tensor", () =>
        Array.isArray(v)
          ? `ragged nested array: expected a number at depth ${dim} for shape ${shapeText(shape)}`
          : `values must be nested arrays of numbers, got ${formatValue(v)} at depth ${dim}`,
      );
      flat.push(v as number);
      return;
    }
    check(
      Array.isArray(v) && v.length === shape[dim],
      "tensor",
      () => `ragged nested array: expected ${shape[dim]} entries at depth ${dim} for shape ${shapeText(shape)}`,
    );
    for (const w of v as NestedArray[]) walk(w, dim + 1);
  };
  walk(values, 0);
  return Tensor.from(flat, shape);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number): Tensor {
  checkShape("full", shape);
  check(typeof value === "number", "full", () => `value must be a number, got ${formatValue(value)}`);
  return new Tensor(new Float32Array(numel(shape)).fill(value), shape);
}

export function zeros(shape: readonly number[]): Tensor {
  checkShape("zeros", shape);
  return full(shape, 0);
}

export function ones(shape: readonly number[]): Tensor {
  checkShape("ones", shape);
  return full(shape, 1);
}

/** start, start + step, ... below stop, like torch.arange; `arange(n)` is 0..n-1. */
export function arange(start: number, stop?: number, step = 1): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  checkFiniteNumber("arange", "start", start);
  checkFiniteNumber("arange", "stop", stop);
  check(
    typeof step === "number" && step !== 0 && Number.isFinite(step),
    "arange",
    () => `step must be a finite non-zero number, got ${formatValue(step)}`,
  );
  const n = Math.max(0, Math.ceil((stop - start) / step));
  checkAllocation(
    "arange",
    "output",
    [n],
    () => `the range from ${start} to ${stop} in steps of ${step} has that many values`,
  );
  // An indexed loop: Float32Array.from with a callback takes seconds for the largest ranges allowed.
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor(data, [n]);
}

/**
 * mulberry32, a 32-bit PRNG by Tommy Ettinger (public domain): the state advances by 0x6D2B79F5
 * and is mixed by two multiply-xorshift rounds; each call returns an integer in [0, 2^32) / 2^32.
 * Only 32-bit integer arithmetic (Math.imul, >>>), so the same seed gives the same numbers on
 * every machine and engine.
 */
export function mulberry32(seed: number): () => number {
  checkSeed("mulberry32", seed);
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomOptions {
  /**
   * Seed of the mulberry32 generator (default 0): an integer, taken modulo 2^32 (so -1 is
   * 2^32 - 1). Fractions, NaN and infinities are refused rather than truncated to another seed.
   */
  seed?: number;
}

/**
 * The mulberry32 stream of a seed given to `op`: an integer, taken modulo 2^32; fractions, NaN
 * and infinities are refused rather than truncated to another seed. rand, randn and the layers'
 * initial weights (nn/module.ts) all draw from it.
 */
export function seededStream(op: string, seed: unknown): () => number {
  return mulberry32(checkSeed(op, seed));
}

/** Throws unless `seed` is a safe integer: past 2^53 neighbouring seeds round to one stream. */
export function checkSeed(op: string, seed: unknown): number {
  checkInteger(op, "seed", seed);
  if (!Number.isSafeInteger(seed))
    throw new ConvError(op, `seed must be a safe integer (|seed| < 2^53), got ${formatValue(seed)}`);
  return seed as number;
}

/** The checked options of rand or randn: known keys, the stream of an integer seed, finite numbers. */
function randomOptions<K extends string>(
  op: string,
  options: unknown,
  keys: readonly K[],
  defaults: Record<K, number>,
): { next: () => number } & Record<K, number> {
  const given = checkOptions(op, options as object | undefined, ["seed", ...keys]) as Record<string, unknown>;
  const next = seededStream(op, given.seed === undefined ? 0 : given.seed);
  const out: Record<string, number> = {};
  for (const key of keys) out[key] = checkFiniteNumber(op, key, given[key] === undefined ? defaults[key] : given[key]);
  return { next, ...(out as Record<K, number>) };
}

/** Uniform values in [low, high) from mulberry32(seed). */
export function rand(shape: readonly number[], options: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  checkShape("rand", shape);
  const { next, low, high } = randomOptions("rand", options, ["low", "high"], { low: 0, high: 1 });
  const out = new Float32Array(numel(shape));
  for (let i = 0; i < out.length; i++) out[i] = low + (high - low) * next();
  return new Tensor(out, shape);
}

/**
 * Standard normal values from mulberry32(seed) by the Box-Muller transform: each pair of uniforms
 * (u1, u2) gives r cos(2 pi u2) and r sin(2 pi u2) with r = sqrt(-2 ln(1 - u1)).
 */
export function randn(shape: readonly number[], options: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  checkShape("randn", shape);
  const { next, mean, std } = randomOptions("randn", options, ["mean", "std"], { mean: 0, std: 1 });
  const out = new Float32Array(numel(shape));
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const theta = 2 * Math.PI * next();
    out[i] = mean + std * r * Math.cos(theta);
    if (i + 1 < out.length) out[i + 1] = mean + std * r * Math.sin(theta);
  }
  return new Tensor(out, shape);
}

/** Concatenates tensors along `dim`; all other dimensions must agree. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  check(
    Array.isArray(tensors as unknown) && tensors.length > 0,
    "cat",
    () => `expected a non-empty array of tensors, got ${formatValue(tensors)}`,
  );
  for (let i = 0; i < tensors.length; i++) checkTensor("cat", `tensor ${i}`, tensors[i]);
  const first: Tensor = tensors[0]!;
  const d = normalizeDim("cat", dim, first.rank);
  for (const t of tensors) {
    check(
      t.rank === first.rank && t.shape.every((s, i) => i === d || s === first.shape[i]),
      "cat",
      () => `shapes ${tensors.map((x) => shapeText(x.shape)).join(", ")} must agree except in dimension ${d}`,
    );
  }
  const outShape = copyShape(first.shape);
  outShape[d] = tensors.reduce((s, t) => s + t.shape[d]!, 0);
  checkShape("cat", outShape, "output");
  const outer = numel(copyShape(first.shape, 0, d));
  const inner = numel(copyShape(first.shape, d + 1));
  const out = new Float32Array(numel(outShape));
  let offset = 0;
  for (let o = 0; o < outer; o++) {
    for (const t of tensors) {
      const block = t.shape[d]! * inner;
      out.set(t.data.subarray(o * block, (o + 1) * block), offset);
      offset += block;
    }
  }
  return new Tensor(out, outShape);
}

/** Largest |a - b| over all elements (shapes must match). */
export function maxAbsDiff(a: Tensor, b: Tensor): number {
  checkTensor("maxAbsDiff", "tensor a", a);
  checkTensor("maxAbsDiff", "tensor b", b);
  check(sameShape(a, b), "maxAbsDiff", () => `shapes ${shapeText(a.shape)} and ${shapeText(b.shape)} differ`);
  let m = 0;
  for (let i = 0; i < a.size; i++) m = Math.max(m, Math.abs(a.data[i]! - b.data[i]!));
  return m;
}

function sameShape(a: Tensor, b: Tensor): boolean {
  return a.rank === b.rank && a.shape.every((s, i) => s === b.shape[i]);
}

/**
 * True when shapes match and |a - b| <= atol + rtol |b| everywhere, like torch.allclose
 * (defaults rtol 1e-5, atol 1e-8). NaNs compare unequal unless `equalNan`.
 */
export function allClose(
  a: Tensor,
  b: Tensor,
  options: { rtol?: number; atol?: number; equalNan?: boolean } = {},
): boolean {
  const op = "allClose";
  checkTensor(op, "tensor a", a);
  checkTensor(op, "tensor b", b);
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = checkOptions(op, options, ["rtol", "atol", "equalNan"]);
  checkFiniteNumber(op, "rtol", rtol, { min: 0 });
  checkFiniteNumber(op, "atol", atol, { min: 0 });
  checkBoolean(op, "equalNan", equalNan);
  if (!sameShape(a, b)) return false;
  for (let i = 0; i < a.size; i++) {
    const x = a.data[i]!;
    const y = b.data[i]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (!(equalNan && Number.isNaN(x) && Number.isNaN(y))) return false;
    } else if (x !== y && !(Math.abs(x - y) <= atol + rtol * Math.abs(y))) {
      return false;
    }
  }
  return true;
}
