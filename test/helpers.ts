import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { conv1d, conv2d, conv3d, ConvError, convTranspose1d, convTranspose2d, Tensor } from "../src/index.js";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The PyTorch cases in ../shared/fixtures (CI lays shared/ beside the clone). Fails if missing. */
export interface TorchCase {
  name: string;
  op: "conv1d" | "conv2d" | "conv3d" | "conv_transpose1d" | "conv_transpose2d";
  input_shape: number[];
  input: number[];
  weight_shape: number[];
  weight: number[];
  bias: number[] | null;
  stride: number[];
  padding: number[] | "same" | "valid";
  dilation: number[];
  groups: number;
  padding_mode: "zeros" | "reflect" | "replicate" | "circular";
  output_padding?: number[];
  output_shape: number[];
  output: number[];
  params: number;
  macs: number;
}

export const fixturesPath = resolve(repoRoot, "../shared/fixtures/torch-conv-cases.json");

export function loadTorchCases(): TorchCase[] {
  if (!existsSync(fixturesPath))
    throw new Error(
      `PyTorch fixtures not found at ${fixturesPath}; they live in ../shared/fixtures beside the repository`,
    );
  return (JSON.parse(readFileSync(fixturesPath, "utf8")) as { cases: TorchCase[] }).cases;
}

/** Elementwise |actual - expected| <= atol + rtol |expected|, reporting the worst element. */
export function expectClose(
  actual: Tensor | Float32Array | number[],
  expected: ArrayLike<number>,
  { rtol = 1e-4, atol = 1e-5 } = {},
): void {
  const a = actual instanceof Tensor ? actual.data : actual;
  expect(a.length).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = expected[i]!;
    if (Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y))) continue;
    const excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess)) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0)
    expect.fail(`element ${worst}: ${a[worst]} differs from ${expected[worst]} beyond rtol ${rtol} + atol ${atol}`);
}

/** Runs one PyTorch case through convkit's functional op, on the active backend or the one named. */
export function runTorchCase(c: TorchCase, backend?: string): Tensor {
  const x = Tensor.from(c.input, c.input_shape);
  const w = Tensor.from(c.weight, c.weight_shape);
  const b = c.bias ? Tensor.from(c.bias, [c.bias.length]) : null;
  const common = { stride: c.stride, dilation: c.dilation, groups: c.groups, ...(backend ? { backend } : {}) } as const;
  switch (c.op) {
    case "conv1d":
    case "conv2d":
    case "conv3d": {
      const f = { conv1d, conv2d, conv3d }[c.op] as typeof conv3d;
      return f(x, w, b, { ...common, padding: c.padding, paddingMode: c.padding_mode } as unknown as Parameters<
        typeof conv3d
      >[3]);
    }
    case "conv_transpose1d":
    case "conv_transpose2d": {
      const f = (c.op === "conv_transpose1d" ? convTranspose1d : convTranspose2d) as typeof convTranspose2d;
      return f(x, w, b, {
        ...common,
        padding: c.padding as number[],
        outputPadding: c.output_padding,
      } as unknown as Parameters<typeof convTranspose2d>[3]);
    }
  }
}

/** Runs fn, expecting a ConvError whose message matches `message`. */
export function expectConvError(fn: () => unknown, message: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected a ConvError matching ${message}`).toBeInstanceOf(ConvError);
  expect((thrown as Error).message).toMatch(message);
}
