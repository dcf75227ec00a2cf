/**
 * The wasm backend equals the reference oracle (within 1e-4 relative) on random valid
 * configurations: rank 1-3, batch, groups, stride, dilation, padding (and padding modes),
 * bias, transposed with output padding; small channel counts (direct kernel, one panel) and wide
 * ones (packed strips over many 4-row panels). Both builds of the kernels where the runtime has
 * relaxed SIMD: fused multiply-add and mul + add.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  getWasmFma,
  setWasmFma,
  wasmFmaSupported,
  conv1d,
  conv2d,
  conv3d,
  convTranspose1d,
  convTranspose2d,
  convTranspose3d,
  effectiveKernelSize,
  randn,
  type ConvOptions,
  type ConvTransposeOptions,
  type PaddingMode,
  type Tensor,
} from "../src/index.js";

type Rank = 1 | 2 | 3;
type Conv = (x: Tensor, w: Tensor, b?: Tensor | null, o?: ConvOptions & { backend?: string }) => Tensor;
type ConvT = (x: Tensor, w: Tensor, b?: Tensor | null, o?: ConvTransposeOptions & { backend?: string }) => Tensor;
const convOf = { 1: conv1d, 2: conv2d, 3: conv3d } as unknown as Record<Rank, Conv>;
const convTOf = { 1: convTranspose1d, 2: convTranspose2d, 3: convTranspose3d } as unknown as Record<Rank, ConvT>;

/** |wasm - reference| <= 1e-4 (|reference| + the output's mean magnitude), elementwise. */
function expectNear(actual: Tensor, expected: Tensor): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.data,
    e = expected.data;
  let scale = 0;
  for (let i = 0; i < e.length; i++) scale += Math.abs(e[i]!);
  scale /= Math.max(1, e.length);
  for (let i = 0; i < e.length; i++) {
    const err = Math.abs(a[i]! - e[i]!);
    if (!(err <= 1e-4 * (Math.abs(e[i]!) + scale))) {
      expect.fail(`element ${i} of ${expected.shape.join("x")}: wasm ${a[i]} vs reference ${e[i]} (scale ${scale})`);
    }
  }
}

const dims = (min: number, max: number) => fc.array(fc.integer({ min, max }), { minLength: 3, maxLength: 3 });

/** A random convolution; `wide` draws channel counts that fill several micro-kernel panels. */
function configArb(wide: boolean) {
  return fc
    .record({
      rank: fc.constantFrom<Rank>(1, 2, 3),
      batch: fc.integer({ min: 1, max: 2 }),
      groups: wide ? fc.constantFrom(1, 1, 2) : fc.integer({ min: 1, max: 4 }),
      cPerGroup: wide ? fc.integer({ min: 1, max: 12 }) : fc.integer({ min: 1, max: 3 }),
      fPerGroup: wide ? fc.integer({ min: 5, max: 21 }) : fc.integer({ min: 1, max: 5 }),
      kernel: dims(1, 3),
      stride: dims(1, 3),
      dilation: dims(1, 2),
      padding: dims(0, 2),
      extra: dims(0, wide ? 9 : 5),
      // now and then a long last dimension: rows of several strips and every tail length
      longRow: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 20, max: 75 })),
      paddingMode: fc.constantFrom<PaddingMode>("zeros", "zeros", "reflect", "replicate", "circular"),
      outputPadding: dims(0, 2),
      seed: fc.integer({ min: 0, max: 10_000 }),
      bias: fc.boolean(),
    })
    .map((c) => {
      const r = c.rank;
      const kernel = c.kernel.slice(0, r),
        dilation = c.dilation.slice(0, r),
        padding = c.padding.slice(0, r),
        stride = c.stride.slice(0, r);
      // inputs at least as large as the padding (reflect needs padding < size)
      const size = kernel.map(
        (k, i) =>
          Math.max(1 + padding[i]!, effectiveKernelSize(k, dilation[i]) - 2 * padding[i]!) +
          c.extra[i]! +
          (i === r - 1 ? c.longRow : 0),
      );
      // output padding must stay below stride or dilation
      const outputPadding = c.outputPadding
        .slice(0, r)
        .map((p, i) => Math.min(p, Math.max(stride[i]!, dilation[i]!) - 1));
      return {
        ...c,
        kernel,
        dilation,
        padding,
        stride,
        size,
        outputPadding,
        inChannels: c.groups * c.cPerGroup,
        outChannels: c.groups * c.fPerGroup,
      };
    });
}

function checkConv(c: ReturnType<typeof configArb> extends fc.Arbitrary<infer T> ? T : never): void {
  const x = randn([c.batch, c.inChannels, ...c.size], { seed: c.seed });
  const w = randn([c.outChannels, c.cPerGroup, ...c.kernel], { seed: c.seed + 1 });
  const b = c.bias ? randn([c.outChannels], { seed: c.seed + 2 }) : null;
  const options = {
    stride: c.stride,
    padding: c.padding,
    dilation: c.dilation,
    groups: c.groups,
    paddingMode: c.paddingMode,
  } as unknown as ConvOptions;
  const f = convOf[c.rank];
  expectNear(f(x, w, b, { ...options, backend: "wasm" }), f(x, w, b, { ...options, backend: "reference" }));
}

function checkConvTranspose(c: ReturnType<typeof configArb> extends fc.Arbitrary<infer T> ? T : never): void {
  const size = c.size.map((s) => Math.max(1, s - 2));
  const x = randn([c.batch, c.inChannels, ...size], { seed: c.seed });
  const w = randn([c.inChannels, c.fPerGroup, ...c.kernel], { seed: c.seed + 1 });
  const b = c.bias ? randn([c.outChannels], { seed: c.seed + 2 }) : null;
  // padding may not exceed what the output can lose: keep the output at least 1 wide
  const padding = c.padding.map((p, i) =>
    Math.min(
      p,
      Math.floor(((size[i]! - 1) * c.stride[i]! + effectiveKernelSize(c.kernel[i]!, c.dilation[i]!) - 1) / 2),
    ),
  );
  const options = {
    stride: c.stride,
    padding,
    dilation: c.dilation,
    groups: c.groups,
    outputPadding: c.outputPadding,
  } as unknown as ConvTransposeOptions;
  const f = convTOf[c.rank];
  expectNear(f(x, w, b, { ...options, backend: "wasm" }), f(x, w, b, { ...options, backend: "reference" }));
}

const kernelBuilds = wasmFmaSupported() ? [true, false] : [false];
const initialFma = getWasmFma();
afterAll(() => setWasmFma(initialFma));

describe.each(kernelBuilds.map((fma) => [fma ? "fused multiply-add" : "mul + add", fma] as const))(
  "wasm (%s kernels) equals the reference on random configurations",
  (_, fma) => {
    beforeAll(() => setWasmFma(fma));
    it("conv1d/2d/3d: groups, stride, dilation, padding and padding modes, batch, bias", () => {
      fc.assert(fc.property(configArb(false), checkConv), { numRuns: 300 });
    });

    it("convTranspose1d/2d/3d: groups, stride, dilation, padding, output padding, batch, bias", () => {
      fc.assert(fc.property(configArb(false), checkConvTranspose), { numRuns: 300 });
    });

    it("wide convs (5-21 filters per group: several 4-row panels, packed strips)", () => {
      fc.assert(fc.property(configArb(true), checkConv), { numRuns: 60 });
    });

    it("wide transposed convs", () => {
      fc.assert(fc.property(configArb(true), checkConvTranspose), { numRuns: 40 });
    });

    it("depthwise with a channel multiplier, 1x1 (identity prep), long 1-D signals and 3-D volumes", () => {
      const cases: Array<[Rank, number[], number[], ConvOptions]> = [
        [2, [2, 32, 17, 19], [64, 1, 3, 3], { padding: 1, groups: 32 }],
        // depthwise rows of every tail length: 1-8 vectors after whole strips of 32 positions
        ...[29, 30, 31, 32, 33, 45, 61, 64, 70].map((w): [Rank, number[], number[], ConvOptions] => [
          2,
          [1, 6, 4, w],
          [6, 1, 3, 3],
          { padding: 1, groups: 6 },
        ]),
        [1, [2, 5, 200], [10, 1, 5], { padding: 2, groups: 5 }],
        [2, [1, 48, 9, 30], [48, 1, 5, 5], { padding: 2, stride: 2, groups: 48 }],
        [2, [2, 40, 7, 11], [24, 40, 1, 1], {}],
        [2, [1, 20, 12, 12], [36, 20, 1, 1], { stride: 2 }],
        [1, [2, 8, 1000], [16, 8, 7], { padding: 3, dilation: 2 }],
        [1, [1, 4, 3], [6, 4, 3], { padding: "same" }],
        [3, [1, 6, 7, 8, 9], [20, 6, 3, 3, 3], { padding: 1, stride: [1, 2, 2] }],
        [3, [2, 8, 5, 6, 7], [8, 1, 3, 3, 3], { padding: [1, 0, 2], groups: 8, dilation: [2, 1, 1] }],
      ];
      for (const [rank, xs, ws, options] of cases) {
        const x = randn(xs, { seed: xs.length });
        const w = randn(ws, { seed: ws[0]! });
        const b = randn([ws[0]!], { seed: 3 });
        expectNear(
          convOf[rank](x, w, b, { ...options, backend: "wasm" }),
          convOf[rank](x, w, b, { ...options, backend: "reference" }),
        );
      }
    });

    it("3-row depthwise kernel (KH = 3, unit row step): every width, column stride and dilation, row tails, transposed", () => {
      // depthwise (groups = channels, 1-2 filters each), kernel 3 x kw, stride 1 along H: the
      // 4-rows-at-once kernel, then the row kernel for the last OH % 4 rows
      const arb = fc.record({
        rank: fc.constantFrom<2 | 3>(2, 2, 3),
        batch: fc.integer({ min: 1, max: 2 }),
        channels: fc.integer({ min: 1, max: 6 }),
        multiplier: fc.integer({ min: 1, max: 2 }),
        kw: fc.integer({ min: 1, max: 5 }),
        sw: fc.integer({ min: 1, max: 3 }),
        dw: fc.integer({ min: 1, max: 3 }),
        padding: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
        h: fc.integer({ min: 3, max: 19 }),
        w: fc.integer({ min: 1, max: 40 }),
        depth: fc.integer({ min: 1, max: 3 }),
        transposed: fc.boolean(),
        bias: fc.boolean(),
        seed: fc.integer({ min: 0, max: 10_000 }),
      });
      fc.assert(
        fc.property(arb, (c) => {
          const lead = c.rank === 3 ? [c.depth] : [];
          const kernel = [...(c.rank === 3 ? [1] : []), 3, c.kw];
          const stride = [...(c.rank === 3 ? [1] : []), c.transposed ? c.sw : 1, c.sw];
          const dilation = [...(c.rank === 3 ? [1] : []), 1, c.dw];
          const padding = c.padding.slice(0, c.rank);
          const width = Math.max(c.w, 1 + padding[c.rank - 1]!, c.dw * (c.kw - 1) + 1 - 2 * padding[c.rank - 1]!);
          const height = Math.max(c.h, 1 + padding[c.rank - 2]!);
          const x = randn([c.batch, c.channels, ...lead, height, width], { seed: c.seed });
          const f = c.channels * c.multiplier;
          const b = c.bias ? randn([f], { seed: c.seed + 2 }) : null;
          if (c.transposed) {
            const w = randn([c.channels, c.multiplier, ...kernel], { seed: c.seed + 1 });
            const pad = padding.map((p, i) =>
              Math.min(
                p,
                Math.floor(
                  (((i === c.rank - 3 ? c.depth : i === c.rank - 2 ? height : width) - 1) * stride[i]! +
                    dilation[i]! * (kernel[i]! - 1)) /
                    2,
                ),
              ),
            );
            const options = { stride, padding: pad, dilation, groups: c.channels } as unknown as ConvTransposeOptions;
            expectNear(
              convTOf[c.rank](x, w, b, { ...options, backend: "wasm" }),
              convTOf[c.rank](x, w, b, { ...options, backend: "reference" }),
            );
          } else {
            const w = randn([f, 1, ...kernel], { seed: c.seed + 1 });
            const options = { stride, padding, dilation, groups: c.channels } as unknown as ConvOptions;
            expectNear(
              convOf[c.rank](x, w, b, { ...options, backend: "wasm" }),
              convOf[c.rank](x, w, b, { ...options, backend: "reference" }),
            );
          }
        }),
        { numRuns: 300 },
      );
    });

    it("strided transposed convs run as one convolution per output phase (sub-pixel): every phase, phases no tap reaches, cropping, output padding", () => {
      const cases: Array<[Rank, number[], number[], ConvTransposeOptions]> = [
        [2, [1, 8, 7, 9], [8, 6, 4, 4], { stride: 2, padding: 1 }], // the DCGAN/U-Net decoder step
        [2, [2, 6, 5, 6], [6, 4, 3, 3], { stride: 2, padding: 1, outputPadding: 1 }],
        [2, [1, 4, 6, 6], [4, 4, 3, 3], { stride: 2, dilation: 2, padding: 2 }], // odd phases get only the bias
        [2, [1, 6, 4, 5], [6, 2, 5, 3], { stride: [3, 2], padding: [4, 0], dilation: [1, 3], groups: 3 }],
        [1, [2, 3, 11], [3, 5, 2], { stride: 4, outputPadding: 3 }], // kernel shorter than the stride: empty phases
        [3, [1, 4, 3, 4, 5], [4, 3, 3, 2, 3], { stride: [2, 1, 3], padding: [1, 0, 2] }],
      ];
      for (const [rank, xs, ws, options] of cases) {
        const x = randn(xs, { seed: xs.length + ws[2]! });
        const w = randn(ws, { seed: ws[1]! });
        const b = randn([ws[1]! * (options.groups ?? 1)], { seed: 5 });
        expectNear(
          convTOf[rank](x, w, b, { ...options, backend: "wasm" }),
          convTOf[rank](x, w, b, { ...options, backend: "reference" }),
        );
      }
    });
  },
);
