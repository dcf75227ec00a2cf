/** Each convolution variant equals its definition, over random valid configurations (fast-check). */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cat,
  channelShuffle,
  conv1d,
  conv2d,
  conv3d,
  convTranspose1d,
  convTranspose2d,
  convTranspose3d,
  convTransposeOutputSize,
  effectiveKernelSize,
  getBackendName,
  GroupedSeparableConv2d,
  randn,
  setBackend,
  SeparableConv2d,
  Tensor,
  zeros,
  type ConvOptions,
  type ConvTransposeOptions,
} from "../src/index.js";
import { expectClose } from "./helpers.js";

type Rank = 1 | 2 | 3;
const convOf = { 1: conv1d, 2: conv2d, 3: conv3d } as unknown as Record<
  Rank,
  (x: Tensor, w: Tensor, b?: Tensor | null, o?: ConvOptions) => Tensor
>;
const convTOf = { 1: convTranspose1d, 2: convTranspose2d, 3: convTranspose3d } as unknown as Record<
  Rank,
  (x: Tensor, w: Tensor, b?: Tensor | null, o?: ConvTransposeOptions) => Tensor
>;

/** A random valid convolution: shapes, options and seeds. */
const configArb = fc
  .record({
    rank: fc.constantFrom<Rank>(1, 2, 3),
    batch: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 3 }),
    cPerGroup: fc.integer({ min: 1, max: 3 }),
    fPerGroup: fc.integer({ min: 1, max: 3 }),
    kernel: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 3, maxLength: 3 }),
    stride: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 3, maxLength: 3 }),
    dilation: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 3, maxLength: 3 }),
    padding: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
    extra: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 3, maxLength: 3 }),
    seed: fc.integer({ min: 0, max: 1000 }),
    bias: fc.boolean(),
  })
  .map((c) => {
    const r = c.rank;
    const kernel = c.kernel.slice(0, r);
    const dilation = c.dilation.slice(0, r);
    const padding = c.padding.slice(0, r);
    const stride = c.stride.slice(0, r);
    const size = kernel.map((k, i) => Math.max(1, effectiveKernelSize(k, dilation[i]) - 2 * padding[i]!) + c.extra[i]!);
    const inChannels = c.groups * c.cPerGroup;
    const outChannels = c.groups * c.fPerGroup;
    const x = randn([c.batch, inChannels, ...size], { seed: c.seed });
    const w = randn([outChannels, c.cPerGroup, ...kernel], { seed: c.seed + 1 });
    const b = c.bias ? randn([outChannels], { seed: c.seed + 2 }) : null;
    return { ...c, kernel, dilation, padding, stride, size, inChannels, outChannels, x, w, b };
  });

function dot(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let s = 0;
  for (let i = 0; i < a.size; i++) s += a.data[i]! * b.data[i]!;
  return s;
}

// The definitions hold on every backend: the reference loops and the WebAssembly kernels.
describe.each(["reference", "wasm"])("%s backend", (backend) => {
  const before = getBackendName();
  beforeAll(() => setBackend(backend));
  afterAll(() => setBackend(before));

  describe("convolution properties", () => {
    it("a grouped conv equals per-group convs concatenated", () => {
      fc.assert(
        fc.property(configArb, (c) => {
          const y = convOf[c.rank](c.x, c.w, c.b, {
            stride: c.stride,
            padding: c.padding,
            dilation: c.dilation,
            groups: c.groups,
          } as unknown as ConvOptions);
          const parts = Array.from({ length: c.groups }, (_, g) =>
            convOf[c.rank](
              c.x.slice(1, g * c.cPerGroup, (g + 1) * c.cPerGroup),
              c.w.slice(0, g * c.fPerGroup, (g + 1) * c.fPerGroup),
              c.b ? c.b.slice(0, g * c.fPerGroup, (g + 1) * c.fPerGroup) : null,
              { stride: c.stride, padding: c.padding, dilation: c.dilation } as unknown as ConvOptions,
            ),
          );
          expectClose(y, cat(parts, 1).data, { rtol: 1e-5, atol: 1e-5 });
        }),
        { numRuns: 60 },
      );
    });

    it("a dilated conv equals a conv with the zero-inserted kernel", () => {
      fc.assert(
        fc.property(configArb, (c) => {
          const y = convOf[c.rank](c.x, c.w, c.b, {
            stride: c.stride,
            padding: c.padding,
            dilation: c.dilation,
            groups: c.groups,
          } as unknown as ConvOptions);
          // Spread the kernel: tap k moves to k * d, zeros between.
          const spread = c.kernel.map((k, i) => effectiveKernelSize(k, c.dilation[i]));
          const wide = zeros([c.outChannels, c.cPerGroup, ...spread]);
          const tapsPerFilter = c.kernel.reduce((a, b) => a * b, 1);
          for (let f = 0; f < c.outChannels * c.cPerGroup; f++) {
            for (let t = 0; t < tapsPerFilter; t++) {
              let rest = t;
              let offset = 0;
              for (let i = c.rank - 1, stride = 1; i >= 0; i--) {
                const k = rest % c.kernel[i]!;
                rest = Math.floor(rest / c.kernel[i]!);
                offset += k * c.dilation[i]! * stride;
                stride *= spread[i]!;
              }
              wide.data[f * spread.reduce((a, b) => a * b, 1) + offset] = c.w.data[f * tapsPerFilter + t]!;
            }
          }
          const z = convOf[c.rank](c.x, wide, c.b, {
            stride: c.stride,
            padding: c.padding,
            groups: c.groups,
          } as unknown as ConvOptions);
          expectClose(y, z.data, { rtol: 1e-5, atol: 1e-5 });
        }),
        { numRuns: 60 },
      );
    });

    it("a strided conv equals the stride-1 conv subsampled", () => {
      fc.assert(
        fc.property(configArb, (c) => {
          const options = { padding: c.padding, dilation: c.dilation, groups: c.groups };
          const strided = convOf[c.rank](c.x, c.w, c.b, { ...options, stride: c.stride } as unknown as ConvOptions);
          const dense = convOf[c.rank](c.x, c.w, c.b, options as unknown as ConvOptions);
          const outSize = strided.shape.slice(2);
          const denseSize = dense.shape.slice(2);
          const planes = c.batch * c.outChannels;
          const expected: number[] = [];
          const cells = outSize.reduce((a, b) => a * b, 1);
          for (let p = 0; p < planes; p++) {
            for (let cell = 0; cell < cells; cell++) {
              let rest = cell;
              let offset = 0;
              for (let i = c.rank - 1, stride = 1; i >= 0; i--) {
                const o = rest % outSize[i]!;
                rest = Math.floor(rest / outSize[i]!);
                offset += o * c.stride[i]! * stride;
                stride *= denseSize[i]!;
              }
              expected.push(dense.data[p * denseSize.reduce((a, b) => a * b, 1) + offset]!);
            }
          }
          expectClose(strided, expected, { rtol: 1e-6, atol: 1e-6 });
        }),
        { numRuns: 60 },
      );
    });

    it("the transposed conv is the adjoint of the conv: <conv(x), y> = <x, convT(y)>", () => {
      fc.assert(
        fc.property(configArb, (c) => {
          const options = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
          const cx = convOf[c.rank](c.x, c.w, null, options as unknown as ConvOptions);
          const y = randn(cx.shape, { seed: c.seed + 3 });
          // Output padding recovers the input size that stride rounding lost.
          const outputPadding = c.size.map(
            (s, i) =>
              s -
              convTransposeOutputSize(cx.shape[2 + i]!, c.kernel[i]!, {
                stride: c.stride[i],
                padding: c.padding[i],
                dilation: c.dilation[i],
              }),
          );
          const ty = convTOf[c.rank](y, c.w, null, { ...options, outputPadding } as unknown as ConvTransposeOptions);
          expect(ty.shape).toEqual(c.x.shape);
          const lhs = dot(cx, y);
          const rhs = dot(c.x, ty);
          expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(lhs)));
        }),
        { numRuns: 60 },
      );
    });

    it("channelShuffle twice with swapped factors is the identity", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 0, max: 99 }),
          (g, perGroup, seed) => {
            const x = randn([2, g * perGroup, 3, 2], { seed });
            const shuffled = channelShuffle(x, g);
            expect(Array.from(channelShuffle(shuffled, perGroup).data)).toEqual(Array.from(x.data));
          },
        ),
      );
    });

    it("channelShuffle(x, 2) interleaves the two groups' channels", () => {
      const x = Tensor.from([0, 1, 2, 3, 4, 5], [1, 6, 1]);
      expect(Array.from(channelShuffle(x, 2).data)).toEqual([0, 3, 1, 4, 2, 5]);
    });
  });

  describe("composite layers equal their definitions", () => {
    const cases = fc.record({
      groups: fc.constantFrom(1, 2, 3),
      cPerGroup: fc.integer({ min: 1, max: 3 }),
      fPerGroup: fc.integer({ min: 1, max: 3 }),
      kernel: fc.integer({ min: 1, max: 3 }),
      padding: fc.integer({ min: 0, max: 1 }),
      seed: fc.integer({ min: 0, max: 1000 }),
    });

    it("SeparableConv2d equals depthwise (groups = C) then pointwise (1x1)", () => {
      fc.assert(
        fc.property(cases, ({ cPerGroup, fPerGroup, kernel, padding, seed }) => {
          const layer = new SeparableConv2d(cPerGroup, fPerGroup, kernel, { padding, seed });
          const x = randn([1, cPerGroup, 5, 4], { seed: seed + 7 });
          const depthwise = conv2d(x, layer.depthwise.weight, layer.depthwise.bias, { padding, groups: cPerGroup });
          const expected = conv2d(depthwise, layer.pointwise.weight, layer.pointwise.bias);
          expectClose(layer.forward(x), expected.data, { rtol: 1e-6, atol: 1e-6 });
        }),
        { numRuns: 40 },
      );
    });

    it("GroupedSeparableConv2d equals a separable conv per channel group, concatenated", () => {
      fc.assert(
        fc.property(cases, ({ groups, cPerGroup, fPerGroup, kernel, padding, seed }) => {
          const inChannels = groups * cPerGroup;
          const outChannels = groups * fPerGroup;
          const layer = new GroupedSeparableConv2d(inChannels, outChannels, kernel, { groups, padding, seed });
          const x = randn([2, inChannels, 4, 5], { seed: seed + 7 });
          const { depthwise, pointwise } = layer;
          const perGroup = Array.from({ length: groups }, (_, g) => {
            const [c0, c1, f0, f1] = [g * cPerGroup, (g + 1) * cPerGroup, g * fPerGroup, (g + 1) * fPerGroup];
            const xs = x.slice(1, c0, c1);
            const dw = conv2d(xs, depthwise.weight.slice(0, c0, c1), depthwise.bias!.slice(0, c0, c1), {
              padding,
              groups: cPerGroup,
            });
            return conv2d(dw, pointwise.weight.slice(0, f0, f1), pointwise.bias!.slice(0, f0, f1));
          });
          expectClose(layer.forward(x), cat(perGroup, 1).data, { rtol: 1e-5, atol: 1e-6 });
        }),
        { numRuns: 40 },
      );
    });
  });
});
