/**
 * The `out` option (PyTorch's out=): every conv op writes into the given tensor and returns it,
 * bitwise equal to a fresh result, on both backends, on threads and on the sub-pixel path; bad
 * `out` arguments are refused before any compute.
 */
import { afterAll, describe, expect, it } from "vitest";
import {
  conv1d,
  conv2d,
  conv3d,
  convTranspose1d,
  convTranspose2d,
  convTranspose3d,
  getThreads,
  randn,
  registerBackend,
  referenceBackend,
  setThreads,
  Tensor,
  zeros,
  type CallOptions,
} from "../src/index.js";

/** A tensor of `shape` filled with NaN: every element the op fails to write stays NaN. */
const garbage = (shape: readonly number[]) =>
  new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(Number.NaN), shape);

type Op = (x: Tensor, w: Tensor, b: Tensor | null, o: CallOptions & Record<string, unknown>) => Tensor;
const cases: Array<[string, Op, number[], number[], Record<string, unknown>]> = [
  ["conv1d", conv1d as Op, [2, 4, 19], [6, 2, 3], { padding: 1, groups: 2 }],
  ["conv2d", conv2d as Op, [1, 8, 12, 13], [8, 1, 3, 3], { padding: 1, groups: 8 }],
  ["conv2d reflect", conv2d as Op, [1, 3, 9, 9], [5, 3, 3, 3], { padding: 1, paddingMode: "reflect" }],
  ["conv3d", conv3d as Op, [1, 3, 5, 6, 7], [4, 3, 2, 3, 3], { stride: [1, 2, 1] }],
  ["convTranspose1d", convTranspose1d as Op, [1, 3, 10], [3, 2, 4], { stride: 3, padding: 1 }],
  [
    "convTranspose2d (sub-pixel)",
    convTranspose2d as Op,
    [2, 6, 7, 8],
    [6, 4, 4, 4],
    { stride: 2, padding: 1, outputPadding: 1 },
  ],
  ["convTranspose2d stride 1", convTranspose2d as Op, [1, 4, 6, 6], [4, 3, 3, 3], { padding: 1 }],
  ["convTranspose3d", convTranspose3d as Op, [1, 2, 3, 4, 5], [2, 3, 2, 2, 3], { stride: [1, 2, 2] }],
];

describe("out: the result is written into the given tensor", () => {
  for (const backend of ["wasm", "reference"]) {
    for (const [name, op, xs, ws, options] of cases) {
      it(`${name} on ${backend}: returns out itself, equal to a fresh result`, () => {
        const x = randn(xs, { seed: 1 }),
          w = randn(ws, { seed: 2 });
        const fresh = op(x, w, null, { ...options, backend });
        const out = garbage(fresh.shape);
        const data = out.data;
        const y = op(x, w, null, { ...options, backend, out });
        expect(y).toBe(out);
        expect(y.data).toBe(data);
        expect(Array.from(y.data)).toEqual(Array.from(fresh.data));
      });
    }
  }

  it("on worker threads (a call large enough to split), bitwise equal to a fresh result", () => {
    const threads = getThreads();
    try {
      setThreads(2);
      const x = randn([1, 32, 30, 30], { seed: 3 }),
        w = randn([32, 32, 3, 3], { seed: 4 }),
        b = randn([32], { seed: 5 });
      const fresh = conv2d(x, w, b, { padding: 1 });
      const out = garbage(fresh.shape);
      expect(conv2d(x, w, b, { padding: 1, out })).toBe(out);
      expect(out.data).toEqual(fresh.data);
      const t = convTranspose2d(x, w, b, { stride: 2, padding: 1 });
      const tOut = garbage(t.shape);
      convTranspose2d(x, w, b, { stride: 2, padding: 1, out: tOut });
      expect(tOut.data).toEqual(t.data);
    } finally {
      setThreads(threads);
    }
  });

  it("a registered backend that ignores out still fills it", () => {
    registerBackend({
      name: "test-own-array",
      conv: (...a) => referenceBackend.conv(a[0], a[1], a[2], a[3]),
      convTranspose: (...a) => referenceBackend.convTranspose(a[0], a[1], a[2], a[3]),
    });
    const x = randn([1, 2, 5, 5], { seed: 6 }),
      w = randn([3, 2, 3, 3], { seed: 7 });
    const out = garbage([1, 3, 3, 3]);
    expect(conv2d(x, w, null, { backend: "test-own-array", out })).toBe(out);
    expect(out.data).toEqual(conv2d(x, w, null, { backend: "reference" }).data);
  });
});

describe("out: bad arguments are refused before any compute", () => {
  const x = randn([1, 4, 6, 6], { seed: 8 }),
    w = randn([4, 4, 1, 1], { seed: 9 });
  afterAll(() => undefined);

  it("a shape other than the output's", () => {
    expect(() => conv2d(x, w, null, { out: zeros([1, 4, 6, 5]) })).toThrow(
      /^conv2d: out has shape \[1, 4, 6, 5\] but the output is \[1, 4, 6, 6\]$/,
    );
    expect(() =>
      convTranspose1d(randn([1, 2, 4]), randn([2, 3, 3]), null, { stride: 2, out: zeros([1, 3, 8]) }),
    ).toThrow(/^convTranspose1d: out has shape \[1, 3, 8\] but the output is \[1, 3, 9\]$/);
  });

  it("memory shared with the input, the weight or the bias", () => {
    expect(() => conv2d(x, w, null, { out: x })).toThrow(
      /^conv2d: out shares memory with the input \[1, 4, 6, 6\]; pass a separate tensor$/,
    );
    const big = new Float32Array(200);
    const w2 = new Tensor(big.subarray(0, 16), [4, 4, 1, 1]);
    const out = new Tensor(big.subarray(10, 154), [1, 4, 6, 6]);
    expect(() => conv2d(x, w2, null, { out })).toThrow(
      /^conv2d: out shares memory with the weight \[4, 4, 1, 1\]; pass a separate tensor$/,
    );
    const b = new Tensor(big.subarray(154, 158), [4]);
    const out2 = new Tensor(big.subarray(20, 164), [1, 4, 6, 6]);
    expect(() => conv2d(x, w, b, { out: out2 })).toThrow(
      /^conv2d: out shares memory with the bias \[4\]; pass a separate tensor$/,
    );
    // adjacent views of one buffer do not overlap: allowed
    const out3 = new Tensor(big.subarray(16, 160), [1, 4, 6, 6]);
    expect(conv2d(x, w2, null, { out: out3 })).toBe(out3);
  });

  it("something other than a Tensor", () => {
    expect(() => conv2d(x, w, null, { out: new Float32Array(144) as unknown as Tensor })).toThrow(
      /^conv2d: out must be a Tensor, got Float32Array$/,
    );
  });
});
