/**
 * pad(x, pads, mode): PyTorch's F.pad. `pads` lists (before, after) pairs starting from the LAST
 * dimension: [left, right] pads width, [left, right, top, bottom] width and height, and so on.
 * Modes: "constant" (or "zeros") fills with `value`; "reflect" mirrors without repeating the edge
 * (pad < size); "replicate" repeats the edge; "circular" wraps around (pad <= size).
 */
import { checkAllocation, checkShape, copyShape, numel, type PaddingMode } from "../core/arithmetic.js";
import { check, shapeText } from "../core/errors.js";
import { checkOneOf, checkPositiveInteger, formatValue } from "../core/validate.js";
import { checkTensor, Tensor } from "../core/tensor.js";

export type PadMode = PaddingMode | "constant";
const PAD_MODES: readonly PadMode[] = ["constant", "zeros", "reflect", "replicate", "circular"];

/** For one padded dimension: the source index of each output index, or -1 for the fill value. */
function sourceIndices(
  op: string,
  size: number,
  before: number,
  after: number,
  mode: PadMode,
  dim: number,
  shape: readonly number[],
): Int32Array {
  if (mode === "reflect")
    check(
      before < size && after < size,
      op,
      () =>
        `reflect padding (${Math.max(before, after)}) must be smaller than the input size (${size}) in dimension ${dim}; input ${shapeText(shape)}`,
    );
  if (mode === "circular")
    check(
      before <= size && after <= size,
      op,
      () =>
        `circular padding (${Math.max(before, after)}) must not exceed the input size (${size}) in dimension ${dim}; input ${shapeText(shape)}`,
    );
  if (mode === "replicate")
    check(size > 0, op, () => `replicate padding needs a non-empty dimension ${dim}; input ${shapeText(shape)}`);
  const map = new Int32Array(size + before + after);
  for (let o = 0; o < map.length; o++) {
    const i = o - before;
    if (i >= 0 && i < size) map[o] = i;
    else if (mode === "reflect") map[o] = i < 0 ? -i : 2 * (size - 1) - i;
    else if (mode === "replicate") map[o] = i < 0 ? 0 : size - 1;
    else if (mode === "circular") map[o] = ((i % size) + size) % size;
    else map[o] = -1;
  }
  return map;
}

export function pad(x: Tensor, pads: readonly number[], mode: PadMode = "constant", value = 0): Tensor {
  const op = "pad";
  checkTensor(op, "input", x);
  checkOneOf(op, "mode", mode, PAD_MODES);
  check(typeof value === "number", op, () => `value must be a number, got ${formatValue(value)}`);
  check(
    Array.isArray(pads) && pads.length % 2 === 0 && pads.length / 2 <= x.rank,
    op,
    () =>
      `pads must be an array of (before, after) pairs for at most ${x.rank} dimensions, got ${formatValue(pads)} for input ${shapeText(x.shape)}`,
  );
  for (let i = 0; i < pads.length; i++) {
    const p = pads[i];
    check(
      typeof p === "number" && Number.isInteger(p) && p >= 0,
      op,
      () => `pads must be non-negative integers, got ${formatValue(pads)}`,
    );
  }
  // The output's size is checked before the index maps, which are as long as the padded dimensions.
  const outShape = copyShape(x.shape);
  for (let j = 0; j < pads.length / 2; j++)
    outShape[x.rank - 1 - j] = x.shape[x.rank - 1 - j]! + pads[2 * j]! + pads[2 * j + 1]!;
  checkShape(op, outShape, "output");
  checkAllocation(op, "output", outShape, () => `pads ${shapeText(pads)} make it that large`);
  const maps: (Int32Array | null)[] = x.shape.map(() => null);
  for (let j = 0; j < pads.length / 2; j++) {
    const dim = x.rank - 1 - j;
    maps[dim] = sourceIndices(op, x.shape[dim]!, pads[2 * j]!, pads[2 * j + 1]!, mode, dim, x.shape);
  }
  const inStrides = x.strides;
  const out = new Float32Array(numel(outShape));
  const index = new Array<number>(x.rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < x.rank && src >= 0; d++) {
      const i = maps[d] ? maps[d]![index[d]!]! : index[d]!;
      src = i < 0 ? -1 : src + i * inStrides[d]!;
    }
    out[o] = src < 0 ? value : x.data[src]!;
    for (let d = x.rank - 1; d >= 0; d--) {
      if (++index[d]! < outShape[d]!) break;
      index[d] = 0;
    }
  }
  return new Tensor(out, outShape);
}

/**
 * channelShuffle(x, groups) (ShuffleNet; PyTorch's F.channel_shuffle): x (N, C, ...) seen as
 * (N, groups, C/groups, ...), the two channel axes swapped, flattened back to (N, C, ...).
 * Like PyTorch, dimension 1 holds the channels, so the input needs at least 3 dimensions.
 */
export function channelShuffle(x: Tensor, groups: number): Tensor {
  const op = "channelShuffle";
  checkTensor(op, "input", x);
  check(x.rank >= 3, op, () => `expected input (N, C, ...) with at least 3 dimensions, got ${shapeText(x.shape)}`);
  checkPositiveInteger(op, "groups", groups);
  const [n, c, ...rest] = x.shape as number[];
  check(
    c! % groups === 0,
    op,
    () => `channels (${c}) must be divisible by groups (${groups}); input ${shapeText(x.shape)}`,
  );
  return x
    .reshape([n!, groups, c! / groups, ...rest]) // (N, g, C/g, ...)
    .transpose(1, 2) //                              (N, C/g, g, ...)
    .reshape(x.shape); //                            (N, C, ...)
}
