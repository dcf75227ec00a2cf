// src/core/validate.ts: the argument checks every export shares.
import { describe, expect, it } from "vitest";
import { ConvError } from "../src/index.js";
import {
  checkBoolean,
  checkFiniteNumber,
  checkInteger,
  checkNonEmptyArray,
  checkOneOf,
  checkOptions,
  checkPositiveInteger,
  closestKey,
  formatValue,
} from "../src/core/validate.js";

const CONV = ["stride", "padding", "dilation", "groups", "paddingMode", "backend", "out"];

describe("checkOptions(op, options, allowed)", () => {
  it("returns {} for undefined and the object itself when every key is allowed", () => {
    expect(checkOptions("conv2d", undefined, CONV)).toEqual({});
    const o = { stride: 2 };
    expect(checkOptions("conv2d", o, CONV)).toBe(o);
  });

  it("refuses an unknown key, naming the op and the key and listing what the op takes", () => {
    expect(() => checkOptions("conv2d", { foo: 1 }, CONV)).toThrow(
      /^conv2d: unknown option "foo"; conv2d takes stride, padding, dilation, groups, paddingMode, backend, out$/,
    );
  });

  it.each([
    ["paddding", "padding"],
    ["dilaton", "dilation"],
    ["group", "groups"],
    ["padding_mode", "paddingMode"],
    ["paddingmode", "paddingMode"],
    ["Stride", "stride"],
  ])("suggests the closest valid key: %s -> %s", (key, guess) => {
    expect(() => checkOptions("conv2d", { [key]: 1 }, CONV)).toThrow(
      new RegExp(`unknown option "${key}"; did you mean "${guess}"\\?`),
    );
  });

  it("refuses null, arrays, numbers and typed arrays as the options object", () => {
    for (const bad of [null, [], 3, "stride", new Float32Array(2)]) {
      expect(() => checkOptions("conv2d", bad as never, CONV)).toThrow(ConvError);
    }
  });
});

describe("closestKey(key, allowed)", () => {
  it("maps PyTorch's snake_case to camelCase and gives nothing for a key far from every option", () => {
    expect(closestKey("count_include_pad", ["ceilMode", "countIncludePad"])).toBe("countIncludePad");
    expect(closestKey("output_padding", ["padding", "outputPadding"])).toBe("outputPadding");
    expect(closestKey("zzzzzz", CONV)).toBeUndefined();
  });

  it("suggests the one key that a short key abbreviates, and none when several share the prefix", () => {
    expect(closestKey("input", ["name", "inputShape", "layers"])).toBe("inputShape");
    expect(closestKey("pad", ["padding", "paddingMode"])).toBeUndefined();
  });
});

describe("formatValue(value)", () => {
  it("never throws: BigInt, Symbol, functions, cyclic objects, NaN", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(formatValue(10n)).toBe("10n");
    expect(formatValue(Symbol("s"))).toBe("Symbol(s)");
    expect(formatValue(function f() {})).toBe("function f");
    expect(formatValue(cyclic)).toMatch(/object/);
    expect(formatValue(NaN)).toBe("NaN");
    expect(formatValue({ a: [1, Infinity] })).toBe('{"a":[1,"Infinity"]}');
  });

  it("shortens long values to about 100 characters", () => {
    expect(formatValue("x".repeat(500)).length).toBeLessThanOrEqual(100);
  });
});

describe("scalar checks", () => {
  it("checkBoolean refuses truthy strings and numbers", () => {
    expect(checkBoolean("op", "bias", false)).toBe(false);
    expect(() => checkBoolean("AvgPool2d", "ceilMode", 1)).toThrow(
      /^AvgPool2d: ceilMode must be true or false, got 1$/,
    );
    expect(() => checkBoolean("Conv2d", "bias", "false")).toThrow(/bias must be true or false, got "false"/);
  });

  it("checkInteger, checkPositiveInteger, checkFiniteNumber and checkOneOf name the argument", () => {
    expect(() => checkInteger("flatten", "startDim", 1.5)).toThrow(/^flatten: startDim must be an integer, got 1.5$/);
    expect(() => checkPositiveInteger("Conv2d", "groups", 0)).toThrow(/groups must be a positive integer, got 0/);
    expect(() => checkPositiveInteger("Conv2d", "groups", 2n)).toThrow(/got 2n/);
    expect(() => checkFiniteNumber("rand", "seed", NaN)).toThrow(/seed must be a finite number, got NaN/);
    expect(() => checkFiniteNumber("BatchNorm2d", "momentum", 2, { min: 0, max: 1 })).toThrow(/in \[0, 1\], got 2/);
    expect(checkOneOf("pad", "mode", "reflect", ["reflect", "constant"])).toBe("reflect");
    expect(() => checkOneOf("pad", "mode", "mirror", ["reflect", "constant"])).toThrow(
      /^pad: unknown mode "mirror"; expected one of "reflect", "constant"$/,
    );
  });
});

describe("checkNonEmptyArray(op, name, value, items)", () => {
  it("names the argument and what it holds", () => {
    expect(() => checkNonEmptyArray("costBars", "data", NaN, "variants")).toThrow(
      /^costBars: data must be a non-empty array of variants, got NaN$/,
    );
    expect(() => checkNonEmptyArray("costBars", "data", [], "variants")).toThrow(ConvError);
    expect(() => checkNonEmptyArray("costBars", "data", [1], "variants")).not.toThrow();
  });
});
