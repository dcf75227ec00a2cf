/**
 * The hostile values the suite draws, and what each argument type accepts.
 *
 * A type's `canonical(value, rank)` says what a call with that value must do:
 *   REFUSE               the call must throw a ConvError naming the op and the argument;
 *   { value }            the call must equal the same call with `value` (the valid value the
 *                        hostile one means, e.g. `undefined` for an option means its default);
 *   { value, mayRefuse } either of the two (huge but valid sizes, strings any text accepts, a
 *                        live Tensor of another rank where some ops take any rank);
 *   SKIP                 not run: the value is valid and asks for unbounded work on purpose
 *                        (a billion timing rounds), which no library can refuse.
 * Values are factories, so every call gets fresh ones (a disposed tensor, a cyclic object).
 */

export const REFUSE = Object.freeze({ refuse: true });
export const SKIP = Object.freeze({ skip: true });
const keep = (value, mayRefuse = false) => ({ value, mayRefuse });

/** An error no convkit code throws: what a caller's throwing getter raises. */
export class CallerGetterError extends Error {}

function cyclic() {
  const o = { a: 1 };
  o.self = o;
  return o;
}

function throwingProxy() {
  return new Proxy(
    {},
    {
      get() {
        throw new CallerGetterError("getter called");
      },
      ownKeys() {
        throw new CallerGetterError("ownKeys called");
      },
      getOwnPropertyDescriptor() {
        throw new CallerGetterError("getOwnPropertyDescriptor called");
      },
    },
  );
}

/** Hostile values for any argument or option: [label, factory]. */
export const GENERIC_VALUES = [
  ["NaN", () => NaN],
  ["Infinity", () => Infinity],
  ["-Infinity", () => -Infinity],
  ["-1", () => -1],
  ["0", () => 0],
  ["0.5", () => 0.5],
  ["1", () => 1],
  ["2", () => 2],
  ["4096", () => 4096],
  ["1e5", () => 1e5],
  ["1e8", () => 1e8],
  ["1e308", () => 1e308],
  ["2**31", () => 2 ** 31],
  ["2**53", () => 2 ** 53],
  ["BigInt 2n", () => 2n],
  ["Symbol", () => Symbol("hostile")],
  ['"1"', () => "1"],
  ['"true"', () => "true"],
  ['""', () => ""],
  ["true", () => true],
  ["false", () => false],
  ["[]", () => []],
  ["[1, 1, 1, 1]", () => [1, 1, 1, 1]],
  ["[[1]]", () => [[1]]],
  ["[1, NaN]", () => [1, NaN]],
  ["[1e9, 1e9]", () => [1e9, 1e9]],
  ["null", () => null],
  ["undefined", () => undefined],
  ["a function", () => () => 1],
  ["{}", () => ({})],
  ["a cyclic object", cyclic],
  ["an object whose getters throw", throwingProxy],
];

/** The disposed tensors tensorValues made: a Tensor, but one every op must refuse. */
const DISPOSED = new WeakSet();
/** A live Tensor of another shape: the op may take it (relu takes any rank) or refuse it. */
function isLiveTensor(v) {
  try {
    return v !== null && typeof v === "object" && v.constructor?.name === "Tensor" && !DISPOSED.has(v);
  } catch {
    return false; // an object whose getters throw
  }
}

/** Hostile values where a Tensor goes (k: the convkit module; shape: the valid tensor's shape). */
export function tensorValues(k, shape) {
  const n = shape.reduce((a, b) => a * b, 1);
  return [
    ["a duck-typed {shape, data}", () => ({ shape: [...shape], data: new Float32Array(n).fill(1) })],
    ["a duck-typed {shape, data} with short data", () => ({ shape: [...shape], data: new Float32Array(1) })],
    ["a Float32Array", () => new Float32Array(n).fill(1)],
    ["a nested array", () => k.ones(shape).toArray()],
    ["a Tensor of the wrong rank", () => k.ones([...shape, 1])],
    ["a Tensor of rank 0", () => k.tensor(1)],
    [
      "a disposed wasm Tensor",
      () => {
        const t = k.toWasm(k.ones(shape));
        k.disposeWasm(t);
        DISPOSED.add(t);
        return t;
      },
    ],
  ];
}

/** A plain object with no own keys: an options object that asks for the defaults. */
function isEmptyObject(v) {
  try {
    return (
      v !== null &&
      typeof v === "object" &&
      Object.getPrototypeOf(v) === Object.prototype &&
      Object.keys(v).length === 0
    );
  } catch {
    return false; // an object whose traps throw
  }
}
function isCyclic(v) {
  try {
    return v !== null && typeof v === "object" && v.self === v;
  } catch {
    return false;
  }
}
const OPTIONS_REFUSE = (v) => (isCyclic(v) ? { refuse: true, names: ["a", "self"] } : REFUSE);

const isPlainInteger = (v) => typeof v === "number" && Number.isInteger(v);
/** Sizes past this are valid but so large a library may refuse them as too big to compute. */
const LARGE = 64;

function sizeCanonical(min) {
  return (v, rank) => {
    if (v === undefined) return keep(undefined);
    const ok = (x) => isPlainInteger(x) && x >= min;
    if (ok(v)) return keep(v, v > LARGE);
    if (Array.isArray(v) && v.length === rank && v.every(ok))
      return keep(
        v,
        v.some((x) => x > LARGE),
      );
    return REFUSE;
  };
}

/** Argument types: how each valid value reads and what a hostile one must give. */
export const TYPES = {
  /** A live Tensor (required). */
  tensor: { canonical: (v) => (isLiveTensor(v) ? keep(v, true) : REFUSE), tensor: true },
  /** An optional Tensor (bias): null or undefined mean none. */
  optionalTensor: {
    canonical: (v) => (v === null || v === undefined ? keep(null) : isLiveTensor(v) ? keep(v, true) : REFUSE),
    tensor: true,
  },
  /** A positive size, one number or one per spatial dimension (stride, dilation, kernelSize). */
  size: { canonical: sizeCanonical(1) },
  /** A pooling stride: null means the kernel size, as in PyTorch (stride=None). */
  poolStride: { canonical: (v, rank) => (v === null ? keep(undefined, true) : sizeCanonical(1)(v, rank)) },
  /**
   * A chart width: a finite number up to MAX_CHART_SIZE (10,000 px), clamped to the narrowest
   * chart (MIN_CHART_WIDTH, 120 px); NaN (a page before layout) draws the narrowest.
   */
  chartWidth: {
    canonical: (v) =>
      v === undefined
        ? keep(undefined)
        : Number.isNaN(v)
          ? keep(120) // a page before layout
          : typeof v === "number" && Number.isFinite(v) && v <= 10_000
            ? keep(Math.max(120, v))
            : REFUSE,
  },
  /** A chart height: a finite number up to MAX_CHART_SIZE (10,000 px). */
  chartHeight: {
    canonical: (v) =>
      v === undefined
        ? keep(undefined)
        : typeof v === "number" && Number.isFinite(v) && v <= 10_000
          ? keep(v, true)
          : REFUSE,
  },
  /** A non-negative size (padding, outputPadding). */
  padding: { canonical: sizeCanonical(0) },
  /** Conv padding: also "same" and "valid". */
  convPadding: {
    canonical: (v, rank) => (v === "same" || v === "valid" ? keep(v) : sizeCanonical(0)(v, rank)),
  },
  /** A positive integer scalar (groups, channels). */
  positiveInteger: {
    canonical: (v) =>
      v === undefined ? keep(undefined) : isPlainInteger(v) && v >= 1 ? keep(v, v > LARGE || v > 2 ** 31) : REFUSE,
  },
  /** A required positive integer scalar. */
  requiredPositiveInteger: {
    canonical: (v) => (isPlainInteger(v) && v >= 1 ? keep(v, v > LARGE) : REFUSE),
  },
  /** A non-negative integer scalar. */
  nonNegativeInteger: {
    canonical: (v) => (v === undefined ? keep(undefined) : isPlainInteger(v) && v >= 0 ? keep(v, v > LARGE) : REFUSE),
  },
  /** A count of repetitions (timing rounds): huge valid values are skipped, not refused. */
  count: {
    canonical: (v) =>
      v === undefined ? keep(undefined) : isPlainInteger(v) && v >= 1 ? (v > LARGE ? SKIP : keep(v)) : REFUSE,
  },
  /** A count that may be zero (warm-up calls): same as count. */
  countOrZero: {
    canonical: (v) =>
      v === undefined ? keep(undefined) : isPlainInteger(v) && v >= 0 ? (v > LARGE ? SKIP : keep(v)) : REFUSE,
  },
  /** Milliseconds to spend: same as count, zero allowed. */
  duration: {
    canonical: (v) =>
      v === undefined
        ? keep(undefined)
        : typeof v === "number" && Number.isFinite(v) && v >= 0
          ? v > 50
            ? SKIP
            : keep(v, true)
          : REFUSE,
  },
  /** A dimension index (may be negative, as in PyTorch). */
  dim: { canonical: (v) => (v === undefined ? keep(undefined) : isPlainInteger(v) ? keep(v, true) : REFUSE) },
  /** An integer seed. */
  seed: {
    canonical: (v) =>
      v === undefined ? keep(undefined) : isPlainInteger(v) && Math.abs(v) <= 2 ** 53 ? keep(v, true) : REFUSE,
  },
  /** A finite number. */
  finite: {
    canonical: (v) =>
      v === undefined ? keep(undefined) : typeof v === "number" && Number.isFinite(v) ? keep(v, true) : REFUSE,
  },
  /** A finite positive number (eps). */
  positive: {
    canonical: (v) =>
      v === undefined ? keep(undefined) : typeof v === "number" && Number.isFinite(v) && v > 0 ? keep(v, true) : REFUSE,
  },
  /** Digits after the decimal point: an integer from 0 to 20. */
  digits: { canonical: (v) => (isPlainInteger(v) && v >= 0 && v <= 20 ? keep(v) : REFUSE) },
  /** formatBytes' decimals: digits, or "auto". */
  decimals: {
    canonical: (v) => (v === undefined || v === "auto" || (isPlainInteger(v) && v >= 0 && v <= 20) ? keep(v) : REFUSE),
  },
  /** Column alignments: an array of "left" and "right" (missing columns are "left"). */
  alignments: {
    canonical: (v) =>
      v === undefined
        ? keep(undefined)
        : Array.isArray(v) && v.every((a) => a === "left" || a === "right")
          ? keep(v, true)
          : REFUSE,
  },
  /** A boolean: true or false, nothing truthy. */
  boolean: { canonical: (v) => (v === undefined || v === true || v === false ? keep(v) : REFUSE) },
  /** Any text (a title, a label, a name). */
  text: { canonical: (v) => (v === undefined || typeof v === "string" ? keep(v, true) : REFUSE) },
  /** A function (a callback). */
  callback: { canonical: (v) => (v === undefined || typeof v === "function" ? keep(v, true) : REFUSE) },
  /** A shape: an array of positive integers. */
  shape: {
    canonical: (v) =>
      Array.isArray(v) && v.every((x) => isPlainInteger(x) && x >= 1)
        ? keep(v, v.length === 0 || v.length > 5)
        : REFUSE,
  },
  /**
   * An options object that may be omitted: undefined and {} mean the defaults, so the call equals
   * the same call with {}; anything that is not an object (null, a number, a string, an array, a
   * typed array, a function) is refused naming "options". A cyclic object holds unknown keys, so
   * it may be refused for one of them.
   */
  options: {
    canonical: (v) =>
      v === undefined || isEmptyObject(v) ? keep({}) : isCyclic(v) ? { refuse: true, names: ["a", "self"] } : REFUSE,
    options: true,
  },
  /** An options object that must be given (it holds a required key): undefined and {} are refused for that key. */
  requiredOptions: {
    canonical: (v) => (v === undefined || isEmptyObject(v) ? { refuse: true, names: null } : OPTIONS_REFUSE(v)),
    options: true,
  },
  /** Anything: the function formats or passes through its argument; it must never throw another error. */
  any: { canonical: (v) => keep(v, true) },
  /** A structured value (a model, a spec, a list of records): any other value is refused. */
  structured: { canonical: () => REFUSE },
};

/** A closed set of strings (paddingMode, convention, backend). */
export function oneOf(...choices) {
  return { canonical: (v) => (v === undefined || choices.includes(v) ? keep(v) : REFUSE), choices };
}

/** PyTorch's and other libraries' spellings a user types out of habit. */
export const FOREIGN_KEYS = [
  "padding_mode",
  "output_padding",
  "count_include_pad",
  "ceil_mode",
  "kernel_size",
  "in_channels",
  "out_channels",
  "return_indices",
  "divisor_override",
  "group",
  "dilations",
  "strides",
  "pads",
  "auto_pad",
  "kernel_shape",
  "data_format",
  "use_bias",
  "channel_multiplier",
  "constructor",
  "toString",
  "__proto__",
  "hasOwnProperty",
];

/** Misspellings of a key: a dropped, doubled or swapped letter, lower case, snake_case. */
export function misspellings(key) {
  const out = new Set();
  for (let i = 0; i < key.length; i++) {
    out.add(key.slice(0, i) + key.slice(i + 1));
    out.add(key.slice(0, i) + key[i] + key.slice(i));
    if (i + 1 < key.length) out.add(key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2));
  }
  out.add(key.toLowerCase());
  out.add(key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
  out.add(`${key}s`);
  out.delete(key);
  return [...out];
}
