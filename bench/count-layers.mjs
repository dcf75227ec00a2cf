// How long the cost model takes to count 1,000 layers (the aim: well under a second).
// Everything is shape arithmetic, so this measures convkit's bookkeeping, not any tensor work.
// Run from the repository root: `npm run bench:cost` (builds lib/ first), or
// `node bench/count-layers.mjs [--runs N]` after `npm run build:lib`.
import { performance } from "node:perf_hooks";
import { buildLayer, layerStats, receptiveField, summary } from "convkit";

const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 25;

/** 1,000 independent layers of every kind, each with an input it accepts. */
function mixedLayers() {
  const kinds = [
    (i) => [
      { type: "Conv2d", inChannels: 64, outChannels: 64, kernelSize: 3, padding: 1, groups: 1 + (i % 4) },
      [1, 64, 56, 56],
    ],
    (i) => [
      {
        type: "Conv2d",
        inChannels: 32,
        outChannels: 64,
        kernelSize: 3,
        stride: 2,
        padding: "valid",
        dilation: 1 + (i % 3),
      },
      [1, 32, 57, 57],
    ],
    () => [{ type: "Conv1d", inChannels: 32, outChannels: 32, kernelSize: 2, dilation: 8 }, [1, 32, 4096]],
    () => [{ type: "Conv3d", inChannels: 8, outChannels: 16, kernelSize: 3, padding: "same" }, [1, 8, 16, 32, 32]],
    () => [
      { type: "ConvTranspose2d", inChannels: 64, outChannels: 32, kernelSize: 4, stride: 2, padding: 1 },
      [1, 64, 28, 28],
    ],
    () => [{ type: "DepthwiseConv2d", channels: 128, kernelSize: 3, padding: 1 }, [1, 128, 28, 28]],
    () => [{ type: "PointwiseConv2d", inChannels: 128, outChannels: 256 }, [1, 128, 28, 28]],
    () => [{ type: "SeparableConv2d", inChannels: 64, outChannels: 128, kernelSize: 3, padding: 1 }, [1, 64, 28, 28]],
    () => [
      { type: "GroupedSeparableConv2d", inChannels: 64, outChannels: 128, kernelSize: 3, groups: 4 },
      [1, 64, 28, 28],
    ],
    () => [{ type: "MaxPool2d", kernelSize: 3, stride: 2, padding: 1 }, [1, 64, 112, 112]],
    () => [{ type: "AvgPool2d", kernelSize: 2 }, [1, 64, 56, 56]],
    () => [{ type: "AdaptiveAvgPool2d", outputSize: 7 }, [1, 512, 13, 13]],
    () => [{ type: "BatchNorm2d", numFeatures: 64 }, [8, 64, 56, 56]],
    () => [{ type: "ReLU" }, [8, 64, 56, 56]],
    () => [{ type: "Flatten" }, [8, 512, 7, 7]],
    () => [{ type: "Linear", inFeatures: 4096, outFeatures: 1000 }, [8, 4096]],
  ];
  return Array.from({ length: 1000 }, (_, i) => kinds[i % kinds.length](i));
}

/** A 1,000-layer network whose shapes chain: 250 blocks of conv 3x3, batch norm, ReLU, channel shuffle. */
function deepNetwork() {
  const layers = [];
  for (let b = 0; b < 250; b++) {
    layers.push(
      {
        type: "Conv2d",
        name: `conv${b}`,
        inChannels: 32,
        outChannels: 32,
        kernelSize: 3,
        padding: 1,
        groups: 4,
        bias: false,
      },
      { type: "BatchNorm2d", name: `bn${b}`, numFeatures: 32 },
      { type: "ReLU", name: `relu${b}` },
      { type: "ChannelShuffle", name: `shuffle${b}`, groups: 4 },
    );
  }
  return layers;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function time(name, fn) {
  fn(); // warm up
  const ms = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  const med = median(ms);
  console.log(
    `${name.padEnd(58)} median ${med.toFixed(2).padStart(7)} ms  (${((med * 1000) / 1000).toFixed(2)} us per layer; min ${Math.min(...ms).toFixed(2)}, max ${Math.max(...ms).toFixed(2)})`,
  );
  return med;
}

const mixed = mixedLayers();
const modules = mixed.map(([spec, shape]) => [buildLayer(spec, { seed: 1 }), shape]); // weights allocated here, not timed
const deep = deepNetwork();
const deepInput = [1, 32, 56, 56];
let sink = 0;

console.log(`convkit cost model, ${runs} runs each, Node ${process.version}`);
const results = {
  specs: time("layerStats() on 1,000 layer specs (16 kinds)", () => {
    for (const [spec, shape] of mixed) sink += layerStats(spec, shape).flops;
  }),
  modules: time("layerStats() on the same 1,000 layers as modules", () => {
    for (const [layer, shape] of modules) sink += layerStats(layer, shape).flops;
  }),
  summary: time("summary() of a 1,000-layer network (rows, totals, RF)", () => {
    sink += summary(deep, deepInput).totals.flops;
  }),
  torchinfo: time("summary(..., {convention: 'torchinfo'}) + toText()", () => {
    sink += summary(deep, deepInput, { convention: "torchinfo" }).toText().length;
  }),
  receptiveField: time("receptiveField() of the 1,000-layer network", () => {
    sink += receptiveField(deep, deepInput).length;
  }),
};
const worst = Math.max(...Object.values(results));
console.log(
  `slowest: ${worst.toFixed(2)} ms for 1,000 layers (${worst < 1000 ? "under" : "OVER"} one second); checksum ${sink.toExponential(3)}`,
);
