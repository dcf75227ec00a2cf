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
 * Each layer type's own count lives with its definition (src/nn/conv.ts, pool.ts, ...), which
 * calls `statsOf` below; convolution arithmetic comes from arithmetic.ts (convInfo,
 * convTransposeInfo, poolInfo), the one place it is worked out. Per layer, with N the batch, P_out / P_in the number of output /
 * input positions, K = prod(kernel), g the groups:
 *   Conv            MACs = N P_out C_out (C_in / g) K
 *   ConvTranspose   MACs = N P_in C_in (C_out / g) K   (each input value meets every weight of its
 *                   group once; counting over output positions, as several tools do, over-counts
 *                   by about stride^d)
 *   Linear          MACs = rows x in x out
 *
 * `counts` holds what other tools report for the same layer; see COUNTING_CONVENTIONS.
 */
import { checkShapeSizes } from "../core/arithmetic.js";
import { check } from "../core/errors.js";
import { checkOneOf, formatValue } from "../core/validate.js";
import { resolveLayerOf, type LayerSpec } from "../nn/layer-spec.js";
import type { Module } from "../nn/module.js";
import { CONVENTIONS, statsOn, type Convention, type LayerStats } from "./layer-stats.js";

export * from "./layer-stats.js";

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

/**
 * The cost of `layer` (a module or a spec) on an input of `inputShape`, from shapes alone:
 * exact output shape, parameters (weight and bias apart), MACs, bias adds, other ops, FLOPs,
 * memory traffic, arithmetic intensity, and each tool's count. Throws ConvError exactly when the
 * layer's forward pass would (bad shapes, channels that do not match, a kernel that does not fit).
 *
 * @example layerStats(new Conv2d(4, 10, 3), [4, 5, 5]).macs // 3240
 */
export function layerStats(layer: Module | LayerSpec, inputShape: readonly number[]): LayerStats {
  const op = "layerStats";
  checkShapeSizes(op, inputShape, "inputShape");
  const resolved = resolveLayerOf(op, layer);
  return statsOn(op, resolved, inputShape);
}

/** The number `convention` reports for a layer: stats.counts[convention] (MACs for "exact"). */
export function countIn(stats: LayerStats, convention: Convention): number {
  const counts = (stats as { counts?: unknown } | null)?.counts;
  check(
    typeof counts === "object" && counts !== null,
    "countIn",
    () => `stats must be a layer's statistics (layerStats' result), got ${formatValue(stats)}`,
  );
  checkOneOf("countIn", "convention", convention, CONVENTIONS);
  return stats.counts[convention];
}
