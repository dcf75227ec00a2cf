/**
 * The parameter block has one definition (src/kernels/wasm-params.ts): the kernels' view of it,
 * assembly/params.ts, is generated from it by scripts/build-wasm.mjs and must not drift.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONTROL_OFFSET, PARAMS_OFFSET } from "../src/kernels/wasm-engine.js";
import { Param, assemblyParamsSource, paramLayout } from "../src/kernels/wasm-params.js";

describe("the wasm parameter block", () => {
  it("assembly/params.ts is what scripts/build-wasm.mjs generates from src/kernels/wasm-params.ts", () => {
    const committed = readFileSync(new URL("../assembly/params.ts", import.meta.url), "utf8");
    expect(committed).toBe(assemblyParamsSource());
  });

  it("Param numbers the fields in table order, a per-dimension field's D, H, W consecutively", () => {
    const names = paramLayout().map(([name]) => name);
    expect(names.map((name) => Param[name])).toEqual(names.map((_, i) => i));
    for (const d of ["K", "D", "S", "O", "Q", "I", "P", "T0", "ST", "K0"] as const) {
      expect([Param[`${d}H`] - Param[`${d}D`], Param[`${d}W`] - Param[`${d}D`]]).toEqual([1, 2]);
    }
  });

  it("the block fits between PARAMS_OFFSET and the thread control words", () => {
    expect(PARAMS_OFFSET + 4 * paramLayout().length).toBeLessThanOrEqual(CONTROL_OFFSET);
  });

  it("every field the kernels read is declared in the table", () => {
    const kernels = readFileSync(new URL("../assembly/convkit.ts", import.meta.url), "utf8");
    const read = new Set([...kernels.matchAll(/\bP\.([A-Z][A-Z0-9]*)\b/g)].map((m) => m[1]!));
    const declared = new Set(paramLayout().map(([name]) => name as string));
    expect([...read].filter((name) => !declared.has(name))).toEqual([]);
  });
});
