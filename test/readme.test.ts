/** The README's runnable examples and the tutorial script run as a user would run them. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./helpers.js";

/**
 * Runs the first ```js block under the README heading `section` as a user would (written inside
 * the repository, so that "convkit" resolves through node_modules), with `epilogue` appended;
 * returns its stdout.
 */
function runReadmeExample(section: string, epilogue = ""): string {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const code = /```js\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf(section)))?.[1];
  expect(code, `a \`\`\`js block under ${section}`).toBeTruthy();
  const dir = mkdtempSync(join(repoRoot, "build-readme-"));
  try {
    writeFileSync(join(dir, "example.mjs"), code! + epilogue);
    return execFileSync(process.execPath, [join(dir, "example.mjs")], { cwd: repoRoot, encoding: "utf8" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("README", () => {
  it("the API overview's example runs against the built package and prints ok", () => {
    expect(runReadmeExample("## API overview")).toContain("tutorial walk-through: ok");
  });

  it("the fast-engine example (backends, threads, tensors in wasm memory) runs against the built package", () => {
    // then: its tensors in wasm were disposed, and the backend and threads are as it set them
    const check = `\nconst ck = await import("convkit");\nconsole.log(ck.wasmResidentBytes(), getBackendName(), getThreads(), y.shape.join("x"));\n`;
    expect(runReadmeExample("## Fast engine and benchmarks", check).trim()).toBe("0 reference 1 1x64x56x56");
  });

  it("examples/tutorial.mjs walks (4, 5, 5) to (10, 3, 3) through every variant", () => {
    const out = execFileSync(process.execPath, [join(repoRoot, "examples/tutorial.mjs")], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    expect(out).toMatch(/regular 3x3\s+\[4, 5, 5\]\s+-> \[10, 3, 3\]\s+370 params/);
    expect(out).toMatch(/GDSConv 3x3, groups 2\s+\[4, 5, 5\]\s+-> \[10, 3, 3\]\s+70 params/);
    expect(out).toMatch(/dilated 3x3, dilation 2\s+\[4, 5, 5\]\s+-> \[10, 1, 1\]\s+370 params/);
  });
});
