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
import { KNOWN_FAILURES } from "./hostile/known-failures.mjs";
import { DEFAULT_SEED, formatFailures, groupFailures, superviseHostileRun } from "./hostile/supervise.mjs";
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
    "every export, given hostile arguments and options, throws a ConvError naming the op and the argument or returns the equivalent valid call's result, within a time bound and the memory of one tensor at the allocation limit",
    async () => {
      expect(existsSync(resolve(repoRoot, "lib/index.js")), "build the package first: npm run build:lib").toBe(true);
      const run = await superviseHostileRun({ seed: DEFAULT_SEED, runs: RUNS, budgetMs: BUDGET_MS });
      expect(run.end, "the runner did not finish").not.toBeNull();
      const known = new Set(KNOWN_FAILURES.map((k) => k.key));
      const groups = groupFailures(run.failures).map((g) => g.key);
      const unexpected = run.failures.filter((f) => !known.has(groupFailures([f])[0]!.key));
      if (unexpected.length > 0) console.log(formatFailures({ ...run, failures: unexpected }));
      expect(
        unexpected.length,
        `${unexpected.length} hostile calls broke the contract (seed ${run.seed}); reproduce with node test/hostile/supervise.mjs --seed ${run.seed} --runs ${run.runs}`,
      ).toBe(0);
      const fixed = KNOWN_FAILURES.filter((k) => !groups.includes(k.key)).map((k) => k.key);
      expect(fixed, "known failures that no longer occur: delete them from test/hostile/known-failures.mjs").toEqual(
        [],
      );
    },
    BUDGET_MS + 30_000,
  );
});
