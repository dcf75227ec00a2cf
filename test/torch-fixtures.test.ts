import { describe, expect, it } from "vitest";
import { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, type Module } from "../src/index.js";
import { expectClose, loadTorchCases, runTorchCase, type TorchCase } from "./helpers.js";

/** The layer PyTorch would build for the case's weight, to count its parameters. */
function layerFor(c: TorchCase): Module {
  const transposed = c.op.startsWith("conv_transpose");
  const inChannels = transposed ? c.weight_shape[0]! : c.weight_shape[1]! * c.groups;
  const outChannels = transposed ? c.weight_shape[1]! * c.groups : c.weight_shape[0]!;
  const kernel = c.weight_shape.slice(2) as [number];
  const options = { groups: c.groups, bias: c.bias !== null };
  const Layer = {
    conv1d: Conv1d,
    conv2d: Conv2d,
    conv3d: Conv3d,
    conv_transpose1d: ConvTranspose1d,
    conv_transpose2d: ConvTranspose2d,
  }[c.op] as typeof Conv1d;
  return new Layer(inChannels, outChannels, kernel, options);
}

const cases = loadTorchCases();

describe("PyTorch 1.13 fixtures (../shared/fixtures/torch-conv-cases.json)", () => {
  it("holds the 80 cases the README describes", () => {
    expect(cases.length).toBe(80);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const y = runTorchCase(c, "reference"); // the oracle; test/wasm-fixtures.test.ts runs the wasm backend
    expect(y.shape).toEqual(c.output_shape);
    expectClose(y, c.output, { rtol: 1e-4, atol: 1e-5 });
    expect(layerFor(c).numParameters()).toBe(c.params);
  });
});
