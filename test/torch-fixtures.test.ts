import { describe, expect, it } from "vitest";
import { Conv1d, conv1d, Conv2d, conv2d, Conv3d, conv3d, ConvTranspose1d, convTranspose1d, ConvTranspose2d, convTranspose2d, Tensor, type Module } from "../src/index.js";
import { expectClose, loadTorchCases, type TorchCase } from "./helpers.js";

/** Runs one PyTorch case through convkit's functional op. */
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
      return f(x, w, b, { ...common, padding: c.padding, paddingMode: c.padding_mode } as unknown as Parameters<typeof conv3d>[3]);
    }
    case "conv_transpose1d":
    case "conv_transpose2d": {
      const f = (c.op === "conv_transpose1d" ? convTranspose1d : convTranspose2d) as typeof convTranspose2d;
      return f(x, w, b, { ...common, padding: c.padding as number[], outputPadding: c.output_padding } as unknown as Parameters<typeof convTranspose2d>[3]);
    }
  }
}

/** The layer PyTorch would build for the case's weight, to count its parameters. */
function layerFor(c: TorchCase): Module {
  const transposed = c.op.startsWith("conv_transpose");
  const inChannels = transposed ? c.weight_shape[0]! : c.weight_shape[1]! * c.groups;
  const outChannels = transposed ? c.weight_shape[1]! * c.groups : c.weight_shape[0]!;
  const kernel = c.weight_shape.slice(2) as [number];
  const options = { groups: c.groups, bias: c.bias !== null };
  const Layer = { conv1d: Conv1d, conv2d: Conv2d, conv3d: Conv3d, conv_transpose1d: ConvTranspose1d, conv_transpose2d: ConvTranspose2d }[c.op] as typeof Conv1d;
  return new Layer(inChannels, outChannels, kernel, options);
}

const cases = loadTorchCases();

describe("PyTorch 1.13 fixtures (../shared/fixtures/torch-conv-cases.json)", () => {
  it("holds the 80 cases the README describes", () => {
    expect(cases.length).toBe(80);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const y = runTorchCase(c);
    expect(y.shape).toEqual(c.output_shape);
    expectClose(y, c.output, { rtol: 1e-4, atol: 1e-5 });
    expect(layerFor(c).numParameters()).toBe(c.params);
  });
});
