/**
 * How to call every export of convkit and convkit/charts validly, so the hostile-input suite can
 * break one argument or option at a time. test/hostile.test.ts checks that every exported function
 * and class is either described here or listed in NO_ARGUMENTS, so a new export cannot escape.
 *
 * A descriptor:
 *   name      the export; `module` "charts" for convkit/charts
 *   op        the op name its errors start with (`${op}: ...`), default the export's name
 *   kind      "function" (default) or "class" (called with `new`)
 *   args(k)   fresh valid positional arguments (k: the convkit module)
 *   params    one entry per positional argument: its name in error messages and its type
 *             (values.mjs TYPES); `fuzz: false` for an argument that names the caller's own op;
 *             `aliases` for what a message may name instead ("layer 0" of Sequential's layers)
 *   options   the index of the options object in args, and `keys` its keys and their types
 *   backend   true for the convolutions, whose options take `backend`: a result is compared
 *             with the same call on the "reference" backend (pooling has one implementation)
 *   forward   for layers: the input the built layer runs on; the output is what is compared
 *   forwardOps  the functional ops forward() runs, which may refuse its input (default: the
 *             layer's name with a lower-case first letter, Conv2d -> conv2d)
 *   random    the result is a measurement (timing), compared by its keys only
 *   passThrough  the function hands its argument back (checkOptions): its result is not checked for NaN
 *   variant   a second descriptor of one export, with other valid arguments (named in reports)
 */
import { TYPES, oneOf } from "./values.mjs";

const { tensor, optionalTensor, size, padding, convPadding, positiveInteger, requiredPositiveInteger } = TYPES;
const { nonNegativeInteger, count, countOrZero, duration, dim, seed, finite, positive, boolean, text, callback } =
  TYPES;
const { shape, options, requiredOptions, any, structured } = TYPES;

/**
 * Exports that take no arguments and no options: calling them cannot go wrong with input. Values
 * that are not functions (constants such as CONV_OPTION_KEYS, MAX_ELEMENTS, the backend objects)
 * are skipped by the enumeration itself, and types do not exist at run time.
 */
export const NO_ARGUMENTS = [
  "getBackendName", // the active backend's name
  "getThreads", // the worker count
  "getWasmFma", // whether the fused multiply-add build is on
  "threadsReady", // a promise for the started workers
  "tutorialTable", // the tutorial's fixed rows
  "wasmAvailable", // feature probes and memory gauges
  "wasmFmaSupported",
  "wasmMemoryBytes",
  "wasmResidentBytes",
  "wasmSimdSupported",
  "ReLU", // layers without parameters
  "Identity",
  "Module", // the abstract base every layer extends; `new Module()` takes nothing
];

const PADDING_MODE = oneOf("zeros", "reflect", "replicate", "circular");
const BACKEND = oneOf("reference", "wasm");
const CONVENTION = oneOf("exact", "torchinfo", "thop", "fvcore", "ptflops", "pytorch");
const YTYPE = oneOf("linear", "log");
/** A number or a rectangular nested array of numbers (NaN is data, not an error). */
const NESTED_NUMBERS = {
  canonical: (v) => {
    const shapeOf = (a) => {
      if (typeof a === "number") return [];
      if (!Array.isArray(a) || a.length === 0) return null;
      const inner = shapeOf(a[0]);
      return inner && [a.length, ...inner];
    };
    const rectangular = (a, s) =>
      s.length === 0
        ? typeof a === "number"
        : Array.isArray(a) && a.length === s[0] && a.every((b) => rectangular(b, s.slice(1)));
    if (Array.isArray(v) && v.length === 0) return { value: v, mayRefuse: true }; // torch.tensor([]): shape [0]
    const s = shapeOf(v);
    return s !== null && rectangular(v, s) ? { value: v, mayRefuse: true } : { refuse: true };
  },
};
/** Any number, NaN and the infinities included (pad's fill value, as in PyTorch). */
const NUMBER = { canonical: (v) => (v === undefined || typeof v === "number" ? { value: v } : { refuse: true }) };
/** pad's pads: (before, after) pairs from the last dimension back, non-negative integers. */
const PADS = {
  canonical: (v) =>
    Array.isArray(v) && v.length % 2 === 0 && v.length <= 8 && v.every((x) => Number.isInteger(x) && x >= 0)
      ? { value: v, mayRefuse: v.length === 0 || v.some((x) => x > 64) }
      : { refuse: true },
};
/** Sizes of one dimension take 0 (an empty input): a non-negative integer, required. */
const requiredNonNegativeInteger = {
  canonical: (v) => (v === undefined ? { refuse: true } : TYPES.nonNegativeInteger.canonical(v)),
};
/** convOutputSize's padding: one non-negative integer per side, or [before, after]. */
const PADDING_PAIR = {
  canonical: (v) =>
    Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x) && x >= 0)
      ? { value: v, mayRefuse: v.some((x) => x > 64) }
      : TYPES.nonNegativeInteger.canonical(v),
};
/** A table's rows: arrays of two strings, one per header column (none is a header alone). */
const TABLE_ROWS = {
  canonical: (v) =>
    Array.isArray(v) &&
    v.every((row) => Array.isArray(row) && row.length === 2 && row.every((c) => typeof c === "string"))
      ? { value: v, mayRefuse: false }
      : { refuse: true },
};
/** eps: a finite number >= 0 (PyTorch takes 0). */
const nonNegative = {
  canonical: (v) =>
    v === undefined
      ? { value: undefined, mayRefuse: false }
      : typeof v === "number" && Number.isFinite(v) && v >= 0
        ? { value: v, mayRefuse: true }
        : { refuse: true },
};
/** `out`: a Tensor of the output's shape; anything else is refused. */
const OUT = { canonical: (v) => (v === undefined ? { value: undefined, mayRefuse: false } : { refuse: true }) };

/** Plot's top-level options, which every chart passes through to Plot. */
export const PLOT_KEYS = [
  "document",
  "width",
  "height",
  "margin",
  "marginTop",
  "marginRight",
  "marginBottom",
  "marginLeft",
  "inset",
  "title",
  "subtitle",
  "caption",
  "figure",
  "style",
  "className",
  "ariaLabel",
  "ariaDescription",
  "grid",
  "label",
  "clip",
  "projection",
  "facet",
  "x",
  "y",
  "fx",
  "fy",
  "color",
  "opacity",
  "r",
  "symbol",
  "length",
  "aspectRatio",
];
const CHART_KEYS = { width: TYPES.chartWidth, height: TYPES.chartHeight, title: text, caption: text };
/** A chart's fields to draw (metrics): a non-empty array of names; a name the data lacks may be refused. */
const FIELD_NAMES = {
  canonical: (v) =>
    v === undefined
      ? { value: undefined, mayRefuse: false }
      : Array.isArray(v) && v.length > 0 && v.every((f) => typeof f === "string")
        ? { value: v, mayRefuse: true }
        : { refuse: true },
};
/** A chart's axis labels per field: an object of strings ({} and undefined: the chart's own labels). */
const LABELS = {
  canonical: (v) => {
    if (v === undefined) return { value: undefined, mayRefuse: false };
    try {
      const plain = v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype;
      return plain && Object.values(v).every((label) => typeof label === "string")
        ? { value: v, mayRefuse: false }
        : { refuse: true };
    } catch {
      return { refuse: true }; // an object whose getters throw
    }
  },
};
/**
 * costVsGroups' and costVsDilation's kernelSize and inputSize: one size, or one per spatial
 * dimension of a 1-, 2- or 3-D convolution (the rank comes from the array).
 */
const CONV_SHAPE_SIZE = {
  canonical: (v) =>
    Array.isArray(v) && v.length >= 1 && v.length <= 3 && v.every((x) => Number.isInteger(x) && x >= 1)
      ? { value: v, mayRefuse: v.some((x) => x > 64) }
      : TYPES.size.canonical(v, 2),
};
/** A Tensor, live or disposed (an object whose getters throw is none). */
const isTensor = (v) => {
  try {
    return v !== null && typeof v === "object" && v.constructor?.name === "Tensor";
  } catch {
    return false;
  }
};

const x1 = (k) => k.randn([1, 4, 7], { seed: 1 });
const x2 = (k) => k.randn([1, 4, 6, 6], { seed: 1 });
const x3 = (k) => k.randn([1, 4, 4, 4, 4], { seed: 1 });
const xOf = { 1: x1, 2: x2, 3: x3 };
const kernel = (rank, n) => Array(rank).fill(n);

function convOp(rank, transposed) {
  const name = `${transposed ? "convTranspose" : "conv"}${rank}d`;
  const wShape = transposed ? [4, 3, ...kernel(rank, 3)] : [6, 2, ...kernel(rank, 3)];
  const keys = transposed
    ? { stride: size, padding, outputPadding: padding, dilation: size, groups: positiveInteger }
    : { stride: size, padding: convPadding, dilation: size, groups: positiveInteger, paddingMode: PADDING_MODE };
  return {
    name,
    rank,
    args: (k) => [
      xOf[rank](k),
      k.randn(wShape, { seed: 2 }),
      k.randn([transposed ? 6 : 6], { seed: 3 }),
      { groups: 2, ...(transposed ? { stride: 2, outputPadding: 1 } : { padding: 1 }) },
    ],
    params: [
      { name: "input", type: tensor },
      { name: "weight", type: tensor },
      { name: "bias", type: optionalTensor },
      { name: "options", type: options },
    ],
    options: 3,
    keys: { ...keys, backend: BACKEND, out: OUT },
    backend: true,
  };
}

/**
 * A transposed conv on an input of spatial size 1: a huge stride still gives a small output, so
 * huge strides must be computed (or refused) without visiting every one of the stride^d phases.
 */
function convTransposeOfOne(rank) {
  const base = convOp(rank, true);
  return {
    ...base,
    variant: "input of spatial size 1",
    args: (k) => [
      k.randn([1, 4, ...kernel(rank, 1)], { seed: 1 }),
      k.randn([4, 3, ...kernel(rank, 3)], { seed: 2 }),
      null,
      { groups: 2 },
    ],
  };
}

function poolOp(rank, max) {
  const name = `${max ? "max" : "avg"}Pool${rank}d`;
  const keys = max
    ? { kernelSize: size, stride: TYPES.poolStride, padding, dilation: size, ceilMode: boolean }
    : { kernelSize: size, stride: TYPES.poolStride, padding, ceilMode: boolean, countIncludePad: boolean };
  return {
    name,
    rank,
    args: (k) => [xOf[rank](k), { kernelSize: 3, stride: 2, padding: 1 }],
    params: [
      { name: "input", type: tensor },
      { name: "options", type: requiredOptions },
    ],
    options: 1,
    keys,
  };
}

function convLayer(rank, transposed) {
  const name = `${transposed ? "ConvTranspose" : "Conv"}${rank}d`;
  const keys = transposed
    ? { stride: size, padding, outputPadding: padding, dilation: size, groups: positiveInteger }
    : { stride: size, padding: convPadding, dilation: size, groups: positiveInteger, paddingMode: PADDING_MODE };
  return {
    name,
    kind: "class",
    rank,
    args: () => [4, 6, 3, { groups: 2, seed: 5, ...(transposed ? { stride: 2, outputPadding: 1 } : { padding: 1 }) }],
    params: [
      { name: "inChannels", type: requiredPositiveInteger },
      { name: "outChannels", type: requiredPositiveInteger },
      { name: "kernelSize", type: size },
      { name: "options", type: options },
    ],
    options: 3,
    keys: { ...keys, bias: boolean, seed },
    forward: xOf[rank],
  };
}

function poolLayer(rank, max) {
  const name = `${max ? "Max" : "Avg"}Pool${rank}d`;
  const keys = max
    ? { stride: TYPES.poolStride, padding, dilation: size, ceilMode: boolean }
    : { stride: TYPES.poolStride, padding, ceilMode: boolean, countIncludePad: boolean };
  return {
    name,
    kind: "class",
    rank,
    args: () => [3, { stride: 2, padding: 1 }],
    params: [
      { name: "kernelSize", type: size },
      { name: "options", type: options },
    ],
    options: 1,
    keys,
    forward: xOf[rank],
  };
}

const conv2dSpec = () => ({ type: "Conv2d", inChannels: 4, outChannels: 6, kernelSize: 3, padding: 1 });
const model = (k) => new k.Sequential(new k.Conv2d(4, 6, 3, { padding: 1, seed: 1 }), new k.ReLU());
const stats = (k) => k.layerStats(conv2dSpec(), [1, 4, 6, 6]);
const stack = () => [
  { type: "conv", inChannels: 4, outChannels: 4, groups: 2 },
  { type: "shuffle", groups: 2 },
  { type: "conv", inChannels: 4, outChannels: 4, groups: 2 },
];
const variants = () => [
  { name: "regular", layer: conv2dSpec(), input: [1, 4, 6, 6] },
  { name: "grouped", layer: { ...conv2dSpec(), groups: 2 }, input: [1, 4, 6, 6] },
];
const latencyEntries = (k) =>
  variants().map((v, i) => ({
    name: v.name,
    stats: k.layerStats(v.layer, v.input),
    timing: { samplesMs: [1 + i, 2 + i], calls: 2 },
  }));
const costData = () => [
  { name: "regular", params: 100, macs: 1000 },
  { name: "grouped", params: 50, macs: 500 },
];
const modelJSON = () => ({ name: "tiny", inputShape: [1, 4, 6, 6], layers: [conv2dSpec(), { type: "ReLU" }] });
/**
 * A model argument (summary, receptiveField, resolveModel): a Module, a spec or a list of them. An
 * empty list is the identity (PyTorch's empty nn.Sequential); a list's entries are named "layer N".
 */
const MODEL = {
  name: "model",
  type: { canonical: (v) => (Array.isArray(v) && v.length === 0 ? { value: v } : { refuse: true }) },
  aliases: ["layer "],
};
const fixed = (name) => ({ name, type: any, fuzz: false });

export const DESCRIPTORS = [
  // --- core/errors
  {
    name: "ConvError",
    kind: "class",
    op: "demo",
    args: () => ["demo", "a message"],
    params: [fixed("op"), { name: "message", type: any }],
  },
  { name: "formatShape", args: () => [[1, 2]], params: [{ name: "shape", type: shape }] },
  // --- core/arithmetic
  {
    name: "effectiveKernelSize",
    args: () => [3, 2],
    params: [
      { name: "kernelSize", type: requiredPositiveInteger },
      { name: "dilation", type: positiveInteger },
    ],
  },
  {
    name: "samePadding",
    args: () => [3, 1],
    params: [
      { name: "kernelSize", type: requiredPositiveInteger },
      { name: "dilation", type: positiveInteger },
    ],
  },
  {
    name: "convOutputSize",
    args: () => [8, 3, { stride: 2, padding: 1 }],
    params: [
      { name: "inputSize", type: requiredNonNegativeInteger },
      { name: "kernelSize", type: requiredPositiveInteger },
      { name: "options", type: options },
    ],
    options: 2,
    keys: { stride: positiveInteger, padding: PADDING_PAIR, dilation: positiveInteger },
  },
  {
    name: "convTransposeOutputSize",
    args: () => [4, 3, { stride: 2, outputPadding: 1 }],
    params: [
      { name: "inputSize", type: requiredNonNegativeInteger },
      { name: "kernelSize", type: requiredPositiveInteger },
      { name: "options", type: options },
    ],
    options: 2,
    keys: {
      stride: positiveInteger,
      padding: nonNegativeInteger,
      dilation: positiveInteger,
      outputPadding: nonNegativeInteger,
    },
  },
  {
    name: "poolOutputSize",
    args: () => [8, 3, { stride: 2, padding: 1 }],
    params: [
      { name: "inputSize", type: requiredNonNegativeInteger },
      { name: "kernelSize", type: requiredPositiveInteger },
      { name: "options", type: options },
    ],
    options: 2,
    keys: { stride: positiveInteger, padding: nonNegativeInteger, dilation: positiveInteger, ceilMode: boolean },
  },
  { name: "numel", args: () => [[2, 3]], params: [{ name: "shape", type: shape }] },
  {
    name: "convInfo",
    op: "demo",
    args: () => ["demo", 2, [1, 4, 6, 6], [6, 2, 3, 3], [6], { groups: 2, padding: 1 }],
    params: [
      fixed("op"),
      fixed("rank"),
      { name: "input", type: shape },
      { name: "weight", type: shape },
      { name: "bias", type: any, fuzz: false },
      { name: "options", type: options },
    ],
    options: 5,
    keys: { stride: size, padding: convPadding, dilation: size, groups: positiveInteger, paddingMode: PADDING_MODE },
    rank: 2,
  },
  {
    name: "convTransposeInfo",
    op: "demo",
    args: () => ["demo", 2, [1, 4, 6, 6], [4, 3, 3, 3], [6], { groups: 2, stride: 2 }],
    params: [
      fixed("op"),
      fixed("rank"),
      { name: "input", type: shape },
      { name: "weight", type: shape },
      { name: "bias", type: any, fuzz: false },
      { name: "options", type: options },
    ],
    options: 5,
    keys: { stride: size, padding, outputPadding: padding, dilation: size, groups: positiveInteger },
    rank: 2,
  },
  {
    name: "poolInfo",
    op: "demo",
    args: () => ["demo", 2, [1, 4, 6, 6], { kernelSize: 3, stride: 2 }],
    params: [fixed("op"), fixed("rank"), { name: "input", type: shape }, { name: "options", type: requiredOptions }],
    options: 3,
    keys: { kernelSize: size, stride: size, padding, dilation: size, ceilMode: boolean, countIncludePad: boolean },
    rank: 2,
  },
  // --- core/tensor
  {
    name: "Tensor",
    kind: "class",
    args: () => [new Float32Array(6), [2, 3]],
    params: [
      { name: "data", type: structured },
      { name: "shape", type: shape },
    ],
  },
  { name: "stridesOf", args: () => [[2, 3]], params: [{ name: "shape", type: shape }] },
  {
    name: "tensor",
    args: () => [
      [
        [1, 2],
        [3, 4],
      ],
    ],
    params: [{ name: "values", type: NESTED_NUMBERS }],
  },
  {
    name: "full",
    args: () => [[2, 3], 7],
    params: [
      { name: "shape", type: shape },
      {
        name: "value",
        type: { canonical: (v) => (typeof v === "number" ? { value: v, mayRefuse: true } : { refuse: true }) },
      },
    ],
  },
  { name: "zeros", args: () => [[2, 3]], params: [{ name: "shape", type: shape }] },
  { name: "ones", args: () => [[2, 3]], params: [{ name: "shape", type: shape }] },
  {
    name: "arange",
    args: () => [0, 6, 2],
    params: [
      { name: "start", type: finite },
      { name: "stop", type: finite },
      { name: "step", type: finite },
    ],
  },
  { name: "mulberry32", args: () => [7], params: [{ name: "seed", type: seed }] },
  {
    name: "rand",
    args: () => [[2, 3], { seed: 1, low: -1, high: 1 }],
    params: [
      { name: "shape", type: shape },
      { name: "options", type: options },
    ],
    options: 1,
    keys: { seed, low: finite, high: finite },
  },
  {
    name: "randn",
    args: () => [[2, 3], { seed: 1, mean: 0, std: 1 }],
    params: [
      { name: "shape", type: shape },
      { name: "options", type: options },
    ],
    options: 1,
    keys: { seed, mean: finite, std: finite },
  },
  {
    name: "cat",
    args: (k) => [[k.ones([1, 2]), k.zeros([1, 3])], 1],
    params: [
      { name: "tensors", type: structured, aliases: ["tensor "] },
      { name: "dim", type: dim },
    ],
  },
  {
    name: "maxAbsDiff",
    args: (k) => [k.ones([2, 3]), k.zeros([2, 3])],
    params: [
      { name: "a", type: tensor },
      { name: "b", type: tensor },
    ],
  },
  {
    name: "allClose",
    args: (k) => [k.ones([2, 3]), k.ones([2, 3]), {}],
    params: [
      { name: "a", type: tensor },
      { name: "b", type: tensor },
      { name: "options", type: options },
    ],
    options: 2,
    keys: { rtol: finite, atol: finite, equalNan: boolean },
  },
  // --- kernels
  { name: "registerBackend", args: (k) => [k.referenceBackend], params: [{ name: "backend", type: structured }] },
  { name: "setBackend", args: () => ["wasm"], params: [{ name: "name", type: BACKEND, aliases: ["unknown backend"] }] },
  {
    name: "getBackend",
    args: () => ["reference"],
    params: [{ name: "name", type: BACKEND, aliases: ["unknown backend"] }, fixed("op")],
  },
  { name: "toWasm", args: (k) => [k.ones([2, 3])], params: [{ name: "tensor", type: tensor }] },
  // A predicate: false for anything that is not a live tensor in wasm memory (null included).
  {
    name: "inWasm",
    args: (k) => [k.ones([2, 3])],
    params: [{ name: "tensor", type: { canonical: () => ({ value: null, mayRefuse: false }), tensor: true } }],
  },
  // False, doing nothing, for a Tensor not in wasm memory or already disposed; not a Tensor: refused.
  {
    name: "disposeWasm",
    args: (k) => [k.toWasm(k.ones([2, 3]))],
    params: [
      {
        name: "tensor",
        type: {
          canonical: (v) => (isTensor(v) ? { value: v, mayRefuse: false } : { refuse: true }),
          tensor: true,
        },
      },
    ],
  },
  { name: "setThreads", args: () => [1], params: [{ name: "threads", type: requiredPositiveInteger }] },
  { name: "setWasmFma", args: () => [false], params: [{ name: "enabled", type: boolean }] },
  // --- ops
  convOp(1, false),
  convOp(2, false),
  convOp(3, false),
  convOp(1, true),
  convOp(2, true),
  convOp(3, true),
  convTransposeOfOne(1),
  convTransposeOfOne(2),
  convTransposeOfOne(3),
  poolOp(1, true),
  poolOp(2, true),
  poolOp(3, true),
  poolOp(1, false),
  poolOp(2, false),
  poolOp(3, false),
  {
    name: "pad",
    args: (k) => [x2(k), [1, 2, 1, 0], "reflect"],
    params: [
      { name: "input", type: tensor },
      { name: "pads", type: PADS },
      { name: "mode", type: oneOf("constant", "zeros", "reflect", "replicate", "circular") },
      { name: "value", type: NUMBER },
    ],
  },
  {
    name: "pad",
    variant: "constant mode",
    args: (k) => [x2(k), [1, 2, 1, 0], "constant"],
    params: [
      { name: "input", type: tensor },
      { name: "pads", type: PADS },
      { name: "mode", type: oneOf("constant", "zeros", "reflect", "replicate", "circular") },
      { name: "value", type: NUMBER },
    ],
  },
  {
    name: "channelShuffle",
    args: (k) => [x2(k), 2],
    params: [
      { name: "input", type: tensor },
      { name: "groups", type: requiredPositiveInteger },
    ],
  },
  {
    name: "linear",
    args: (k) => [k.randn([2, 4], { seed: 1 }), k.randn([3, 4], { seed: 2 }), k.randn([3], { seed: 3 })],
    params: [
      { name: "input", type: tensor },
      { name: "weight", type: tensor },
      { name: "bias", type: optionalTensor },
    ],
  },
  {
    name: "linearInfo",
    op: "demo",
    args: () => ["demo", [2, 4], [3, 4], [3]],
    params: [
      fixed("op"),
      { name: "input", type: shape },
      { name: "weight", type: shape },
      { name: "bias", type: any, fuzz: false },
    ],
  },
  { name: "relu", args: (k) => [x2(k)], params: [{ name: "input", type: tensor }] },
  {
    name: "flatten",
    args: (k) => [x2(k), 1, -1],
    params: [
      { name: "input", type: tensor },
      { name: "startDim", type: dim },
      { name: "endDim", type: dim },
    ],
  },
  {
    name: "flattenShape",
    op: "demo",
    args: () => ["demo", [1, 4, 6, 6], 1, -1],
    params: [
      fixed("op"),
      { name: "input", type: shape },
      { name: "startDim", type: dim },
      { name: "endDim", type: dim },
    ],
  },
  {
    name: "batchNorm",
    args: (k) => [x2(k), k.zeros([4]), k.ones([4]), { weight: k.ones([4]), bias: k.zeros([4]), eps: 1e-5 }],
    params: [
      { name: "input", type: tensor },
      { name: "runningMean", type: tensor },
      { name: "runningVar", type: tensor },
      { name: "options", type: options },
    ],
    options: 3,
    keys: { weight: optionalTensor, bias: optionalTensor, eps: nonNegative },
  },
  {
    name: "batchNormInfo",
    op: "demo",
    args: () => ["demo", [1, 4, 6, 6], [4], [4], null, null],
    params: [
      fixed("op"),
      { name: "input", type: shape },
      { name: "runningMean", type: shape },
      { name: "runningVar", type: shape },
      fixed("weight"),
      fixed("bias"),
    ],
  },
  {
    name: "adaptivePoolWindow",
    args: () => [1, 6, 4],
    params: [
      { name: "index", type: nonNegativeInteger },
      { name: "inSize", type: requiredPositiveInteger },
      { name: "outSize", type: requiredPositiveInteger },
    ],
  },
  {
    name: "adaptivePoolInfo",
    op: "demo",
    args: () => ["demo", 2, [1, 4, 6, 6], [3, 2]],
    params: [fixed("op"), fixed("rank"), { name: "input", type: shape }, { name: "outputSize", type: TYPES.size }],
    rank: 2,
  },
  {
    name: "adaptiveAvgPool2d",
    args: (k) => [x2(k), [3, 2]],
    params: [
      { name: "input", type: tensor },
      { name: "outputSize", type: size },
    ],
    rank: 2,
  },
  // --- nn/layers
  { name: "manualSeed", args: () => [3], params: [{ name: "seed", type: seed }] },
  {
    name: "ConvNd",
    kind: "class",
    op: "Conv2d",
    args: () => ["Conv2d", 2, 4, 6, 3, { padding: 1, seed: 5 }, false],
    params: [
      fixed("op"),
      fixed("rank"),
      { name: "inChannels", type: requiredPositiveInteger },
      { name: "outChannels", type: requiredPositiveInteger },
      { name: "kernelSize", type: size },
      { name: "options", type: options },
      fixed("transposed"),
    ],
    options: 5,
    keys: {
      stride: size,
      padding: convPadding,
      dilation: size,
      groups: positiveInteger,
      paddingMode: PADDING_MODE,
      bias: boolean,
      seed,
    },
    rank: 2,
    forward: x2,
  },
  {
    name: "ConvTransposeNd",
    kind: "class",
    op: "ConvTranspose2d",
    args: () => ["ConvTranspose2d", 2, 4, 6, 3, { stride: 2, seed: 5 }],
    params: [
      fixed("op"),
      fixed("rank"),
      { name: "inChannels", type: requiredPositiveInteger },
      { name: "outChannels", type: requiredPositiveInteger },
      { name: "kernelSize", type: size },
      { name: "options", type: options },
    ],
    options: 5,
    keys: {
      stride: size,
      padding,
      outputPadding: padding,
      dilation: size,
      groups: positiveInteger,
      bias: boolean,
      seed,
    },
    rank: 2,
    forward: x2,
  },
  {
    name: "PoolNd",
    kind: "class",
    op: "MaxPool2d",
    rank: 2,
    // The base class of the pooling layers, called as MaxPool2d calls it; forward() is the subclasses'.
    args: () => ["MaxPool2d", 2, true, 3, { stride: 2, padding: 1 }],
    params: [
      fixed("op"),
      fixed("rank"),
      fixed("max"),
      { name: "kernelSize", type: size },
      { name: "options", type: options },
    ],
    options: 4,
    keys: { stride: TYPES.poolStride, padding, dilation: size, ceilMode: boolean },
  },
  convLayer(1, false),
  convLayer(2, false),
  convLayer(3, false),
  convLayer(1, true),
  convLayer(2, true),
  convLayer(3, true),
  {
    name: "DepthwiseConv2d",
    kind: "class",
    forwardOps: ["conv2d"],
    rank: 2,
    args: () => [4, 3, { padding: 1, channelMultiplier: 2, seed: 5 }],
    params: [
      { name: "channels", type: requiredPositiveInteger },
      { name: "kernelSize", type: size },
      { name: "options", type: options },
    ],
    options: 2,
    keys: {
      stride: size,
      padding: convPadding,
      dilation: size,
      paddingMode: PADDING_MODE,
      bias: boolean,
      seed,
      channelMultiplier: positiveInteger,
    },
    forward: x2,
  },
  {
    name: "PointwiseConv2d",
    kind: "class",
    forwardOps: ["conv2d"],
    rank: 2,
    args: () => [4, 6, { seed: 5 }],
    params: [
      { name: "inChannels", type: requiredPositiveInteger },
      { name: "outChannels", type: requiredPositiveInteger },
      { name: "options", type: options },
    ],
    options: 2,
    keys: { stride: size, groups: positiveInteger, bias: boolean, seed },
    forward: x2,
  },
  {
    name: "SeparableConv2d",
    kind: "class",
    forwardOps: ["conv2d"],
    rank: 2,
    args: () => [4, 6, 3, { padding: 1, seed: 5 }],
    params: [
      { name: "inChannels", type: requiredPositiveInteger },
      { name: "outChannels", type: requiredPositiveInteger },
      { name: "kernelSize", type: size },
      { name: "options", type: options },
    ],
    options: 3,
    keys: { stride: size, padding: convPadding, dilation: size, paddingMode: PADDING_MODE, bias: boolean, seed },
    forward: x2,
  },
  {
    name: "GroupedSeparableConv2d",
    kind: "class",
    forwardOps: ["conv2d", "channelShuffle"],
    rank: 2,
    args: () => [4, 6, 3, { padding: 1, groups: 2, seed: 5 }],
    params: [
      { name: "inChannels", type: requiredPositiveInteger },
      { name: "outChannels", type: requiredPositiveInteger },
      { name: "kernelSize", type: size },
      { name: "options", type: options },
    ],
    options: 3,
    keys: {
      stride: size,
      padding: convPadding,
      dilation: size,
      groups: positiveInteger,
      paddingMode: PADDING_MODE,
      bias: boolean,
      seed,
    },
    forward: x2,
  },
  {
    name: "Sequential",
    kind: "class",
    forwardOps: ["conv2d", "relu"],
    args: (k) => [new k.Conv2d(4, 6, 3, { seed: 5 }), new k.ReLU()],
    params: [
      { name: "layers", type: structured, aliases: ["layer "] },
      { name: "layers", type: structured, aliases: ["layer "] },
    ],
    forward: x2,
  },
  {
    name: "NamedSequential",
    kind: "class",
    forwardOps: ["conv2d", "relu"],
    args: (k) => [
      [
        ["conv", new k.Conv2d(4, 6, 3, { seed: 5 })],
        ["relu", new k.ReLU()],
      ],
    ],
    // No entries: the identity, as PyTorch's empty nn.Sequential.
    params: [
      {
        name: "entries",
        type: { canonical: (v) => (Array.isArray(v) && v.length === 0 ? { value: v } : { refuse: true }) },
      },
    ],
    forward: x2,
  },
  {
    name: "ChannelShuffle",
    kind: "class",
    args: () => [2],
    params: [{ name: "groups", type: requiredPositiveInteger }],
    forward: x2,
  },
  poolLayer(1, true),
  poolLayer(2, true),
  poolLayer(3, true),
  poolLayer(1, false),
  poolLayer(2, false),
  poolLayer(3, false),
  {
    name: "Linear",
    kind: "class",
    args: () => [4, 3, { seed: 5 }],
    params: [
      { name: "inFeatures", type: requiredPositiveInteger },
      { name: "outFeatures", type: requiredPositiveInteger },
      { name: "options", type: options },
    ],
    options: 2,
    keys: { bias: boolean, seed },
    forward: (k) => k.randn([2, 4], { seed: 1 }),
  },
  {
    name: "Flatten",
    kind: "class",
    args: () => [1, -1],
    params: [
      { name: "startDim", type: dim },
      { name: "endDim", type: dim },
    ],
    forward: x2,
  },
  {
    name: "BatchNorm2d",
    kind: "class",
    forwardOps: ["batchNorm"],
    args: () => [4, { eps: 1e-5 }],
    params: [
      { name: "numFeatures", type: requiredPositiveInteger },
      { name: "options", type: options },
    ],
    options: 1,
    keys: { eps: nonNegative, momentum: finite, affine: boolean },
    forward: x2,
  },
  {
    name: "AdaptiveAvgPool2d",
    kind: "class",
    rank: 2,
    args: () => [[3, 2]],
    params: [{ name: "outputSize", type: size }],
    forward: x2,
  },
  // --- nn/layer-spec, nn/model-json
  { name: "resolveSpec", args: () => [conv2dSpec()], params: [{ name: "spec", type: structured }] },
  { name: "layerSpec", args: (k) => [new k.Conv2d(4, 6, 3)], params: [{ name: "layer", type: structured }] },
  { name: "resolveLayer", args: () => [conv2dSpec()], params: [{ name: "layer", type: structured }] },
  { name: "resolveModel", args: (k) => [model(k)], params: [MODEL] },
  {
    name: "buildLayer",
    args: () => [conv2dSpec(), { seed: 5 }],
    params: [
      { name: "spec", type: structured },
      { name: "options", type: options },
    ],
    options: 1,
    keys: { seed },
    forward: x2,
  },
  {
    name: "parseModel",
    op: "model", // the documented op of model-file errors
    args: () => [JSON.stringify(modelJSON())],
    params: [{ name: "source", type: structured, aliases: ["not valid JSON", "inputShape", "layers", "field"] }],
  },
  {
    name: "loadModel",
    op: "model", // as parseModel
    args: () => [modelJSON(), { seed: 5 }],
    params: [
      { name: "source", type: structured, aliases: ["not valid JSON", "inputShape", "layers", "field"] },
      { name: "options", type: options },
    ],
    options: 1,
    keys: { seed },
  },
  {
    name: "modelToJSON",
    args: (k) => [model(k), [1, 4, 6, 6], { name: "tiny" }],
    params: [
      { name: "model", type: structured },
      { name: "inputShape", type: shape },
      { name: "options", type: options },
    ],
    options: 2,
    keys: { name: text, description: text, source: text },
  },
  // --- analysis
  {
    name: "resolvedLayerStats",
    args: (k) => [k.resolveSpec(conv2dSpec()), [1, 4, 6, 6]],
    params: [
      { name: "layer", type: structured },
      { name: "inputShape", type: shape },
    ],
  },
  {
    name: "layerStats",
    args: () => [conv2dSpec(), [1, 4, 6, 6]],
    params: [
      { name: "layer", type: structured },
      { name: "inputShape", type: shape },
    ],
  },
  {
    name: "countIn",
    args: (k) => [stats(k), "thop"],
    params: [
      { name: "stats", type: structured },
      { name: "convention", type: CONVENTION },
    ],
  },
  { name: "initialReceptiveField", args: () => [2], params: [{ name: "rank", type: requiredPositiveInteger }] },
  {
    name: "nextReceptiveField",
    args: (k) => [
      k.initialReceptiveField(1),
      { kind: "sliding", kernel: [3], stride: [2], padding: [1], transposed: false, exact: true },
    ],
    params: [
      // null is the state after a Linear or Flatten (no spatial positions left): it stays null.
      { name: "state", type: { canonical: (v) => (v === null ? { value: v } : { refuse: true }) } },
      { name: "window", type: structured },
    ],
  },
  {
    name: "describeReceptiveField",
    args: (k) => [k.initialReceptiveField(2)],
    params: [{ name: "state", type: structured }],
  },
  {
    name: "statsLeaves",
    args: (k) => [stats(k), ""],
    params: [
      { name: "stats", type: structured },
      { name: "prefix", type: text },
    ],
  },
  {
    name: "spatialRank",
    args: (k) => [[{ stats: stats(k) }], [1, 4, 6, 6]],
    params: [
      // No leaves (an empty model): the input's spatial rank.
      {
        name: "leaves",
        type: { canonical: (v) => (Array.isArray(v) && v.length === 0 ? { value: v } : { refuse: true }) },
      },
      { name: "inputShape", type: shape },
    ],
  },
  {
    name: "receptiveField",
    args: (k) => [model(k), [1, 4, 6, 6]],
    params: [MODEL, { name: "inputShape", type: shape }],
  },
  {
    name: "receptiveFieldOfStack",
    args: () => [[{ kernelSize: 3 }, { kernelSize: 3, stride: 2, padding: 1 }]],
    params: [{ name: "stack", type: structured, aliases: ["layer "] }],
  },
  {
    name: "tutorialReceptiveField",
    args: () => [[{ kernelSize: 3 }, { kernelSize: 3, dilation: 2 }]],
    params: [{ name: "stack", type: structured, aliases: ["layer "] }],
  },
  {
    name: "ModelSummary",
    kind: "class",
    args: (k) => {
      const s = k.summary(model(k), [1, 4, 6, 6]);
      return [s.title, s.convention, s.rows, s.totals];
    },
    params: [
      { name: "title", type: text },
      { name: "convention", type: CONVENTION },
      // No rows: the summary of an empty model.
      {
        name: "rows",
        type: { canonical: (v) => (Array.isArray(v) && v.length === 0 ? { value: v } : { refuse: true }) },
      },
      { name: "totals", type: structured },
    ],
  },
  // NaN and the infinities print as String prints them.
  { name: "formatThousands", args: () => [12345], params: [{ name: "n", type: NUMBER }] },
  {
    name: "formatFixed",
    args: () => [1234.5, 2],
    params: [
      { name: "n", type: finite },
      { name: "digits", type: TYPES.digits },
    ],
  },
  {
    name: "formatBytes",
    args: () => [1234567, { decimals: 2 }],
    params: [
      { name: "bytes", type: finite },
      { name: "options", type: options },
    ],
    options: 1,
    keys: { decimals: TYPES.decimals, unit: oneOf("B", "kB", "MB", "GB", "TB") },
  },
  {
    name: "alignedTable",
    args: () => [["layer", "MACs"], [["conv1", "86,704,128"]], ["left", "right"]],
    params: [
      { name: "header", type: structured },
      { name: "rows", type: TABLE_ROWS },
      { name: "align", type: TYPES.alignments },
    ],
  },
  {
    name: "markdownTable",
    args: () => [["layer", "MACs"], [["conv1", "86,704,128"]], ["left", "right"]],
    params: [
      { name: "header", type: structured },
      { name: "rows", type: TABLE_ROWS },
      { name: "align", type: TYPES.alignments },
    ],
  },
  {
    name: "summary",
    args: (k) => [model(k), [1, 4, 6, 6], { convention: "exact" }],
    params: [MODEL, { name: "inputShape", type: shape }, { name: "options", type: options }],
    options: 2,
    // depth: Infinity (the default) lists every level.
    keys: {
      convention: CONVENTION,
      depth: { canonical: (v) => (v === Infinity ? { value: v } : nonNegativeInteger.canonical(v)) },
      title: text,
    },
  },
  { name: "divisors", args: () => [12], params: [{ name: "n", type: requiredPositiveInteger }] },
  {
    name: "costVsGroups",
    args: () => [{ inChannels: 8, outChannels: 8, kernelSize: 3, inputSize: 6 }],
    params: [{ name: "options", type: requiredOptions }],
    options: 0,
    keys: {
      inChannels: requiredPositiveInteger,
      outChannels: requiredPositiveInteger,
      kernelSize: CONV_SHAPE_SIZE,
      inputSize: CONV_SHAPE_SIZE,
      stride: positiveInteger,
      padding: { canonical: (v) => (v === "same" ? { value: v } : TYPES.nonNegativeInteger.canonical(v)) },
      dilation: positiveInteger,
      batch: positiveInteger,
      bias: boolean,
    },
    rank: 2,
  },
  {
    name: "costVsDilation",
    args: () => [{ inChannels: 8, outChannels: 8, kernelSize: 3, inputSize: 6, dilations: [1, 2] }],
    params: [{ name: "options", type: requiredOptions }],
    options: 0,
    keys: {
      inChannels: requiredPositiveInteger,
      outChannels: requiredPositiveInteger,
      kernelSize: CONV_SHAPE_SIZE,
      inputSize: CONV_SHAPE_SIZE,
      stride: positiveInteger,
      padding: { canonical: (v) => (v === "same" ? { value: v } : TYPES.nonNegativeInteger.canonical(v)) },
      batch: positiveInteger,
      bias: boolean,
      groups: positiveInteger,
      dilations: {
        canonical: (v) =>
          Array.isArray(v) && v.length > 0 && v.every((d) => Number.isInteger(d) && d >= 1)
            ? { value: v, mayRefuse: v.some((d) => d > 64) }
            : { refuse: true },
      },
    },
    rank: 2,
  },
  {
    name: "mobileNetCostRatio",
    args: () => [32, 3],
    params: [
      { name: "outChannels", type: requiredPositiveInteger },
      { name: "kernelSize", type: requiredPositiveInteger },
    ],
  },
  {
    name: "shuffleNetMAC",
    args: () => [{ height: 8, width: 8, inChannels: 4, outChannels: 8, groups: 2 }],
    params: [{ name: "options", type: requiredOptions }],
    options: 0,
    keys: {
      height: requiredPositiveInteger,
      width: requiredPositiveInteger,
      inChannels: requiredPositiveInteger,
      outChannels: requiredPositiveInteger,
      groups: positiveInteger,
    },
  },
  {
    name: "shuffleNetMinMAC",
    args: () => [{ height: 8, width: 8, flops: 1000 }],
    params: [{ name: "options", type: requiredOptions }],
    options: 0,
    keys: { height: requiredPositiveInteger, width: requiredPositiveInteger, flops: positive },
  },
  {
    name: "formatTutorialTable",
    args: (k) => [k.tutorialTable(), "text"],
    params: [
      // undefined: the default rows, tutorialTable()
      { name: "rows", type: { canonical: (v) => (v === undefined ? { value: undefined } : { refuse: true }) } },
      { name: "format", type: oneOf("markdown", "text") },
    ],
  },
  {
    name: "latencyRows",
    args: (k) => [latencyEntries(k), { baseline: "regular" }],
    params: [
      { name: "entries", type: structured },
      { name: "options", type: options },
    ],
    options: 1,
    keys: { baseline: text },
  },
  {
    name: "matchedBudgetVariants",
    args: () => [{ channels: 8, size: 6 }],
    params: [{ name: "options", type: options }],
    options: 0,
    keys: {
      channels: positiveInteger,
      size: positiveInteger,
      kernelSize: positiveInteger,
      // Group counts > 1 dividing channels (8); [] leaves the grouped convs out; undefined: [2, 4, 8].
      groups: {
        canonical: (v) =>
          v === undefined
            ? { value: undefined, mayRefuse: false }
            : Array.isArray(v) && v.every((g) => Number.isInteger(g))
              ? { value: v, mayRefuse: true }
              : { refuse: true },
      },
      batch: positiveInteger,
    },
  },
  {
    name: "measureLatency",
    random: true,
    runs: 0.3,
    args: () => [variants(), { warmup: 1, rounds: 1, sampleMs: 0, seed: 1 }],
    params: [
      { name: "variants", type: structured },
      { name: "options", type: options },
    ],
    options: 1,
    keys: { warmup: countOrZero, rounds: count, sampleMs: duration, baseline: text, seed, now: callback },
  },
  {
    name: "measureLatencyAsync",
    random: true,
    runs: 0.3,
    args: () => [variants(), { warmup: 1, rounds: 1, sampleMs: 0, seed: 1 }],
    params: [
      { name: "variants", type: structured },
      { name: "options", type: options },
    ],
    options: 1,
    keys: {
      warmup: countOrZero,
      rounds: count,
      sampleMs: duration,
      baseline: text,
      seed,
      now: callback,
      onProgress: callback,
      pause: callback,
      cancelled: callback,
    },
  },
  {
    name: "formatLatencyTable",
    random: true,
    args: (k) => [k.measureLatency(variants(), { warmup: 0, rounds: 1, sampleMs: 0 })],
    params: [{ name: "report", type: structured }],
  },
  {
    name: "median",
    args: () => [[3, 1, 2]],
    params: [
      {
        name: "values",
        type: {
          canonical: (v) =>
            Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "number" && Number.isFinite(x))
              ? { value: v, mayRefuse: false }
              : { refuse: true },
        },
      },
    ],
  },
  {
    name: "timeSample",
    random: true,
    args: () => [() => 1, { sampleMs: 0 }],
    params: [
      { name: "run", type: TYPES.callback },
      { name: "options", type: options },
    ],
    options: 1,
    keys: { sampleMs: duration, now: callback },
  },
  {
    name: "timeConv",
    random: true,
    args: () => [() => 1, { warmup: 0, rounds: 1, roundMs: 0 }],
    params: [
      { name: "run", type: TYPES.callback },
      { name: "options", type: options },
    ],
    options: 1,
    keys: { warmup: countOrZero, rounds: count, roundMs: duration },
  },
  // --- convkit/charts: Plot draws into linkedom's document, which run.mjs makes the global window's.
  {
    module: "charts",
    name: "plotChart",
    args: () => [{ marks: [] }, {}],
    params: [
      { name: "own", type: structured },
      { name: "options", type: options },
    ],
    options: 1,
    keys: CHART_KEYS,
    chartKeys: true,
  },
  {
    module: "charts",
    name: "panels",
    args: (k, c, document) => [[c.costBars(costData(), { document, metrics: ["params"] })], document],
    params: [{ name: "charts", type: structured }, fixed("document")],
  },
  {
    module: "charts",
    name: "channelCounts",
    args: () => [stack()],
    params: [{ name: "stages", type: structured, aliases: ["stage "] }, fixed("op")],
  },
  {
    module: "charts",
    name: "channelLinks",
    args: () => [stack()],
    params: [{ name: "stages", type: structured, aliases: ["stage "] }],
  },
  {
    module: "charts",
    name: "channelReach",
    args: () => [stack()],
    params: [{ name: "stages", type: structured, aliases: ["stage "] }],
  },
  { module: "charts", name: "stageLabel", args: () => [stack()[0]], params: [{ name: "stage", type: structured }] },
  {
    module: "charts",
    name: "channelConnectivity",
    args: () => [stack(), { highlight: 1 }],
    params: [
      { name: "stages", type: structured, aliases: ["stage "] },
      { name: "options", type: options },
    ],
    options: 1,
    keys: { ...CHART_KEYS, inputLabel: text, highlight: nonNegativeInteger },
    chartKeys: true,
  },
  {
    module: "charts",
    name: "channelReachMatrix",
    args: () => [stack(), {}],
    params: [
      { name: "stages", type: structured, aliases: ["stage "] },
      { name: "options", type: options },
    ],
    options: 1,
    keys: CHART_KEYS,
    chartKeys: true,
  },
  {
    module: "charts",
    name: "costBars",
    args: () => [costData(), { baseline: "regular" }],
    params: [
      { name: "data", type: structured },
      { name: "options", type: options },
    ],
    options: 1,
    keys: { ...CHART_KEYS, metrics: FIELD_NAMES, labels: LABELS, baseline: text },
    chartKeys: true,
  },
  {
    module: "charts",
    name: "costLines",
    args: (k) => [k.costVsGroups({ inChannels: 8, outChannels: 8, kernelSize: 3, inputSize: 6 }), { param: "groups" }],
    params: [
      { name: "data", type: structured },
      { name: "options", type: requiredOptions },
    ],
    options: 1,
    keys: {
      ...CHART_KEYS,
      param: oneOf("groups"),
      metrics: FIELD_NAMES,
      labels: LABELS,
      xType: YTYPE,
      yType: YTYPE,
      values: boolean,
    },
    chartKeys: true,
  },
  {
    module: "charts",
    name: "receptiveFieldGrowth",
    args: () => [
      [
        { layer: 0, r: 1, stride: 1 },
        { layer: 1, r: 3, stride: 1 },
      ],
      { yType: "linear" },
    ],
    params: [
      { name: "data", type: structured },
      { name: "options", type: options },
    ],
    options: 1,
    keys: { ...CHART_KEYS, showStride: boolean, yType: YTYPE },
    chartKeys: true,
  },
  {
    module: "charts",
    name: "kernelFootprintData",
    op: "kernelFootprint",
    rank: 2,
    args: () => [{ inputSize: 5, kernelSize: 3, padding: 1 }],
    params: [{ name: "config", type: requiredOptions }],
    options: 0,
    keys: {
      inputSize: size,
      kernelSize: size,
      stride: size,
      padding: convPadding,
      dilation: size,
      paddingMode: PADDING_MODE,
      // The output cell [row, col] (default [0, 0]); a cell outside the output is refused.
      output: {
        canonical: (v) =>
          v === undefined
            ? { value: undefined, mayRefuse: false }
            : Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x))
              ? { value: v, mayRefuse: true }
              : { refuse: true },
      },
    },
  },
  {
    module: "charts",
    name: "kernelFootprint",
    rank: 2,
    args: () => [{ inputSize: 5, kernelSize: 3, padding: 1 }, { cellSize: 10 }],
    params: [
      { name: "config", type: requiredOptions },
      { name: "options", type: options },
    ],
    options: 1,
    keys: { ...CHART_KEYS, cellSize: positive },
    chartKeys: true,
  },
  {
    module: "charts",
    name: "latencyScatter",
    args: (k) => [k.latencyRows(latencyEntries(k)), { baseline: "regular" }],
    params: [
      { name: "data", type: structured },
      { name: "options", type: options },
    ],
    options: 1,
    keys: { ...CHART_KEYS, xField: text, yField: text, labels: LABELS, baseline: text },
    chartKeys: true,
  },
];
