// Small experiments the pages run on convkit's real forward passes (no arithmetic of their own).
import { maxAbsDiff } from "convkit";

/**
 * Which output channels move when one input channel changes: runs `forward` on x (C, H, W) and on
 * a copy with `delta` added to every value of input channel `channel`, and returns the output
 * channels whose values differ.
 */
export function reachedOutputs(forward, x, channel, { delta = 1 } = {}) {
  const [, height, width] = x.shape;
  const plane = height * width;
  const nudged = x.map((v, i) => (Math.floor(i / plane) === channel ? v + delta : v));
  const before = forward(x);
  const after = forward(nudged);
  const outChannels = before.shape[0];
  const reached = [];
  for (let c = 0; c < outChannels; c++) {
    if (maxAbsDiff(before.slice(0, c, c + 1), after.slice(0, c, c + 1)) > 0) reached.push(c);
  }
  return reached;
}

/** The positive integers dividing both a and b: the groups a convolution a -> b accepts. */
export function commonDivisors(a, b) {
  const out = [];
  for (let g = 1; g <= Math.min(a, b); g++) if (a % g === 0 && b % g === 0) out.push(g);
  return out;
}

/** "0-4" for [0, 1, 2, 3, 4], "0, 2, 5" otherwise. */
export function formatChannels(list) {
  if (!list.length) return "none";
  const contiguous = list.every((c, i) => i === 0 || c === list[i - 1] + 1);
  return contiguous && list.length > 2 ? `${list[0]}-${list[list.length - 1]}` : list.join(", ");
}
