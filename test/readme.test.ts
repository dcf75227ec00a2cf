/** The README's runnable example and the tutorial script run as a user would run them. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./helpers.js";

describe("README", () => {
  it("the API overview's example runs against the built package and prints ok", () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## API overview"));
    const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code, "a ```js block under ## API overview").toBeTruthy();
    // Written inside the repository so that "convkit" resolves through node_modules, as for a user.
    const dir = mkdtempSync(join(repoRoot, "build-readme-"));
    try {
      writeFileSync(join(dir, "example.mjs"), code!);
      const out = execFileSync(process.execPath, [join(dir, "example.mjs")], { cwd: repoRoot, encoding: "utf8" });
      expect(out).toContain("tutorial walk-through: ok");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the fast-engine example (backends, threads, tensors in wasm memory) runs against the built package", () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Fast engine and benchmarks"));
    const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code, "a ```js block under ## Fast engine and benchmarks").toBeTruthy();
    const dir = mkdtempSync(join(repoRoot, "build-readme-"));
    try {
      // the example's own lines, then a check that its tensors in wasm were disposed and its last call ran
      writeFileSync(join(dir, "example.mjs"), `${code!}\nconst ck = await import("convkit");\nconsole.log(ck.wasmResidentBytes(), getBackendName(), getThreads(), y.shape.join("x"));\n`);
      const out = execFileSync(process.execPath, [join(dir, "example.mjs")], { cwd: repoRoot, encoding: "utf8" });
      expect(out.trim()).toBe("0 reference 1 1x64x56x56");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("examples/tutorial.mjs walks (4, 5, 5) to (10, 3, 3) through every variant", () => {
    const out = execFileSync(process.execPath, [join(repoRoot, "examples/tutorial.mjs")], { cwd: repoRoot, encoding: "utf8" });
    expect(out).toMatch(/regular 3x3\s+\[4, 5, 5\]\s+-> \[10, 3, 3\]\s+370 params/);
    expect(out).toMatch(/GDSConv 3x3, groups 2\s+\[4, 5, 5\]\s+-> \[10, 3, 3\]\s+70 params/);
    expect(out).toMatch(/dilated 3x3, dilation 2\s+\[4, 5, 5\]\s+-> \[10, 1, 1\]\s+370 params/);
  });
});
