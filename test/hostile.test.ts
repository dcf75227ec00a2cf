/**
 * Hostile input: every exported op, layer, analysis and chart function, given a hostile argument
 * or option, throws a ConvError naming the op and the argument, or returns what the equivalent
 * valid call returns, within a time and memory bound. The calls run in a child process on the
 * built package (lib/) under test/hostile/supervise.mjs; the table of how to call each export is
 * test/hostile/descriptors.mjs. Run by hand with `node test/hostile/supervise.mjs`.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import * as convkit from "../src/index.js";
import * as charts from "../src/charts/index.js";
import { DESCRIPTORS, NO_ARGUMENTS } from "./hostile/descriptors.mjs";
import { DEFAULT_SEED, formatFailures, superviseHostileRun } from "./hostile/supervise.mjs";
import { repoRoot } from "./helpers.js";

/** Runs per fast-check property (each descriptor also gets every listed hostile value once). */
const RUNS = 10;
/** The whole run's bound; a run past it fails, naming the call it reached. */
const BUDGET_MS = 300_000;

function exportedFunctions(module: Record<string, unknown>, moduleName: string): string[] {
  return Object.entries(module)
    .filter(([, value]) => typeof value === "function")
    .map(([name]) => (moduleName === "charts" ? `charts/${name}` : name));
}

const described = new Set(DESCRIPTORS.map((d) => (d.module === "charts" ? `charts/${d.name}` : d.name)));

describe("hostile input", () => {
  it("every exported function and class of convkit and convkit/charts has a descriptor or takes no arguments", () => {
    const exported = [...exportedFunctions(convkit, "convkit"), ...exportedFunctions(charts, "charts")];
    const missing = exported.filter((name) => !described.has(name) && !NO_ARGUMENTS.includes(name));
    expect(missing, "exports without a descriptor in test/hostile/descriptors.mjs").toEqual([]);
  });

  it("the descriptor table names only exports, and NO_ARGUMENTS only exports that take no arguments", () => {
    const modules: Record<string, Record<string, unknown>> = { convkit, charts };
    const stale = DESCRIPTORS.filter((d) => typeof modules[d.module ?? "convkit"]![d.name] !== "function");
    expect(stale.map((d) => d.name)).toEqual([]);
    const notNullary = NO_ARGUMENTS.filter((name) => {
      const value = (convkit as Record<string, unknown>)[name];
      return typeof value !== "function" || value.length !== 0;
    });
    expect(notNullary).toEqual([]);
    const both = NO_ARGUMENTS.filter((name) => described.has(name));
    expect(both).toEqual([]);
  });

  it(
    "every export, given hostile arguments and options, throws a ConvError naming the op and the argument or returns the equivalent valid call's result, within 2 s and 1 GiB a call",
    async () => {
      expect(existsSync(resolve(repoRoot, "lib/index.js")), "build the package first: npm run build:lib").toBe(true);
      const run = await superviseHostileRun({ seed: DEFAULT_SEED, runs: RUNS, budgetMs: BUDGET_MS });
      if (run.failures.length > 0) console.log(formatFailures(run));
      expect(run.end, "the runner did not finish").not.toBeNull();
      expect(
        run.failures.length,
        `${run.failures.length} hostile calls broke the contract (seed ${run.seed}); reproduce with node test/hostile/supervise.mjs --seed ${run.seed} --runs ${run.runs}`,
      ).toBe(0);
    },
    BUDGET_MS + 30_000,
  );
});
