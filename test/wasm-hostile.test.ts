/**
 * Hostile but valid calls on the wasm backend: huge strides give PyTorch's answer quickly and
 * without memory sized by the stride; a NaN or an infinity in a transposed conv's weight or input
 * reaches only the outputs PyTorch's definition multiplies it into (values from PyTorch 1.13,
 * torch.nn.functional.conv_transpose*d).
 */
import { describe, expect, it } from "vitest";
import {
  conv1d,
  conv2d,
  convTranspose1d,
  convTranspose2d,
  convTranspose3d,
  ones,
  randn,
  Tensor,
  wasmAvailable,
  wasmMemoryBytes,
} from "../src/index.js";

const wasm = { backend: "wasm" } as const;

/** Runs f, expecting it to finish within `ms` milliseconds. */
function quick<T>(ms: number, f: () => T): T {
  const start = performance.now();
  const result = f();
  expect(performance.now() - start).toBeLessThan(ms);
  return result;
}

describe.skipIf(!wasmAvailable())("the wasm backend on huge strides", () => {
  it("conv2d(x, w, null, { stride: 4096 }) grows the memory by what the call needs, not by the stride", () => {
    // the prepped input used to hold stride^2 phases per channel: 512 MiB for these 8 outputs
    const before = wasmMemoryBytes();
    const y = conv2d(ones([1, 8, 1, 1]), ones([8, 8, 1, 1]), null, { stride: 4096, ...wasm });
    expect(Array.from(y.data)).toEqual(Array(8).fill(8));
    expect(wasmMemoryBytes() - before).toBeLessThan(2 ** 20);
  });

  it("conv1d/conv2d with stride 2**31 give PyTorch's answer (one output, the stride never steps)", () => {
    expect(Array.from(conv1d(ones([1, 1, 1]), ones([1, 1, 1]), null, { stride: 2 ** 31, ...wasm }).data)).toEqual([1]);
    const y = conv2d(ones([1, 2, 3, 3]), ones([1, 2, 2, 2]), null, { stride: [2 ** 31, 1], ...wasm });
    expect(y.shape).toEqual([1, 1, 1, 2]);
    expect(Array.from(y.data)).toEqual([8, 8]);
  });

  it("convTranspose1d/2d/3d with strides 1e8, 1e5, 1e4 on one input value finish within a second, in little memory", () => {
    const before = wasmMemoryBytes();
    const y1 = quick(1000, () => convTranspose1d(ones([1, 1, 1]), ones([1, 1, 3]), null, { stride: 1e8, ...wasm }));
    expect(Array.from(y1.data)).toEqual([1, 1, 1]);
    const y2 = quick(1000, () =>
      convTranspose2d(ones([1, 1, 1, 1]), ones([1, 1, 3, 3]), null, { stride: 1e5, ...wasm }),
    );
    expect(Array.from(y2.data)).toEqual(Array(9).fill(1));
    const y3 = quick(1000, () =>
      convTranspose3d(ones([1, 1, 1, 1, 1]), ones([1, 1, 3, 3, 3]), null, { stride: 1e4, ...wasm }),
    );
    expect(Array.from(y3.data)).toEqual(Array(27).fill(1));
    const y4 = quick(1000, () => convTranspose1d(ones([1, 1, 1]), ones([1, 1, 3]), null, { stride: 2 ** 31, ...wasm }));
    expect(Array.from(y4.data)).toEqual([1, 1, 1]);
    expect(wasmMemoryBytes() - before).toBeLessThan(2 ** 20);
  });

  it("convTranspose1d with stride 1e4 over two inputs: the outputs no tap reaches are the bias", () => {
    const y = quick(1000, () =>
      convTranspose1d(ones([1, 1, 2]), ones([1, 1, 3]), new Tensor(new Float32Array([0.5]), [1]), {
        stride: 1e4,
        ...wasm,
      }),
    );
    expect(y.shape).toEqual([1, 1, 1e4 + 3]);
    const expected = new Float32Array(1e4 + 3).fill(0.5);
    for (const o of [0, 1, 2, 1e4, 1e4 + 1, 1e4 + 2]) expected[o] = 1.5;
    expect(y.data).toEqual(expected);
  });
});

/** weight of ones with one tap set to `value`. */
function weightWith(shape: number[], tap: number[], value: number): Tensor {
  const w = ones(shape);
  let at = 0;
  for (let i = 0; i < shape.length; i++) at = at * shape[i]! + tap[i]!;
  w.data[at] = value;
  return w;
}

/** ones of `shape` with flat element `at` set to `value`. */
function inputWith(shape: number[], at: number, value: number): Tensor {
  const x = ones(shape);
  x.data[at] = value;
  return x;
}
const ZERO_TAP = new Tensor(new Float32Array([1, 0, 2]), [1, 1, 3]);

const nan = NaN,
  inf = Infinity;
/** [description, call, PyTorch's output] */
const NON_FINITE_CASES: [string, (backend: string) => Tensor, number[]][] = [
  [
    "1-D stride 2, NaN at tap 0",
    (backend) => convTranspose1d(ones([1, 1, 4]), weightWith([1, 1, 3], [0, 0, 0], nan), null, { stride: 2, backend }),
    [nan, 1, nan, 1, nan, 1, nan, 1, 1],
  ],
  [
    "1-D stride 2, NaN at tap 2",
    (backend) => convTranspose1d(ones([1, 1, 4]), weightWith([1, 1, 3], [0, 0, 2], nan), null, { stride: 2, backend }),
    [1, 1, nan, 1, nan, 1, nan, 1, nan],
  ],
  [
    "1-D stride 2 padding 1, Infinity at tap 0",
    (backend) =>
      convTranspose1d(ones([1, 1, 4]), weightWith([1, 1, 3], [0, 0, 0], inf), null, { stride: 2, padding: 1, backend }),
    [1, inf, 1, inf, 1, inf, 1],
  ],
  [
    "1-D stride 3 kernel 2, NaN at tap 1",
    (backend) => convTranspose1d(ones([1, 1, 4]), weightWith([1, 1, 2], [0, 0, 1], nan), null, { stride: 3, backend }),
    [1, nan, 0, 1, nan, 0, 1, nan, 0, 1, nan],
  ],
  [
    "1-D stride 1, NaN at tap 0",
    (backend) => convTranspose1d(ones([1, 1, 4]), weightWith([1, 1, 3], [0, 0, 0], nan), null, { backend }),
    [nan, nan, nan, nan, 2, 1],
  ],
  [
    "1-D stride 1 padding 1, Infinity at tap 2",
    (backend) => convTranspose1d(ones([1, 1, 4]), weightWith([1, 1, 3], [0, 0, 2], inf), null, { padding: 1, backend }),
    [2, inf, inf, inf],
  ],
  [
    "2-D stride 2, NaN at tap (0, 0)",
    (backend) =>
      convTranspose2d(ones([1, 1, 3, 3]), weightWith([1, 1, 3, 3], [0, 0, 0, 0], nan), null, { stride: 2, backend }),
    [
      nan,
      1,
      nan,
      1,
      nan,
      1,
      1,
      1,
      1,
      2,
      1,
      2,
      1,
      1,
      nan,
      2,
      nan,
      2,
      nan,
      2,
      2,
      1,
      1,
      2,
      1,
      2,
      1,
      1,
      nan,
      2,
      nan,
      2,
      nan,
      2,
      2,
      1,
      1,
      2,
      1,
      2,
      1,
      1,
      1,
      1,
      2,
      1,
      2,
      1,
      1,
    ],
  ],
  [
    "2-D stride (2, 1) padding (1, 0), Infinity at tap (2, 1)",
    (backend) =>
      convTranspose2d(ones([1, 1, 3, 3]), weightWith([1, 1, 3, 3], [0, 0, 2, 1], inf), null, {
        stride: [2, 1],
        padding: [1, 0],
        backend,
      }),
    [1, 2, 3, 2, 1, 2, inf, inf, inf, 2, 1, 2, 3, 2, 1, 2, inf, inf, inf, 2, 1, 2, 3, 2, 1],
  ],
  [
    "3-D stride 1, -Infinity at tap (1, 1, 1)",
    (backend) =>
      convTranspose3d(ones([1, 1, 2, 2, 2]), weightWith([1, 1, 2, 2, 2], [0, 0, 1, 1, 1], -inf), null, { backend }),
    [1, 2, 1, 2, 4, 2, 1, 2, 1, 2, 4, 2, 4, -inf, -inf, 2, -inf, -inf, 1, 2, 1, 2, -inf, -inf, 1, -inf, -inf],
  ],
  [
    "1-D stride 2, Infinity in the input, a zero tap",
    (backend) => convTranspose1d(inputWith([1, 1, 4], 1, inf), ZERO_TAP, null, { stride: 2, backend }),
    [1, 0, inf, nan, inf, 0, 3, 0, 2],
  ],
  [
    "1-D stride 1 padding 1, Infinity in the input, a zero tap",
    (backend) => convTranspose1d(inputWith([1, 1, 4], 1, inf), ZERO_TAP, null, { padding: 1, backend }),
    [inf, nan, inf, 2],
  ],
];

describe("convTranspose with a NaN or an infinity in the weight or the input", () => {
  for (const backend of ["reference", "wasm"]) {
    describe.skipIf(backend === "wasm" && !wasmAvailable())(`on the ${backend} backend`, () => {
      for (const [name, call, expected] of NON_FINITE_CASES) {
        it(`${name}: NaN and infinities only where PyTorch has them`, () => {
          expect(Array.from(call(backend).data)).toEqual(expected);
        });
      }
    });
  }
});

describe("transposed convolutions with a stride past 2^53", () => {
  it.skipIf(!wasmAvailable())(
    "convTranspose1d/2d/3d with stride 1e308 on a size-1 input give the reference backend's result (the phase arithmetic stays exact)",
    () => {
      const cases = [
        [convTranspose1d, [1, 4, 1], [4, 3, 3]],
        [convTranspose2d, [1, 4, 1, 1], [4, 3, 3, 3]],
        [convTranspose3d, [1, 4, 1, 1, 1], [4, 3, 3, 3, 3]],
      ] as const;
      for (const [op, xShape, wShape] of cases) {
        const x = randn([...xShape], { seed: 1 });
        const w = randn([...wShape], { seed: 2 });
        const run = (backend: "wasm" | "reference") =>
          Array.from((op as typeof convTranspose1d)(x, w, null, { groups: 2, stride: 1e308, backend } as never).data);
        const expected = run("reference");
        expect(
          run("wasm")
            .map((v, i) => Math.abs(v - expected[i]!))
            .every((d) => d < 1e-5),
        ).toBe(true);
        expect(
          expected.every(
            (v, i) =>
              Math.abs(
                v -
                  Array.from(
                    (op as typeof convTranspose1d)(x, w, null, { groups: 2, backend: "reference" } as never).data,
                  )[i]!,
              ) < 1e-5,
          ),
        ).toBe(true);
      }
    },
  );
});
