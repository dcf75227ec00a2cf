import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  costVsDilation,
  costVsGroups,
  divisors,
  layerStats,
  mobileNetCostRatio,
  shuffleNetMAC,
  shuffleNetMinMAC,
  type LayerSpec,
} from "../src/index.js";

describe("divisors()", () => {
  it("lists the divisors of n in order", () => {
    expect(divisors(1)).toEqual([1]);
    expect(divisors(12)).toEqual([1, 2, 3, 4, 6, 12]);
    expect(divisors(64)).toEqual([1, 2, 4, 8, 16, 32, 64]);
    expect(() => divisors(0)).toThrow(/divisors: n must be a positive integer, got 0/);
  });
});

describe("costVsGroups()", () => {
  it("costVsGroups(options) checks kernelSize and inputSize as the conv ops do (expandSize)", () => {
    const base = { inChannels: 4, outChannels: 4 };
    expect(() => costVsGroups({ ...base, kernelSize: [3, 0], inputSize: 8 })).toThrow(
      /^costVsGroups: kernelSize must be a positive integer, got \[3,0\]$/,
    );
    expect(() => costVsGroups({ ...base, kernelSize: [3, 3], inputSize: [8] })).toThrow(
      /^costVsGroups: inputSize must be a number or an array of 2, got \[8\]$/,
    );
  });

  it("runs over the divisors of both channel counts: params = C_out C_in K / g + C_out, MACs = P C_out C_in K / g", () => {
    const points = costVsGroups({ inChannels: 4, outChannels: 10, kernelSize: 3, inputSize: 5 });
    expect(points.map((p) => [p.groups, p.params, p.macs])).toEqual([
      [1, 370, 3240],
      [2, 190, 1620],
    ]);
  });

  it("equals layerStats() of the grouped convolution at every divisor (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.record({
          cin: fc.integer({ min: 1, max: 24 }),
          cout: fc.integer({ min: 1, max: 24 }),
          k: fc.integer({ min: 1, max: 3 }),
          size: fc.integer({ min: 3, max: 9 }),
          s: fc.integer({ min: 1, max: 2 }),
          p: fc.integer({ min: 0, max: 1 }),
          bias: fc.boolean(),
          batch: fc.integer({ min: 1, max: 3 }),
        }),
        ({ cin, cout, k, size, s, p, bias, batch }) => {
          for (const point of costVsGroups({
            inChannels: cin,
            outChannels: cout,
            kernelSize: k,
            inputSize: [size, size + 1],
            stride: s,
            padding: p,
            bias,
            batch,
          })) {
            const stats = layerStats(
              {
                type: "Conv2d",
                inChannels: cin,
                outChannels: cout,
                kernelSize: k,
                stride: s,
                padding: p,
                groups: point.groups,
                bias,
              },
              [batch, cin, size, size + 1],
            );
            expect(point.params).toBe(stats.params.total);
            expect(point.weightParams).toBe(stats.params.weight);
            expect(point.macs).toBe(stats.macs);
          }
        },
      ),
      { numRuns: 100, seed: 5 },
    );
  });
});

describe("costVsDilation()", () => {
  it("keeps the parameters, grows k_eff = d (k - 1) + 1, and shrinks the output until the kernel no longer fits", () => {
    const points = costVsDilation({
      inChannels: 4,
      outChannels: 10,
      kernelSize: 3,
      inputSize: 5,
      dilations: [1, 2, 3],
    });
    expect(points.map((p) => [p.dilation, p.effectiveKernel[0], p.outputSize, p.params, p.macs, p.fits])).toEqual([
      [1, 3, [3, 3], 370, 3240, true],
      [2, 5, [1, 1], 370, 360, true],
      [3, 7, [0, 0], 370, 0, false],
    ]);
  });

  it("with padding 'same' keeps the output size, so the MACs stay too", () => {
    const points = costVsDilation({
      inChannels: 8,
      outChannels: 8,
      kernelSize: 3,
      inputSize: [16, 16],
      padding: "same",
      dilations: [1, 2, 4, 8],
    });
    expect(new Set(points.map((p) => p.macs)).size).toBe(1);
    expect(points.map((p) => p.outputSize)).toEqual(points.map(() => [16, 16]));
  });

  it("equals layerStats() wherever the kernel fits (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.record({
          k: fc.integer({ min: 1, max: 4 }),
          size: fc.integer({ min: 1, max: 20 }),
          p: fc.integer({ min: 0, max: 3 }),
          g: fc.constantFrom(1, 2, 4),
        }),
        ({ k, size, p, g }) => {
          const dilations = [1, 2, 3, 5];
          costVsDilation({
            inChannels: 8,
            outChannels: 4,
            kernelSize: k,
            inputSize: [size],
            padding: p,
            groups: g,
            dilations,
          }).forEach((point) => {
            const spec: LayerSpec = {
              type: "Conv1d",
              inChannels: 8,
              outChannels: 4,
              kernelSize: k,
              padding: p,
              dilation: point.dilation,
              groups: g,
            };
            if (point.fits) {
              const stats = layerStats(spec, [1, 8, size]);
              expect([point.params, point.macs, point.outputSize]).toEqual([
                stats.params.total,
                stats.macs,
                stats.outputShape.slice(2),
              ]);
            } else {
              expect(() => layerStats(spec, [1, 8, size])).toThrow(/exceeds the padded input size/);
            }
          });
        },
      ),
      { numRuns: 100, seed: 9 },
    );
  });
});

describe("mobileNetCostRatio()", () => {
  it("is 1/N + 1/k^2, exactly the MAC ratio of a bias-free separable conv to a standard one at the same output size", () => {
    for (const [m, n, k] of [
      [32, 64, 3],
      [512, 512, 3],
      [16, 24, 5],
    ] as const) {
      const input = [1, m, 14, 14];
      const standard = layerStats(
        { type: "Conv2d", inChannels: m, outChannels: n, kernelSize: k, padding: "same", bias: false },
        input,
      );
      const separable = layerStats(
        { type: "SeparableConv2d", inChannels: m, outChannels: n, kernelSize: k, padding: "same", bias: false },
        input,
      );
      expect(separable.macs / standard.macs).toBeCloseTo(mobileNetCostRatio(n, k), 12);
    }
    expect(mobileNetCostRatio(256, 3)).toBeCloseTo(1 / 256 + 1 / 9, 15);
  });
});

describe("shuffleNetMAC()", () => {
  it("is h w (c1 + c2) + c1 c2 / g: the memory traffic layerStats() counts for a bias-free grouped 1x1 conv, in elements", () => {
    for (const [h, w, c1, c2, g] of [
      [56, 56, 128, 128, 1],
      [28, 28, 256, 512, 4],
      [7, 7, 64, 32, 8],
    ] as const) {
      const stats = layerStats(
        { type: "Conv2d", inChannels: c1, outChannels: c2, kernelSize: 1, groups: g, bias: false },
        [1, c1, h, w],
      );
      expect(shuffleNetMAC({ height: h, width: w, inChannels: c1, outChannels: c2, groups: g })).toBe(
        stats.memory.totalBytes / 4,
      );
    }
  });

  it("meets ShuffleNet V2's lower bound 2 sqrt(h w B) + B / (h w) exactly when c1 = c2", () => {
    const [h, w] = [28, 28];
    const bound = (c1: number, c2: number) => shuffleNetMinMAC({ height: h, width: w, flops: h * w * c1 * c2 });
    expect(shuffleNetMAC({ height: h, width: w, inChannels: 128, outChannels: 128 })).toBeCloseTo(bound(128, 128), 6);
    expect(shuffleNetMAC({ height: h, width: w, inChannels: 64, outChannels: 256 })).toBeGreaterThan(bound(64, 256));
    expect(() => shuffleNetMAC({ height: 4, width: 4, inChannels: 6, outChannels: 4, groups: 4 })).toThrow(
      /groups \(4\) must divide inChannels \(6\)/,
    );
  });
});

describe("closed forms with huge arguments", () => {
  it("divisors(n) refuses n past 2^53 instead of trial-dividing for ever", () => {
    expect(() => divisors(1e308)).toThrow(/^divisors: n must be a safe integer \(below 2\^53\), got 1e\+308$/);
    expect(divisors(12)).toEqual([1, 2, 3, 4, 6, 12]);
  });

  it("costVsGroups({inChannels: 1e308}) is refused naming inChannels", () => {
    const options = { inChannels: 1e308, outChannels: 8, kernelSize: 3, inputSize: 8 };
    expect(() => costVsGroups(options)).toThrow(/^costVsGroups: inChannels must be a safe integer/);
    expect(() => costVsGroups({ ...options, inChannels: 8, batch: 1e300, inputSize: 1e10 })).toThrow(
      /^costVsGroups: .*past what a double holds/,
    );
  });
});

describe("closed forms never return Infinity", () => {
  it("shuffleNetMAC, shuffleNetMinMAC and costVsDilation refuse sizes whose counts overflow a double", () => {
    expect(() => shuffleNetMAC({ height: 1e308, width: 8, inChannels: 4, outChannels: 8, groups: 2 })).toThrow(
      /^shuffleNetMAC: height, width, inChannels and outChannels give a count past what a double holds$/,
    );
    expect(() => shuffleNetMinMAC({ height: 1e308, width: 8, flops: 1000 })).toThrow(
      /^shuffleNetMinMAC: height, width and flops give/,
    );
    const options = { inChannels: 8, outChannels: 8, kernelSize: 3, inputSize: 6, dilations: [1, 2] };
    expect(() => costVsDilation({ ...options, batch: 1e308 })).toThrow(/^costVsDilation: .*past what a double holds$/);
    expect(() => costVsDilation({ ...options, kernelSize: 1e308 })).toThrow(
      /^costVsDilation: inputSize 6, kernelSize 1e\+308/,
    );
    expect(() => costVsGroups({ inChannels: 8, outChannels: 8, kernelSize: [], inputSize: 6 })).toThrow(
      /^costVsGroups: kernelSize and inputSize must have 1, 2 or 3 entries/,
    );
  });
});

describe("closed forms refuse null options instead of taking the default", () => {
  const shape = { inChannels: 8, outChannels: 8, kernelSize: 3, inputSize: 6 };

  it.each(["stride", "padding", "dilation", "batch", "bias"])("costVsGroups({%s: null}) names the option", (key) => {
    expect(() => costVsGroups({ ...shape, [key]: null } as never)).toThrow(new RegExp(`^costVsGroups: ${key} must be`));
  });

  it("costVsDilation refuses an empty dilations list and names the dilation that is not a positive integer", () => {
    expect(() => costVsDilation({ ...shape, dilations: [] })).toThrow(
      /^costVsDilation: dilations must be a non-empty array of positive integers, got \[\]$/,
    );
    expect(() => costVsDilation({ ...shape, dilations: [1, NaN] })).toThrow(
      /^costVsDilation: dilations\[1\] must be a positive integer, got NaN$/,
    );
    expect(() => costVsDilation({ ...shape, dilations: [1], stride: null } as never)).toThrow(
      /^costVsDilation: stride must be a positive integer, got null$/,
    );
  });

  it("costVsGroups takes a 3-D kernel with a square input size (the rank comes from the array)", () => {
    expect(costVsGroups({ ...shape, kernelSize: [2, 2, 2] })[0]).toMatchObject({ groups: 1, weightParams: 512 });
  });
});
