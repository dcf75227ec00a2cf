/**
 * Closed forms for plotting: how cost moves with one design knob, as formulas rather than
 * per-layer counts (each is checked against layerStats in test/cost-closed-forms.test.ts).
 *
 *   groups g      params(g) = C_out C_in K / g + C_out (bias),  MACs(g) = N P C_out C_in K / g
 *                 (K = prod(kernel), P = output positions, which g leaves alone)
 *   dilation d    k_eff = d (k - 1) + 1; output o = floor((i + 2p - k_eff) / s) + 1; parameters
 *                 fixed, MACs = N prod(o) C_out (C_in / g) K shrink as the output does
 *   MobileNet     depthwise-separable / standard cost = 1/N + 1/k^2 (Howard et al., "MobileNets",
 *                 2017, eq. 5: (k^2 M F^2 + M N F^2) / (k^2 M N F^2), M in, N out channels)
 *   ShuffleNet V2 memory access cost of a 1x1 conv with g groups on h x w,
 *                 MAC = h w (c1 + c2) + c1 c2 / g (Ma et al., "ShuffleNet V2", 2018, guideline
 *                 G2, eq. 2); for fixed FLOPs B = h w c1 c2 (g = 1), MAC >= 2 sqrt(h w B) + B / (h w),
 *                 equal when c1 = c2 (guideline G1, eq. 1). In elements, not bytes.
 */
import { convOutputSize, effectiveKernelSize, expandSize, samePadding } from "../core/arithmetic.js";
import { check, ConvError } from "../core/errors.js";
import { checkBoolean, checkOptions, checkPositiveInteger, formatValue } from "../core/validate.js";

/** The positive divisors of n, ascending. */
export function divisors(n: number): number[] {
  checkPositiveInteger("divisors", "n", n);
  // Trial division up to sqrt(n): exact and quick for safe integers, endless for 1e308.
  check(Number.isSafeInteger(n), "divisors", () => `n must be a safe integer (below 2^53), got ${n}`);
  const small: number[] = [];
  const large: number[] = [];
  for (let d = 1; d * d <= n; d++) {
    if (n % d === 0) {
      small.push(d);
      if (d * d !== n) large.unshift(n / d);
    }
  }
  return [...small, ...large];
}

export interface ConvShapeOptions {
  inChannels: number;
  outChannels: number;
  /** One size for every dimension, or one per dimension. */
  kernelSize: number | readonly number[];
  /** Spatial input size, e.g. 56 or [56, 56]. */
  inputSize: number | readonly number[];
  stride?: number;
  /** Per side; "same" as in PyTorch (stride 1). */
  padding?: number | "same";
  dilation?: number;
  batch?: number;
  bias?: boolean;
}

/** The option names of ConvShapeOptions, which costVsGroups and costVsDilation check their options against. */
const CONV_SHAPE_KEYS = [
  "inChannels",
  "outChannels",
  "kernelSize",
  "inputSize",
  "stride",
  "padding",
  "dilation",
  "batch",
  "bias",
] as const;

function outputSizes(op: string, o: ConvShapeOptions, dilation: number): { kernel: number[]; out: number[] } {
  for (const [name, v] of [
    ["kernelSize", o.kernelSize],
    ["inputSize", o.inputSize],
  ] as const) {
    check(
      typeof v === "number" || Array.isArray(v),
      op,
      () => `${name} must be a positive integer or an array of them, got ${formatValue(v)}`,
    );
  }
  // Rank from whichever size is an array; two plain numbers mean a square 2-D convolution.
  const rank =
    typeof o.kernelSize !== "number" ? o.kernelSize.length : typeof o.inputSize !== "number" ? o.inputSize.length : 2;
  check(
    rank >= 1 && rank <= 3,
    op,
    () =>
      `kernelSize and inputSize must have 1, 2 or 3 entries (one per spatial dimension), got ${formatValue(o.kernelSize)} and ${formatValue(o.inputSize)}`,
  );
  const kernel = expandSize(op, "kernelSize", o.kernelSize, rank);
  const input = expandSize(op, "inputSize", o.inputSize, rank);
  // Defaults stand in for a missing option only: null is a value, and refused.
  const stride = checkPositiveInteger(op, "stride", o.stride === undefined ? 1 : o.stride);
  const padding = o.padding === undefined ? 0 : o.padding;
  check(
    padding === "same" ? stride === 1 : Number.isInteger(padding) && padding >= 0,
    op,
    () => `padding must be a non-negative integer, or "same" with stride 1, got ${formatValue(padding)}`,
  );
  const out = input.map((size, i) =>
    Math.max(
      0,
      asOp(op, () =>
        convOutputSize(size, kernel[i]!, {
          stride,
          dilation,
          padding: padding === "same" ? samePadding(kernel[i]!, dilation) : padding,
        }),
      ),
    ),
  );
  return { kernel, out };
}

/** One point of costVsGroups. */
export interface GroupsPoint {
  groups: number;
  params: number;
  weightParams: number;
  macs: number;
  /** Each output channel sees C_in / g input channels. */
  inputsPerFilter: number;
}

/**
 * Parameters and MACs of a convolution for every groups value that divides both channel
 * counts (1 = regular ... C_in = depthwise when C_out is a multiple of C_in).
 */
export function costVsGroups(options: ConvShapeOptions): GroupsPoint[] {
  const op = "costVsGroups";
  checkOptions(op, options, CONV_SHAPE_KEYS);
  check(options !== undefined, op, () => "expected options like {inChannels, outChannels, kernelSize, inputSize}");
  const cin = checkPositiveInteger(op, "inChannels", options.inChannels);
  const cout = checkPositiveInteger(op, "outChannels", options.outChannels);
  for (const [name, channels] of [
    ["inChannels", cin],
    ["outChannels", cout],
  ] as const)
    check(Number.isSafeInteger(channels), op, () => `${name} must be a safe integer (below 2^53), got ${channels}`);
  const N = checkPositiveInteger(op, "batch", options.batch === undefined ? 1 : options.batch);
  const dilation = checkPositiveInteger(op, "dilation", options.dilation === undefined ? 1 : options.dilation);
  const { kernel, out } = outputSizes(op, options, dilation);
  const K = kernel.reduce((a, b) => a * b, 1);
  const P = out.reduce((a, b) => a * b, 1);
  const bias = checkBoolean(op, "bias", options.bias === undefined ? true : options.bias);
  check(
    Number.isFinite(N * P * cout * cin * K),
    op,
    () => `inChannels, outChannels, kernelSize, inputSize and batch give a count past what a double holds`,
  );
  return divisors(cin)
    .filter((g) => cout % g === 0)
    .map((g) => {
      const weightParams = (cout * cin * K) / g;
      return {
        groups: g,
        weightParams,
        params: weightParams + (bias ? cout : 0),
        macs: N * P * weightParams,
        inputsPerFilter: cin / g,
      };
    });
}

/** One point of costVsDilation. */
export interface DilationPoint {
  dilation: number;
  /** k_eff = d (k - 1) + 1 per dimension. */
  effectiveKernel: number[];
  /** Output size per dimension (0 where the dilated kernel no longer fits). */
  outputSize: number[];
  fits: boolean;
  params: number;
  macs: number;
}

/**
 * Output size and cost of a convolution as the dilation grows: parameters stay, the kernel's
 * reach k_eff = d (k - 1) + 1 grows, and without padding the output (hence the MACs) shrinks.
 */
export function costVsDilation(
  allOptions: ConvShapeOptions & { dilations: readonly number[]; groups?: number },
): DilationPoint[] {
  const op = "costVsDilation";
  checkOptions(op, allOptions, [...CONV_SHAPE_KEYS.filter((k) => k !== "dilation"), "dilations", "groups"]);
  check(
    allOptions !== undefined,
    op,
    () => "expected options like {inChannels, outChannels, kernelSize, inputSize, dilations}",
  );
  const { dilations, groups = 1, ...options } = allOptions;
  check(
    Array.isArray(dilations) && dilations.length > 0,
    op,
    () => `dilations must be a non-empty array of positive integers, got ${formatValue(dilations)}`,
  );
  const cin = checkPositiveInteger(op, "inChannels", options.inChannels);
  const cout = checkPositiveInteger(op, "outChannels", options.outChannels);
  const g = checkPositiveInteger(op, "groups", groups);
  check(
    cin % g === 0 && cout % g === 0,
    op,
    () => `groups (${g}) must divide inChannels (${cin}) and outChannels (${cout})`,
  );
  const N = checkPositiveInteger(op, "batch", options.batch === undefined ? 1 : options.batch);
  const bias = checkBoolean(op, "bias", options.bias === undefined ? true : options.bias);
  dilations.forEach((d, i) => checkPositiveInteger(op, `dilations[${i}]`, d));
  return dilations.map((d) => {
    const { kernel, out } = outputSizes(op, options, d);
    const K = kernel.reduce((a, b) => a * b, 1);
    const P = out.reduce((a, b) => a * b, 1);
    const weightParams = cout * (cin / g) * K;
    const point = {
      dilation: d,
      effectiveKernel: kernel.map((k) => asOp(op, () => effectiveKernelSize(k, d))),
      outputSize: out,
      fits: P > 0,
      params: weightParams + (bias ? cout : 0),
      macs: N * P * weightParams,
    };
    finite(op, point.params + point.macs, "inChannels, outChannels, kernelSize, inputSize and batch");
    return point;
  });
}

/**
 * MobileNet's cost ratio of a depthwise-separable convolution (k x k depthwise, then 1x1 to N
 * channels) to a standard k x k convolution to N channels: 1/N + 1/k^2. Exact for MACs when both
 * produce the same output size; e.g. N = 256, k = 3: 0.115 (8.7x fewer MACs).
 */
export function mobileNetCostRatio(outChannels: number, kernelSize: number): number {
  checkPositiveInteger("mobileNetCostRatio", "outChannels", outChannels);
  checkPositiveInteger("mobileNetCostRatio", "kernelSize", kernelSize);
  return 1 / outChannels + 1 / (kernelSize * kernelSize);
}

/**
 * ShuffleNet V2's memory access cost (elements) of a 1x1 convolution from c1 to c2 channels with
 * g groups on an h x w map: h w (c1 + c2) (read input, write output) + c1 c2 / g (read weights).
 */
export function shuffleNetMAC(options: {
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  groups?: number;
}): number {
  const op = "shuffleNetMAC";
  checkOptions(op, options, ["height", "width", "inChannels", "outChannels", "groups"]);
  check(options !== undefined, op, () => "expected options like {height, width, inChannels, outChannels}");
  const { height, width, inChannels, outChannels, groups = 1 } = options;
  const [h, w, c1, c2, g] = [
    ["height", height],
    ["width", width],
    ["inChannels", inChannels],
    ["outChannels", outChannels],
    ["groups", groups],
  ].map(([n, v]) => checkPositiveInteger(op, n as string, v));
  check(
    c1! % g! === 0 && c2! % g! === 0,
    op,
    () => `groups (${g}) must divide inChannels (${c1}) and outChannels (${c2})`,
  );
  return finite(op, h! * w! * (c1! + c2!) + (c1! * c2!) / g!, "height, width, inChannels and outChannels");
}

/**
 * ShuffleNet V2's lower bound (guideline G1) on the memory access cost of an ungrouped 1x1 conv
 * with FLOPs B = h w c1 c2 on an h x w map: 2 sqrt(h w B) + B / (h w), reached when c1 = c2.
 */
export function shuffleNetMinMAC(options: { height: number; width: number; flops: number }): number {
  const op = "shuffleNetMinMAC";
  checkOptions(op, options, ["height", "width", "flops"]);
  check(options !== undefined, op, () => "expected options like {height, width, flops}");
  const { height, width, flops } = options;
  checkPositiveInteger(op, "height", height);
  checkPositiveInteger(op, "width", width);
  check(
    typeof flops === "number" && Number.isFinite(flops) && flops > 0,
    op,
    () => `flops must be a positive number, got ${formatValue(flops)}`,
  );
  const hw = height * width;
  return finite(op, 2 * Math.sqrt(hw * flops) + flops / hw, "height, width and flops");
}

/** `value`, unless sizes past a double's range made it infinite: then a ConvError naming them. */
function finite(op: string, value: number, names: string): number {
  check(Number.isFinite(value), op, () => `${names} give a count past what a double holds`);
  return value;
}

/** Runs a size helper (convOutputSize, samePadding) for `op`, so its errors start with op's name. */
function asOp<T>(op: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ConvError && e.op !== op) throw new ConvError(op, e.message.slice(e.op.length + 2));
    throw e;
  }
}
