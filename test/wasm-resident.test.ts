/**
 * Tensors in wasm memory (toWasm): every conv op reads an x and weight in wasm where they are and
 * writes an `out` in wasm in place, bitwise equal to the same call on plain tensors, on one and two
 * threads; nothing is written past the output; blocks are reused after disposeWasm, survive the
 * memory growing, and a disposed tensor is refused by every op.
 */
import { afterAll, describe, expect, it } from "vitest";
import {
  adaptiveAvgPool2d,
  avgPool2d,
  batchNorm,
  channelShuffle,
  conv1d,
  conv2d,
  conv3d,
  convTranspose1d,
  convTranspose2d,
  convTranspose3d,
  ConvError,
  disposeWasm,
  flatten,
  getThreads,
  inWasm,
  linear,
  maxAbsDiff,
  maxPool2d,
  mulberry32,
  pad,
  randn,
  relu,
  setThreads,
  Tensor,
  toWasm,
  wasmMemoryBytes,
  wasmResidentBytes,
  zeros,
  type CallOptions,
} from "../src/index.js";

const threads = getThreads();
afterAll(() => setThreads(threads));

type Op = (x: Tensor, w: Tensor, b: Tensor | null, o: CallOptions & Record<string, unknown>) => Tensor;
// the first five and the 2-D sub-pixel one (per phase) are large enough (PARALLEL_MIN_MACS) to run on two threads
const cases: Array<[string, Op, number[], number[], Record<string, unknown>]> = [
  ["dense 3x3 (prep, packed strips)", conv2d as Op, [1, 16, 24, 24], [16, 16, 3, 3], { padding: 1 }],
  [
    "depthwise 3x3 (fused prep, 4-row kernel)",
    conv2d as Op,
    [2, 64, 39, 41],
    [64, 1, 3, 3],
    { padding: 1, groups: 64 },
  ],
  [
    "grouped, strided, dilated",
    conv2d as Op,
    [1, 32, 47, 45],
    [32, 8, 3, 3],
    { stride: 2, padding: 2, dilation: 2, groups: 4 },
  ],
  ["1x1 (x read in place)", conv2d as Op, [1, 64, 28, 28], [64, 64, 1, 1], {}],
  ["conv1d", conv1d as Op, [2, 4, 301], [6, 2, 5], { padding: 2, groups: 2 }],
  ["conv3d", conv3d as Op, [1, 3, 6, 7, 8], [4, 3, 2, 3, 3], { stride: [1, 2, 1], padding: 1 }],
  ["convTranspose1d (sub-pixel)", convTranspose1d as Op, [1, 3, 40], [3, 2, 4], { stride: 3, padding: 1 }],
  [
    "convTranspose2d (sub-pixel)",
    convTranspose2d as Op,
    [2, 32, 32, 31],
    [32, 16, 4, 4],
    { stride: 2, padding: 1, outputPadding: 1 },
  ],
  ["convTranspose2d stride 1", convTranspose2d as Op, [1, 4, 12, 12], [4, 3, 3, 3], { padding: 1 }],
  ["convTranspose3d", convTranspose3d as Op, [1, 2, 4, 5, 6], [2, 3, 2, 2, 3], { stride: [1, 2, 2] }],
];

/** The block a tensor in wasm holds, past its data: the slack the kernels may read but never write. */
function slackOf(t: Tensor): Float32Array {
  return new Float32Array(t.data.buffer, t.data.byteOffset + t.data.byteLength, 64);
}

describe("toWasm", () => {
  it("copies the values and shape into the engine's memory, leaving the source alone", () => {
    const t = randn([3, 5, 7], { seed: 1 });
    const before = wasmResidentBytes();
    const r = toWasm(t);
    expect(inWasm(r)).toBe(true);
    expect(inWasm(t)).toBe(false);
    expect(r.shape).toEqual([3, 5, 7]);
    expect(r.data).not.toBe(t.data);
    expect(Array.from(r.data)).toEqual(Array.from(t.data));
    expect(wasmResidentBytes() - before).toBeGreaterThanOrEqual(3 * 5 * 7 * 4);
    r.data[0] = 42;
    expect(t.data[0]).not.toBe(42);
    expect(disposeWasm(r)).toBe(true);
    expect(wasmResidentBytes()).toBe(before);
  });

  for (const n of [1, 2]) {
    for (const [name, op, xs, ws, options] of cases) {
      it(`${name}, ${n} thread${n > 1 ? "s" : ""}: x, weight and out in wasm give the plain call's result, bitwise`, () => {
        setThreads(n);
        const x = randn(xs, { seed: 2 }),
          w = randn(ws, { seed: 3 });
        const b = randn(
          [(op === conv1d || op === conv2d || op === conv3d ? ws[0] : ws[1]! * ((options.groups as number) ?? 1))!],
          { seed: 4 },
        );
        const plain = op(x, w, b, options);
        // the output's neighbours: a block below it and the slack above it, set to a sentinel
        const below = toWasm(zeros([64]));
        below.data.fill(7);
        const out = toWasm(zeros(plain.shape));
        out.data.fill(Number.NaN);
        slackOf(out).fill(7);
        const xr = toWasm(x),
          wr = toWasm(w);
        const y = op(xr, wr, b, { ...options, out });
        expect(y).toBe(out);
        expect(Array.from(out.data)).toEqual(Array.from(plain.data));
        expect(Array.from(below.data).every((v) => v === 7)).toBe(true);
        expect(Array.from(slackOf(out)).every((v) => v === 7)).toBe(true);
        // the inputs are read, never written
        expect(Array.from(xr.data)).toEqual(Array.from(x.data));
        expect(Array.from(wr.data)).toEqual(Array.from(w.data));
        // one of them in wasm, the others plain: the same
        expect(Array.from(op(xr, w, b, options).data)).toEqual(Array.from(plain.data));
        expect(Array.from(op(x, wr, b, options).data)).toEqual(Array.from(plain.data));
        const outOnly = toWasm(zeros(plain.shape));
        op(x, w, b, { ...options, out: outOnly });
        expect(Array.from(outOnly.data)).toEqual(Array.from(plain.data));
        // and the reference backend reads them as the plain arrays they are
        const ref = op(xr, wr, b, { ...options, backend: "reference" });
        expect(maxAbsDiff(ref, plain)).toBeLessThan(1e-4);
        for (const t of [below, out, xr, wr, outOnly]) disposeWasm(t);
      });
    }
  }
});

describe("the memory of tensors in wasm", () => {
  it("reuses freed blocks: tensors in wasm never overlap, keep their values, and churn does not grow the memory", () => {
    const base = wasmResidentBytes();
    // sizes that fragment the heap: a freed block is reused by a smaller one, two freed
    // neighbours by one twice their size
    const sizes = [1000, 1000, 1000, 900, 2000, 10, 3000, 1500, 500, 2500];
    const next = mulberry32(1);
    const live: { t: Tensor; value: number }[] = [];
    const round = (r: number) => {
      for (let i = 0; i < 40; i++) {
        if (live.length > 0 && (next() < 0.45 || live.length > 12)) {
          const [{ t }] = live.splice(Math.floor(next() * live.length), 1);
          expect(disposeWasm(t!)).toBe(true);
        } else {
          const t = toWasm(zeros([sizes[Math.floor(next() * sizes.length)]!]));
          expect(t.data.every((v) => v === 0)).toBe(true);
          const value = r * 1000 + i + 1;
          t.data.fill(value);
          live.push({ t, value });
        }
      }
      // no two live blocks overlap, and each still holds what was written to it
      const spans = live.map(({ t }) => [t.data.byteOffset, t.data.byteOffset + t.data.byteLength] as const);
      spans.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
      for (const { t, value } of live) expect(t.data.every((v) => v === value)).toBe(true);
    };
    // enough rounds (each allocates about 20 x 1500 floats) that a heap which never reused its
    // blocks would outgrow twice the memory; reused, it grows by at most a few peaks of live data
    const bytes = wasmMemoryBytes();
    const rounds = Math.max(200, Math.ceil((2 * bytes) / (20 * 1500 * 4)));
    for (let r = 0; r < rounds; r++) round(r);
    expect(wasmMemoryBytes() - bytes).toBeLessThan(2 ** 20);
    for (const { t } of live) disposeWasm(t);
    expect(wasmResidentBytes()).toBe(base);
  });

  it("toWasm and disposeWasm in a loop do not grow the memory; a new block holds zeros, not the last one's values", () => {
    const t = randn([4, 64, 64], { seed: 5 });
    disposeWasm(toWasm(t));
    const bytes = wasmMemoryBytes();
    for (let i = 0; i < 50; i++) disposeWasm(toWasm(t));
    expect(wasmMemoryBytes()).toBe(bytes);
    const z = toWasm(zeros([4, 64, 64]));
    expect(z.data.every((v) => v === 0)).toBe(true);
    disposeWasm(z);
  });

  it("keeps the values of tensors in wasm when a later call grows the memory, and calls never write over them", () => {
    setThreads(1);
    const x = randn([1, 8, 30, 30], { seed: 6 }),
      w = randn([8, 8, 3, 3], { seed: 7 });
    const xr = toWasm(x),
      wr = toWasm(w),
      out = toWasm(zeros([1, 8, 30, 30]));
    const grown = wasmMemoryBytes();
    // a call larger than anything so far: the memory grows above the tensors in wasm
    const big = randn([1, 16, 200, 200], { seed: 8 });
    conv2d(big, randn([16, 16, 3, 3], { seed: 9 }), null, { padding: 1 });
    expect(wasmMemoryBytes()).toBeGreaterThan(grown);
    expect(Array.from(xr.data)).toEqual(Array.from(x.data));
    expect(Array.from(wr.data)).toEqual(Array.from(w.data));
    conv2d(xr, wr, null, { padding: 1, out });
    expect(Array.from(out.data)).toEqual(Array.from(conv2d(x, w, null, { padding: 1 }).data));
    for (const t of [xr, wr, out]) disposeWasm(t);
  });
});

describe("disposeWasm", () => {
  it("frees once: true, then false; false for a plain tensor", () => {
    const r = toWasm(zeros([4]));
    expect(disposeWasm(r)).toBe(true);
    expect(disposeWasm(r)).toBe(false);
    expect(inWasm(r)).toBe(false);
    expect(disposeWasm(zeros([4]))).toBe(false);
  });

  it("toWasm and disposeWasm refuse what is not a Tensor, naming the op; inWasm says false", () => {
    expect(() => toWasm(null as unknown as Tensor)).toThrow(/^toWasm: tensor must be a Tensor, got null$/);
    expect(() => toWasm(new Float32Array(4) as unknown as Tensor)).toThrow(
      /^toWasm: tensor must be a Tensor, got Float32Array$/,
    );
    expect(() => disposeWasm(undefined as unknown as Tensor)).toThrow(
      /^disposeWasm: tensor must be a Tensor, got undefined$/,
    );
    expect(inWasm(null as unknown as Tensor)).toBe(false);
  });

  it("a disposed tensor is refused as input, weight, bias or out, naming the op, the argument and its shape", () => {
    const x = randn([1, 2, 5, 5], { seed: 10 }),
      w = randn([3, 2, 3, 3], { seed: 11 }),
      b = randn([3], { seed: 12 });
    const gone = (t: Tensor) => {
      const r = toWasm(t);
      disposeWasm(r);
      return r;
    };
    expect(() => conv2d(gone(x), w, b)).toThrow(
      /^conv2d: the input \[1, 2, 5, 5\] was disposed \(disposeWasm\); its memory may have been reused$/,
    );
    expect(() => conv2d(x, gone(w), b)).toThrow(/^conv2d: the weight \[3, 2, 3, 3\] was disposed \(disposeWasm\)/);
    expect(() => convTranspose2d(x, randn([2, 3, 3, 3]), gone(b))).toThrow(
      /^convTranspose2d: the bias \[3\] was disposed/,
    );
    expect(() => conv2d(x, w, b, { out: gone(zeros([1, 3, 3, 3])) })).toThrow(
      /^conv2d: the out \[1, 3, 3, 3\] was disposed/,
    );
    expect(() => toWasm(gone(x))).toThrow(/^toWasm: the tensor \[1, 2, 5, 5\] was disposed/);
  });

  it("every other op refuses a disposed tensor too, naming itself and the argument", () => {
    const x = randn([1, 2, 4, 4], { seed: 13 });
    const gone = (t: Tensor) => {
      const r = toWasm(t);
      disposeWasm(r);
      return r;
    };
    const ops: Array<[string, () => unknown]> = [
      ["relu: the input", () => relu(gone(x))],
      ["maxPool2d: the input", () => maxPool2d(gone(x), { kernelSize: 2 })],
      ["avgPool2d: the input", () => avgPool2d(gone(x), { kernelSize: 2 })],
      ["adaptiveAvgPool2d: the input", () => adaptiveAvgPool2d(gone(x), 1)],
      ["pad: the input", () => pad(gone(x), [1, 1])],
      ["channelShuffle: the input", () => channelShuffle(gone(x), 2)],
      ["flatten: the input", () => flatten(gone(x))],
      ["linear: the weight", () => linear(randn([3, 4]), gone(randn([5, 4])))],
      ["batchNorm: the runningMean", () => batchNorm(x, gone(randn([2])), randn([2]))],
    ];
    for (const [message, call] of ops) {
      expect(call, message).toThrow(ConvError);
      expect(call, message).toThrow(
        new RegExp(`^${message.replace(/[[\]]/g, "\\$&")} \\[[0-9, ]+\\] was disposed \\(disposeWasm\\)`),
      );
    }
  });

  it("more than the 2 GiB memory in wasm is refused before growing, naming the op and what is held", async () => {
    const { allocResident } = await import("../src/kernels/wasm.js");
    const before = wasmMemoryBytes();
    expect(() => allocResident("toWasm", 2 ** 29)).toThrow(
      /^toWasm: 2048 MiB more in wasm memory would pass the wasm backend's 2 GiB limit \(tensors in wasm hold \d+ MiB; disposeWasm frees them\)$/,
    );
    expect(wasmMemoryBytes()).toBe(before);
  });

  it("a tensor in wasm as both input and out is refused as overlapping", () => {
    const r = toWasm(randn([1, 2, 5, 5], { seed: 13 }));
    expect(() => conv2d(r, randn([2, 2, 3, 3]), null, { padding: 1, out: r })).toThrow(
      /^conv2d: out shares memory with the input \[1, 2, 5, 5\]/,
    );
    disposeWasm(r);
  });
});
