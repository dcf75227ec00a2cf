/**
 * The cost model: what one layer costs, from shapes alone (no tensor is allocated).
 *
 * Units, as every count below uses them:
 *   MAC         one multiply of an input value by a weight, accumulated into an output
 *               (multiplications by zero padding included, as im2col + GEMM executes them).
 *   bias adds   one addition of a bias per output element (conv, linear).
 *   other ops   work that is not a multiply by a weight: max pooling's comparisons, average
 *               pooling's additions and divisions, ReLU's max(x, 0), inference batch norm's
 *               per-element scale and shift (a_c x + b_c, folded from the running statistics).
 *   FLOPs       2 x MACs + bias adds + other ops. For convolutions and linear layers other ops is
 *               0, so FLOPs = 2 x MACs + bias adds.
 *   memory      compulsory traffic in bytes, float32: every input value read once, every
 *               parameter (and batch norm's running statistics) read once, every output written
 *               once, as with an infinite cache. Flatten is a view: 0 bytes.
 *   intensity   FLOPs per byte of that traffic (the x axis of a roofline plot).
 *
 * Convolution arithmetic comes from arithmetic.ts (convInfo, convTransposeInfo, poolInfo), the
 * one place it is worked out. Per layer, with N the batch, P_out / P_in the number of output /
 * input positions, K = prod(kernel), g the groups:
 *   Conv            MACs = N P_out C_out (C_in / g) K
 *   ConvTranspose   MACs = N P_in C_in (C_out / g) K   (each input value meets every weight of its
 *                   group once; counting over output positions, as several tools do, over-counts
 *                   by about stride^d)
 *   Linear          MACs = rows x in x out
 *
 * `counts` holds what other tools report for the same layer; see COUNTING_CONVENTIONS.
 */
import {
  convInfo,
  convTransposeInfo,
  effectiveKernelSize,
  numel,
  poolInfo,
  type ConvInfo,
  type ConvOptions,
  type ConvTransposeOptions,
  type PoolInfo,
  type PoolOptions,
} from "../core/arithmetic.js";
import { check, formatShape } from "../core/errors.js";
import { adaptivePoolInfo, adaptivePoolWindow, batchNormInfo, flattenShape, linearInfo } from "../ops/functional.js";
import { describeLayer, resolveLayer, withContext, type LayerSpec, type ResolvedLayer } from "../nn/layer-spec.js";
import type { Module } from "../nn/layers.js";

/** Bytes per value: float32. */
export const BYTES_PER_VALUE = 4;

/** The counting conventions `summary` can report in (see COUNTING_CONVENTIONS). */
export type Convention = "exact" | "torchinfo" | "thop" | "fvcore" | "ptflops" | "pytorch";
export const CONVENTIONS: readonly Convention[] = ["exact", "torchinfo", "thop", "fvcore", "ptflops", "pytorch"];

export interface ConventionInfo {
  /** Column header for the tool's number. */
  label: string;
  /** The tool and the version whose code was read. */
  tool: string;
  /** Where the counting rules live. */
  source: string;
  /** What it counts, per layer type. */
  rules: string;
  /** A worked example: a layer, and the number the tool prints for it. */
  example: string;
}

/**
 * What each tool counts, read from its source code. Worked examples use Conv2d(1, 10, 5) on
 * [7, 1, 28, 28] (output [7, 10, 24, 24], 250 weights + 10 biases, exact MACs 1,008,000) unless
 * another layer is named.
 */
export const COUNTING_CONVENTIONS: Readonly<Record<Convention, ConventionInfo>> = {
  exact: {
    label: "MACs",
    tool: "convkit",
    source: "src/analysis/cost.ts",
    rules:
      "multiply-accumulates of input by weight; bias adds and other ops kept apart (FLOPs = 2 MACs + bias adds + other ops); transposed convs over input positions",
    example: "Conv2d(1,10,5) on [7,1,28,28]: 7 x 576 x 10 x 25 = 1,008,000 MACs, 40,320 bias adds, 2,056,320 FLOPs",
  },
  torchinfo: {
    label: "Mult-Adds (torchinfo)",
    tool: "torchinfo 1.8",
    source: "torchinfo/layer_info.py, LayerInfo.calculate_macs",
    rules:
      'layers whose class name holds "Conv": (weights + biases) x N x output positions, so bias included and transposed convs over output positions; other layers with parameters (Linear, BatchNorm): output_size[0] x parameters; no parameters, nothing',
    example:
      "Conv2d(1,10,5) on [7,1,28,28]: 260 x 7 x 576 = 1,048,320 (torchinfo's README); Conv2d(10,20,5) on [7,10,12,12]: 5,020 x 7 x 64 = 2,248,960",
  },
  thop: {
    label: "MACs (thop)",
    tool: "thop 0.1.1 (Lyken17/pytorch-OpCounter)",
    source: "thop/profile.py register_hooks, thop/vision/basic_hooks.py, thop/vision/calc_func.py",
    rules:
      "conv: output elements x C_in/g x K, no bias (transposed convs too, so over output positions); Linear: in_features x output elements; BatchNorm: 2 x elements, doubled when affine; AvgPool: output elements; AdaptiveAvgPool: (prod(in/out) + 1) x output elements; ReLU, MaxPool: 0",
    example:
      "Conv2d(3,12,5,padding=1) on [1,3,32,32]: 12 x 900 x 3 x 25 = 810,000 with or without bias (thop's tests/test_conv2d.py)",
  },
  fvcore: {
    label: "FLOPs (fvcore, 1 FMA = 1)",
    tool: "fvcore 0.1.5 FlopCountAnalysis",
    source: "fvcore/nn/flop_count.py _DEFAULT_SUPPORTED_OPS, fvcore/nn/jit_handles.py",
    rules:
      "one fused multiply-add is one flop: conv N x prod(w) x output positions (input positions when transposed), no bias; linear in x out per row, no bias; batch_norm in eval: elements (x2 when affine); adaptive_avg_pool2d: input elements; relu, max/avg pooling, flatten: not counted",
    example: "fvcore's docstring: Conv2d(3,10,1) on [1,3,10,10] = 3,000 and Linear(1000,10) = 10,000, total 13,000",
  },
  ptflops: {
    label: "MACs (ptflops)",
    tool: 'ptflops 0.7 with backend="pytorch" (the default up to 0.7.2, and the one behind its README table)',
    source: "ptflops/pytorch_ops.py MODULES_MAPPING",
    rules:
      "conv: N x output positions x K x C_in x C_out/g + bias x N x output positions (transposed convs too); Linear: input elements x out + out (bias once, not per row); BatchNorm: elements (x2 affine); ReLU: output elements; every pooling: input elements. (The aten backend, default since 0.7.3, counts only convolutions and matrix products, as MACs without bias and transposed convs over input positions: the fvcore column without its batch norm and adaptive pooling.)",
    example:
      "Conv2d(1,10,5) on [7,1,28,28]: 1,008,000 + 40,320 = 1,048,320; torchvision VGG-16 at 224: 15.50 GMac (ptflops' README: 15.5)",
  },
  pytorch: {
    label: "FLOPs (torch.utils.flop_counter)",
    tool: "PyTorch 2.x FlopCounterMode",
    source: "torch/utils/flop_counter.py conv_flop_count, mm_flop, addmm_flop",
    rules:
      "2 x MACs for convolutions (transposed over input positions) and matrix products; bias, batch norm, activations and pooling not counted",
    example: "Conv2d(1,10,5) on [7,1,28,28]: 2 x 1,008,000 = 2,016,000",
  },
};

/** Where a layer's outputs look in its input, per spatial dimension, for the receptive-field recurrences. */
export type LayerWindow =
  /** Output position i sees input position i only (ReLU, batch norm, channel shuffle). */
  | { kind: "pointwise" }
  /**
   * A sliding window: `kernel` is the effective (dilated) extent d (k - 1) + 1, `padding` the
   * padding before. For transposed convolutions these are the layer's own k_eff, stride and
   * padding (the receptive-field code turns them into a fractional stride). `exact` is false only
   * for adaptive pooling whose output size does not divide the input size (largest window, mean stride).
   */
  | { kind: "sliding"; kernel: number[]; stride: number[]; padding: number[]; transposed: boolean; exact: boolean }
  /** Every output sees every input position (Linear, Flatten): spatial dimensions end here. */
  | { kind: "global" }
  /** A composite layer: its children's windows, in order. */
  | { kind: "sequence" };

export interface LayerStats {
  /** The layer's class, e.g. "Conv2d". */
  type: string;
  inputShape: number[];
  outputShape: number[];
  /** Learnable parameters: weights and biases apart (batch norm: gamma as weight, beta as bias). */
  params: { weight: number; bias: number; total: number };
  /** Multiply-accumulates of input by weight. */
  macs: number;
  /** Bias additions, one per output element of a conv or linear layer with bias. */
  biasAdds: number;
  /** Comparisons, additions, divisions and scalings that are not MACs (pooling, ReLU, batch norm). */
  otherOps: number;
  /** 2 x macs + biasAdds + otherOps. */
  flops: number;
  /** Compulsory memory traffic in bytes (float32). */
  memory: { inputBytes: number; weightBytes: number; outputBytes: number; totalBytes: number };
  /** FLOPs per byte of memory traffic (0 when nothing moves). */
  arithmeticIntensity: number;
  /** The number each tool reports for this layer (see COUNTING_CONVENTIONS). */
  counts: Record<Convention, number>;
  window: LayerWindow;
  /** Per-child stats of a composite layer, in order (empty for a single layer). */
  children: { name: string; stats: LayerStats }[];
}

function zeroCounts(): Record<Convention, number> {
  return { exact: 0, torchinfo: 0, thop: 0, fvcore: 0, ptflops: 0, pytorch: 0 };
}

function finish(
  type: string,
  inputShape: readonly number[],
  outputShape: readonly number[],
  {
    weight = 0,
    bias = 0,
    buffers = 0,
    macs = 0,
    biasAdds = 0,
    otherOps = 0,
    reads = true,
    counts = {},
    window,
  }: {
    weight?: number;
    bias?: number;
    buffers?: number;
    macs?: number;
    biasAdds?: number;
    otherOps?: number;
    reads?: boolean;
    counts?: Partial<Record<Convention, number>>;
    window: LayerWindow;
  },
): LayerStats {
  const flops = 2 * macs + biasAdds + otherOps;
  const inputBytes = reads ? numel(inputShape) * BYTES_PER_VALUE : 0;
  const weightBytes = (weight + bias + buffers) * BYTES_PER_VALUE;
  const outputBytes = reads ? numel(outputShape) * BYTES_PER_VALUE : 0;
  const totalBytes = inputBytes + weightBytes + outputBytes;
  return {
    type,
    inputShape: inputShape.slice(),
    outputShape: outputShape.slice(),
    params: { weight, bias, total: weight + bias },
    macs,
    biasAdds,
    otherOps,
    flops,
    memory: { inputBytes, weightBytes, outputBytes, totalBytes },
    arithmeticIntensity: totalBytes > 0 ? flops / totalBytes : 0,
    counts: { ...zeroCounts(), ...counts, exact: macs },
    window,
    children: [],
  };
}

function convStats(
  layer: Extract<ResolvedLayer, { kind: "conv" | "convTranspose" }>,
  inputShape: readonly number[],
): LayerStats {
  const op = layer.type;
  const biasShape = layer.bias ? [layer.outChannels] : null;
  const info: ConvInfo =
    layer.kind === "conv"
      ? convInfo(op, layer.rank, inputShape, layer.weightShape, biasShape, layer.options as unknown as ConvOptions)
      : convTransposeInfo(
          op,
          layer.rank,
          inputShape,
          layer.weightShape,
          biasShape,
          layer.options as unknown as ConvTransposeOptions,
        );
  const { batch: N, inChannels, outChannels, groups: g } = info;
  const K = numel(info.kernelSize);
  const pOut = numel(info.outSize);
  const pIn = numel(info.inSize);
  const weight = numel(layer.weightShape);
  const bias = layer.bias ? outChannels : 0;
  const macs =
    layer.kind === "conv"
      ? N * pOut * outChannels * (inChannels / g) * K
      : N * pIn * inChannels * (outChannels / g) * K;
  const biasAdds = layer.bias ? N * outChannels * pOut : 0;
  // Tools that count over output positions (right for convs, wrong for transposed convs).
  const overOutput = N * pOut * outChannels * (inChannels / g) * K;
  const kernel = info.kernelSize.map((k, i) => effectiveKernelSize(k, info.dilation[i]!));
  return finish(layer.type, inputShape, info.outputShape, {
    weight,
    bias,
    macs,
    biasAdds,
    counts: {
      torchinfo: (weight + bias) * N * pOut,
      thop: overOutput,
      fvcore: macs,
      ptflops: overOutput + biasAdds,
      pytorch: 2 * macs,
    },
    window: {
      kind: "sliding",
      kernel,
      stride: info.stride.slice(),
      padding: info.padBefore.slice(),
      transposed: info.transposed,
      exact: true,
    },
  });
}

/** Sum over output positions of the input positions a pooling window reads, along one dimension. */
function tapsAlong(
  size: number,
  outSize: number,
  kernel: number,
  stride: number,
  padding: number,
  dilation: number,
): number {
  let taps = 0;
  for (let o = 0; o < outSize; o++) {
    const start = o * stride - padding;
    for (let j = 0; j < kernel; j++) {
      const at = start + j * dilation;
      if (at >= 0 && at < size) taps++;
    }
  }
  return taps;
}

function poolStats(
  layer: Extract<ResolvedLayer, { kind: "maxPool" | "avgPool" }>,
  inputShape: readonly number[],
): LayerStats {
  const info: PoolInfo = poolInfo(layer.type, layer.rank, inputShape, layer.options as unknown as PoolOptions);
  const planes = info.batch * info.channels;
  let reads = planes;
  info.inSize.forEach((size, i) => {
    reads *= tapsAlong(
      size,
      info.outSize[i]!,
      info.kernelSize[i]!,
      info.stride[i]!,
      info.padding[i]!,
      info.dilation[i]!,
    );
  });
  const outputs = numel(info.outputShape);
  const max = layer.kind === "maxPool";
  return finish(layer.type, inputShape, info.outputShape, {
    // max: k - 1 comparisons per window of k values; average: k - 1 additions and one division.
    otherOps: max ? reads - outputs : reads,
    counts: {
      thop: max ? 0 : info.batch * info.channels * numel(info.outSize),
      ptflops: info.batch * info.channels * numel(info.inSize),
    },
    window: {
      kind: "sliding",
      kernel: info.kernelSize.map((k, i) => effectiveKernelSize(k, info.dilation[i]!)),
      stride: info.stride.slice(),
      padding: info.padding.slice(),
      transposed: false,
      exact: true,
    },
  });
}

function adaptiveStats(
  layer: Extract<ResolvedLayer, { kind: "adaptiveAvgPool" }>,
  inputShape: readonly number[],
): LayerStats {
  const info = adaptivePoolInfo(layer.type, layer.rank, inputShape, layer.outputSize);
  const planes = info.batch * info.channels;
  let reads = planes;
  const kernel: number[] = [];
  info.inSize.forEach((size, d) => {
    const out = info.outSize[d]!;
    let sum = 0;
    let widest = 0;
    for (let i = 0; i < out; i++) {
      const [start, end] = adaptivePoolWindow(i, size, out);
      sum += end - start;
      widest = Math.max(widest, end - start);
    }
    reads *= sum;
    kernel.push(widest);
  });
  const outputs = planes * numel(info.outSize);
  const exact = info.inSize.every((size, d) => size % info.outSize[d]! === 0);
  // thop: kernel = in / out per dimension as a float, ops = int((prod(kernel) + 1) x output elements).
  const thopKernel = info.inSize.reduce((p, size, d) => p * (size / info.outSize[d]!), 1);
  return finish(layer.type, inputShape, info.outputShape, {
    otherOps: reads, // additions and one division per output
    counts: {
      thop: Math.trunc((thopKernel + 1) * outputs),
      fvcore: planes * numel(info.inSize),
      ptflops: planes * numel(info.inSize),
    },
    window: {
      kind: "sliding",
      kernel: exact ? info.inSize.map((size, d) => size / info.outSize[d]!) : kernel,
      stride: info.inSize.map((size, d) => size / info.outSize[d]!),
      padding: info.inSize.map(() => 0),
      transposed: false,
      exact,
    },
  });
}

function leafStats(layer: Exclude<ResolvedLayer, { kind: "sequence" }>, inputShape: readonly number[]): LayerStats {
  switch (layer.kind) {
    case "conv":
    case "convTranspose":
      return convStats(layer, inputShape);
    case "maxPool":
    case "avgPool":
      return poolStats(layer, inputShape);
    case "adaptiveAvgPool":
      return adaptiveStats(layer, inputShape);
    case "linear": {
      const info = linearInfo(
        layer.type,
        inputShape,
        [layer.outFeatures, layer.inFeatures],
        layer.bias ? [layer.outFeatures] : null,
      );
      const weight = layer.inFeatures * layer.outFeatures;
      const bias = layer.bias ? layer.outFeatures : 0;
      const macs = info.rows * weight;
      return finish(layer.type, inputShape, info.outputShape, {
        weight,
        bias,
        macs,
        biasAdds: layer.bias ? info.rows * layer.outFeatures : 0,
        counts: {
          torchinfo: info.outputShape[0]! * (weight + bias),
          thop: layer.inFeatures * numel(info.outputShape),
          fvcore: macs,
          ptflops: macs + bias,
          pytorch: 2 * macs,
        },
        window: { kind: "global" },
      });
    }
    case "flatten":
      return finish(layer.type, inputShape, flattenShape(layer.type, inputShape, layer.startDim, layer.endDim), {
        reads: false,
        window: { kind: "global" },
      });
    case "relu": {
      checkShapeOnly(layer.type, inputShape);
      const n = numel(inputShape);
      return finish(layer.type, inputShape, inputShape, {
        otherOps: n,
        counts: { ptflops: n },
        window: { kind: "pointwise" },
      });
    }
    case "batchNorm": {
      const op = layer.type;
      check(inputShape.length === 4, op, () => `expected 4D input (N, C, H, W), got ${formatShape(inputShape)}`);
      const c = [layer.numFeatures];
      const info = batchNormInfo(op, inputShape, c, c, layer.affine ? c : null, layer.affine ? c : null);
      const n = numel(inputShape);
      const params = layer.affine ? layer.numFeatures : 0;
      return finish(op, inputShape, info.outputShape, {
        weight: params,
        bias: params,
        buffers: 2 * layer.numFeatures,
        otherOps: 2 * n, // y = a_c x + b_c: one multiply and one add per element
        counts: {
          torchinfo: inputShape[0]! * 2 * params,
          thop: 2 * n * (layer.affine ? 2 : 1),
          fvcore: n * (layer.affine ? 2 : 1),
          ptflops: n * (layer.affine ? 2 : 1),
        },
        window: { kind: "pointwise" },
      });
    }
    case "channelShuffle": {
      const op = layer.type;
      checkShapeOnly(op, inputShape);
      check(
        inputShape.length >= 2,
        op,
        () => `expected input of rank 2 or more (N, C, ...), got ${formatShape(inputShape)}`,
      );
      check(
        inputShape[1]! % layer.groups === 0,
        op,
        () =>
          `channels (${inputShape[1]}) must be divisible by groups (${layer.groups}); input ${formatShape(inputShape)}`,
      );
      return finish(op, inputShape, inputShape, { window: { kind: "pointwise" } });
    }
  }
}

function checkShapeOnly(op: string, shape: readonly number[]): void {
  check(
    Array.isArray(shape) && shape.every((s) => Number.isInteger(s) && s >= 0),
    op,
    () => `input ${formatShape(shape)} must hold non-negative integers`,
  );
}

/** Stats of a validated layer; composites run their children in order and add them up. */
export function resolvedLayerStats(layer: ResolvedLayer, inputShape: readonly number[]): LayerStats {
  if (layer.kind !== "sequence") return leafStats(layer, inputShape);
  const children: { name: string; stats: LayerStats }[] = [];
  let shape: readonly number[] = inputShape;
  layer.children.forEach(([name, child], i) => {
    const stats = withContext(
      layer.type,
      `${describeLayer(i, name)} (${child.type}) on input ${formatShape(shape)}`,
      () => resolvedLayerStats(child, shape),
    );
    children.push({ name, stats });
    shape = stats.outputShape;
  });
  return sumStats(layer.type, inputShape, shape, children);
}

function sumStats(
  type: string,
  inputShape: readonly number[],
  outputShape: readonly number[],
  children: { name: string; stats: LayerStats }[],
): LayerStats {
  const sum = (f: (s: LayerStats) => number) => children.reduce((t, c) => t + f(c.stats), 0);
  const counts = zeroCounts();
  for (const c of children) for (const k of CONVENTIONS) counts[k] += c.stats.counts[k];
  const memory = {
    inputBytes: sum((s) => s.memory.inputBytes),
    weightBytes: sum((s) => s.memory.weightBytes),
    outputBytes: sum((s) => s.memory.outputBytes),
    totalBytes: sum((s) => s.memory.totalBytes),
  };
  const flops = sum((s) => s.flops);
  return {
    type,
    inputShape: inputShape.slice(),
    outputShape: outputShape.slice(),
    params: { weight: sum((s) => s.params.weight), bias: sum((s) => s.params.bias), total: sum((s) => s.params.total) },
    macs: sum((s) => s.macs),
    biasAdds: sum((s) => s.biasAdds),
    otherOps: sum((s) => s.otherOps),
    flops,
    memory,
    arithmeticIntensity: memory.totalBytes > 0 ? flops / memory.totalBytes : 0,
    counts,
    window: { kind: "sequence" },
    children,
  };
}

/**
 * The cost of `layer` (a module or a spec) on an input of `inputShape`, from shapes alone:
 * exact output shape, parameters (weight and bias apart), MACs, bias adds, other ops, FLOPs,
 * memory traffic, arithmetic intensity, and each tool's count. Throws ConvError exactly when the
 * layer's forward pass would (bad shapes, channels that do not match, a kernel that does not fit).
 *
 * @example layerStats(new Conv2d(4, 10, 3), [4, 5, 5]).macs // 3240
 */
export function layerStats(layer: Module | LayerSpec, inputShape: readonly number[]): LayerStats {
  return resolvedLayerStats(resolveLayer(layer), inputShape);
}

/** The number `convention` reports for a layer: stats.counts[convention] (MACs for "exact"). */
export function countIn(stats: LayerStats, convention: Convention): number {
  check(
    CONVENTIONS.includes(convention),
    "countIn",
    () => `unknown convention ${JSON.stringify(convention)}; expected one of ${CONVENTIONS.join(", ")}`,
  );
  return stats.counts[convention];
}
