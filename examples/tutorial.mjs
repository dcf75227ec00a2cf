// The tutorial's walk-through: a (5, 5, 4) sample, channels last, taken to (10, 3, 3) by each
// convolution variant. Run with `npm run example` (or `node examples/tutorial.mjs` after a build).
import {
  Conv2d,
  DepthwiseConv2d,
  GroupedSeparableConv2d,
  PointwiseConv2d,
  SeparableConv2d,
  formatShape,
  rand,
} from "convkit";

// The sample as the tutorial builds it: height 5, width 5, 4 channels, then channels first.
const sample = rand([5, 5, 4], { seed: 1 }).transpose(0, 2); // (4, 5, 5)

const variants = [
  ["regular 3x3", new Conv2d(4, 10, 3, { seed: 1 })],
  ["grouped 3x3, groups 2", new Conv2d(4, 10, 3, { groups: 2, seed: 1 })],
  ["depthwise 3x3", new DepthwiseConv2d(4, 3, { seed: 1 })],
  ["pointwise 1x1 (after depthwise)", new PointwiseConv2d(4, 10, { seed: 1 })],
  ["depthwise-separable 3x3", new SeparableConv2d(4, 10, 3, { seed: 1 })],
  ["GDSConv 3x3, groups 2", new GroupedSeparableConv2d(4, 10, 3, { groups: 2, seed: 1 })],
  ["dilated 3x3, dilation 2", new Conv2d(4, 10, 3, { dilation: 2, seed: 1 })],
];

console.log(`input ${formatShape(sample.shape)}`);
for (const [name, layer] of variants) {
  const input = name.startsWith("pointwise") ? new DepthwiseConv2d(4, 3, { seed: 1 }).forward(sample) : sample;
  const output = layer.forward(input);
  console.log(
    `${name.padEnd(32)} ${formatShape(input.shape).padEnd(12)} -> ${formatShape(output.shape).padEnd(12)} ${String(layer.numParameters()).padStart(4)} params`,
  );
}
