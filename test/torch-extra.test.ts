/** Pooling, pad, channel shuffle, conv_transpose3d and conv3d padding modes against PyTorch (test/fixtures, made by scripts/torch-extra-fixtures.py). */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  avgPool1d,
  avgPool2d,
  channelShuffle,
  conv3d,
  convTranspose3d,
  maxPool1d,
  maxPool2d,
  pad,
  Tensor,
  type PadMode,
} from "../src/index.js";
import { expectClose, repoRoot } from "./helpers.js";

interface ExtraCase {
  op: string;
  input_shape: number[];
  input: number[];
  output_shape: number[];
  output: number[];
  [key: string]: unknown;
}

const { cases } = JSON.parse(readFileSync(resolve(repoRoot, "test/fixtures/torch-extra-cases.json"), "utf8")) as {
  cases: ExtraCase[];
};

function run(c: ExtraCase): Tensor {
  const x = Tensor.from(c.input, c.input_shape);
  const n = (key: string) => c[key] as number[];
  const pool = {
    kernelSize: n("kernel_size"),
    stride: n("stride"),
    padding: n("padding"),
    ceilMode: c.ceil_mode as boolean,
  } as never;
  switch (c.op) {
    case "max_pool1d":
      return maxPool1d(x, { ...(pool as object), dilation: n("dilation") } as never);
    case "max_pool2d":
      return maxPool2d(x, { ...(pool as object), dilation: n("dilation") } as never);
    case "avg_pool1d":
      return avgPool1d(x, { ...(pool as object), countIncludePad: c.count_include_pad as boolean } as never);
    case "avg_pool2d":
      return avgPool2d(x, { ...(pool as object), countIncludePad: c.count_include_pad as boolean } as never);
    case "pad":
      return pad(x, n("pads"), c.mode as PadMode);
    case "channel_shuffle":
      return channelShuffle(x, c.groups as number);
    case "conv_transpose3d":
      return convTranspose3d(
        x,
        Tensor.from(n("weight"), n("weight_shape")),
        Tensor.from(n("bias"), [n("bias").length]),
        {
          stride: n("stride"),
          padding: n("padding"),
          outputPadding: n("output_padding"),
          dilation: n("dilation"),
          groups: c.groups,
        } as never,
      );
    case "conv3d":
      return conv3d(x, Tensor.from(n("weight"), n("weight_shape")), null, {
        padding: n("padding"),
        paddingMode: c.padding_mode,
      } as never);
    default:
      throw new Error(`unknown op ${c.op}`);
  }
}

const label = (c: ExtraCase) =>
  `${c.op}${c.mode ? ` mode=${String(c.mode)}` : ""}${c.padding_mode ? ` mode=${String(c.padding_mode)}` : ""} x=${JSON.stringify(c.input_shape)}` +
  (c.kernel_size
    ? ` k=${JSON.stringify(c.kernel_size)} s=${JSON.stringify(c.stride)} p=${JSON.stringify(c.padding)} d=${JSON.stringify(c.dilation)}${c.ceil_mode ? " ceil" : ""}${c.count_include_pad === false ? " exclude-pad" : ""}`
    : "") +
  (c.pads ? ` pads=${JSON.stringify(c.pads)}` : "") +
  (c.groups ? ` g=${String(c.groups)}` : "");

describe("PyTorch fixtures for pooling, pad, channel shuffle and 3-D convs", () => {
  it("covers every op", () => {
    expect(new Set(cases.map((c) => c.op))).toEqual(
      new Set([
        "max_pool1d",
        "max_pool2d",
        "avg_pool1d",
        "avg_pool2d",
        "pad",
        "channel_shuffle",
        "conv_transpose3d",
        "conv3d",
      ]),
    );
  });

  it.each(cases.map((c) => [label(c), c] as const))("%s", (_, c) => {
    const y = run(c);
    expect(y.shape).toEqual(c.output_shape);
    expectClose(y, c.output, { rtol: 1e-4, atol: 1e-5 });
  });
});
