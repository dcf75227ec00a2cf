import { describe, expect, it } from "vitest";
import { alignedTable, formatBytes, formatFixed, formatThousands, markdownTable } from "../src/index.js";

describe("formatThousands", () => {
  it("formatThousands(n) groups integers and rounds fractions half up to 3 decimals", () => {
    expect([0, 999, 1000, 1048320, -1234567, 15.5, 1 / 3, 2.0005].map((n) => formatThousands(n))).toEqual([
      "0",
      "999",
      "1,000",
      "1,048,320",
      "-1,234,567",
      "15.5",
      "0.333",
      "2.001",
    ]);
  });

  it("formatThousands(n) prints NaN and infinities as String does", () => {
    expect([NaN, Infinity, -Infinity].map((n) => formatThousands(n))).toEqual(["NaN", "Infinity", "-Infinity"]);
  });
});

describe("formatFixed", () => {
  it("formatFixed(n, digits) keeps exactly `digits` decimals and groups thousands", () => {
    expect([formatFixed(1234.5, 2), formatFixed(3, 3), formatFixed(1048320, 0), formatFixed(0.12345, 1)]).toEqual([
      "1,234.50",
      "3.000",
      "1,048,320",
      "0.1",
    ]);
  });
});

describe("formatBytes", () => {
  it("formatBytes(bytes) prints whole bytes as they are and larger sizes in decimal units with 2 decimals", () => {
    expect([0, 999, 1000, 1234567, 98765432, 1.5e9, 1.2e12].map((b) => formatBytes(b))).toEqual([
      "0 B",
      "999 B",
      "1.00 kB",
      "1.23 MB",
      "98.77 MB",
      "1.50 GB",
      "1.20 TB",
    ]);
  });

  it('formatBytes(bytes, {decimals: "auto"}) keeps about three significant digits', () => {
    expect([512, 1234, 12345, 123456, 98765432].map((b) => formatBytes(b, { decimals: "auto" }))).toEqual([
      "512 B",
      "1.23 kB",
      "12.3 kB",
      "123 kB",
      "98.8 MB",
    ]);
  });

  it("formatBytes(bytes, {unit}) prints every size in that unit, as torchinfo prints MB", () => {
    expect([896, 553_432_064].map((b) => formatBytes(b, { unit: "MB" }))).toEqual(["0.00 MB", "553.43 MB"]);
  });
});

describe("alignedTable", () => {
  it("alignedTable(header, rows, align) pads each column to its widest cell, two spaces apart, trailing spaces trimmed", () => {
    expect(
      alignedTable(
        ["layer", "MACs", "note"],
        [
          ["conv1", "86,704,128", "3x3"],
          ["fc", "4,096", ""],
        ],
        ["left", "right"],
      ),
    ).toEqual(["layer        MACs  note", "conv1  86,704,128  3x3", "fc          4,096"]);
  });
});

describe("markdownTable", () => {
  it("markdownTable(header, rows, align) writes the header, a rule with ---: for right-aligned columns, and the rows", () => {
    expect(markdownTable(["layer", "MACs"], [["conv1", "86,704,128"]], ["left", "right"])).toEqual([
      "| layer | MACs |",
      "| --- | ---: |",
      "| conv1 | 86,704,128 |",
    ]);
  });
});

describe("hostile input to the formatters", () => {
  it("formatFixed(n, digits) refuses a non-finite n and digits outside 0..20 with a ConvError, not a RangeError", () => {
    expect(() => formatFixed(NaN, 2)).toThrow(/^formatFixed: n must be a finite number, got NaN$/);
    expect(() => formatFixed(1, 21)).toThrow(/^formatFixed: digits must be at most 20, got 21$/);
    expect(() => formatFixed(1, Symbol("d") as never)).toThrow(
      /^formatFixed: digits must be an integer >= 0, got Symbol\(d\)$/,
    );
  });

  it("formatBytes(bytes, options) checks bytes, its option keys, decimals and unit", () => {
    expect(() => formatBytes(2n as never)).toThrow(/^formatBytes: bytes must be a finite number, got 2n$/);
    expect(() => formatBytes(1, { decimal: 2 } as never)).toThrow(
      /^formatBytes: unknown option "decimal"; did you mean "decimals"\?/,
    );
    expect(() => formatBytes(1, { decimals: Infinity })).toThrow(
      /^formatBytes: decimals must be an integer >= 0, got Infinity$/,
    );
    expect(() => formatBytes(1, { unit: "KB" as never })).toThrow(/^formatBytes: unknown unit "KB"/);
    expect(() => formatBytes(1, null as never)).toThrow(/^formatBytes: options must be an object/);
  });

  it("alignedTable and markdownTable refuse a header, rows or align that are not arrays of strings", () => {
    expect(() => alignedTable(NaN as never, [])).toThrow(/^alignedTable: header must be an array of strings, got NaN$/);
    expect(() => alignedTable(["a", "b"], [["1"]])).toThrow(/^alignedTable: rows\[0\] must be an array of 2 strings/);
    expect(() => markdownTable(["a"], NaN as never)).toThrow(/^markdownTable: rows must be an array/);
    expect(() => markdownTable(["a"], [], ["center"] as never)).toThrow(
      /^markdownTable: align must be an array of "left" and "right"/,
    );
    expect(alignedTable(["a", "b"], [])).toEqual(["a  b"]);
  });
});

describe("formatThousands with hostile input", () => {
  it("formatThousands(n) refuses what is not a number (NaN and the infinities still print)", () => {
    expect(() => formatThousands("1" as never)).toThrow(/^formatThousands: n must be a number, got "1"$/);
    expect(formatThousands(Infinity)).toBe("Infinity");
  });
});
