/**
 * The README's and the site's runnable examples, and the tutorial script, run as a user would run
 * them: against the built package (lib/, through the self-link), in a plain Node process.
 *
 * Runnable examples are every ```js block of README.md, and every ```js run=false block that
 * imports "convkit" in a site page (docs/**\/*.md, and the Markdown that page loaders such as
 * docs/api.md.js write): Framework shows those blocks without running them in the page.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "./helpers.js";

const README = readFileSync(join(repoRoot, "README.md"), "utf8");
const workDir = mkdtempSync(join(repoRoot, "build-readme-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

interface Block {
  /** Where the block is: a file, and the block's 1-based index among its js blocks. */
  where: string;
  info: string;
  code: string;
  /** The ```text block right after it, if any (what the README says it prints). */
  printed?: string;
}

/** The fenced code blocks of a Markdown text whose info string starts with `js`. */
function jsBlocks(markdown: string, file: string): Block[] {
  const blocks: Block[] = [];
  const fence = /^```([^\n]*)\n([\s\S]*?)^```\s*$/gm;
  let match: RegExpExecArray | null;
  let previous: Block | undefined;
  let previousEnd = -1;
  while ((match = fence.exec(markdown))) {
    const info = match[1]!.trim();
    if (info === "text" && previous && /^\s*prints\s*$|^\s*$/.test(markdown.slice(previousEnd, match.index)))
      previous.printed = match[2];
    if (/^js\b/.test(info)) {
      previous = { where: `${file} #${blocks.length + 1}`, info, code: match[2]! };
      blocks.push(previous);
    } else previous = undefined;
    previousEnd = match.index + match[0].length;
  }
  return blocks;
}

/** Site pages as Markdown: docs/**\/*.md as written, docs/**\/*.md.js as their loader writes them. */
function sitePages(): { file: string; markdown: string }[] {
  const docs = join(repoRoot, "docs");
  const pages: { file: string; markdown: string }[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== ".observablehq") walk(path);
      } else if (entry.name.endsWith(".md")) {
        pages.push({ file: relative(repoRoot, path), markdown: readFileSync(path, "utf8") });
      } else if (entry.name.endsWith(".md.js")) {
        const markdown = execFileSync(process.execPath, [path], { cwd: repoRoot, encoding: "utf8" });
        pages.push({ file: relative(repoRoot, path), markdown });
      }
    }
  };
  walk(docs);
  return pages;
}

/** Runs a block as an .mjs file inside the repository (so "convkit" resolves); returns its stdout. */
function run(block: Block, epilogue = ""): string {
  const file = join(workDir, `${block.where.replace(/[^a-z0-9]+/gi, "-")}.mjs`);
  writeFileSync(file, block.code + epilogue);
  return execFileSync(process.execPath, [file], { cwd: repoRoot, encoding: "utf8" });
}

const readmeBlocks = jsBlocks(README, "README.md");
const pages = sitePages();
const pageExamples = pages.flatMap(({ file, markdown }) =>
  jsBlocks(markdown, file).filter(
    (b) => /\brun=false\b/.test(b.info) && /from\s+["']convkit(\/charts)?["']/.test(b.code),
  ),
);

describe("README.md", () => {
  it("fits on a screen: at most 8 KB", () => {
    expect(Buffer.byteLength(README)).toBeLessThanOrEqual(8 * 1024);
  });

  it("has a runnable example whose printed output it shows", () => {
    expect(readmeBlocks.length).toBeGreaterThan(0);
    expect(readmeBlocks.some((b) => b.printed !== undefined)).toBe(true);
  });

  for (const block of readmeBlocks) {
    it(`${block.where} runs against the built package${block.printed === undefined ? "" : " and prints what the README shows"}`, () => {
      const stdout = run(block);
      // Line by line, so that only trailing blank lines may differ.
      if (block.printed !== undefined) expect(stdout.trimEnd()).toBe(block.printed.trimEnd());
    });
  }

  it("keeps its two-command quick start: npm ci && npm start, and bash .ci/run", () => {
    const quickStart = /```sh\n([\s\S]*?)```/.exec(README.slice(README.indexOf("## Quick start")))?.[1] ?? "";
    expect(quickStart).toMatch(/^npm ci && npm start\b/m);
    expect(quickStart).toMatch(/^bash \.ci\/run\b/m);
    const scripts = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).scripts;
    expect(scripts.start).toMatch(/scripts\/serve\.mjs/);
    expect(readFileSync(join(repoRoot, ".ci/run"), "utf8")).toMatch(/^npm test\b/m);
  });
});

describe("the site's examples (js run=false blocks that import convkit)", () => {
  it("exist on the API, engine and conventions pages", () => {
    const files = new Set(pageExamples.map((b) => b.where.replace(/ #\d+$/, "")));
    expect([...files].sort()).toEqual(
      expect.arrayContaining(["docs/api.md.js", "docs/conventions.md", "docs/engine.md"]),
    );
  });

  for (const block of pageExamples) {
    if (block.where.startsWith("docs/engine.md")) {
      it(`${block.where} (backends, threads, tensors in wasm memory) runs, disposes its tensors and leaves the settings it made`, () => {
        const check = `\nconst ck = await import("convkit");\nconsole.log(ck.wasmResidentBytes(), getBackendName(), getThreads(), y.shape.join("x"));\n`;
        expect(run(block, check).trim()).toBe("0 reference 1 1x64x56x56");
      });
    } else {
      it(`${block.where} runs against the built package`, () => {
        run(block);
      });
    }
  }

  it("the conventions page's examples print ok and torchinfo's total", () => {
    const outputs = pageExamples.filter((b) => b.where.startsWith("docs/conventions.md")).map((b) => run(b).trim());
    expect(outputs).toEqual(["cost model: ok", "Total Mult-Adds (torchinfo): 3,413,200"]);
  });

  it("the API page's walk-through prints ok", () => {
    const block = pageExamples.find((b) => b.where.startsWith("docs/api.md.js"))!;
    expect(run(block).trim()).toBe("walk-through: ok");
  });
});

describe("README, CONTRIBUTING and the site", () => {
  it("say nothing about how the project is run (issue numbers, its machine)", () => {
    const texts = [
      ["README.md", README],
      ["CONTRIBUTING.md", readFileSync(join(repoRoot, "CONTRIBUTING.md"), "utf8")],
      ...pages.map(({ file, markdown }) => [file, markdown]),
    ];
    const found = texts.flatMap(([file, text]) =>
      [...text!.matchAll(/\bissue\s+#?\d+|\bthis project's (?:VM|machine)|\bthe session\b|\bshared\/notes\b/gi)].map(
        (m) => `${file}: ${m[0]}`,
      ),
    );
    expect(found).toEqual([]);
  });
});

describe("examples/tutorial.mjs", () => {
  it("walks (4, 5, 5) to (10, 3, 3) through every variant", () => {
    const out = execFileSync(process.execPath, [join(repoRoot, "examples/tutorial.mjs")], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    expect(out).toMatch(/regular 3x3\s+\[4, 5, 5\]\s+-> \[10, 3, 3\]\s+370 params/);
    expect(out).toMatch(/GDSConv 3x3, groups 2\s+\[4, 5, 5\]\s+-> \[10, 3, 3\]\s+70 params/);
    expect(out).toMatch(/dilated 3x3, dilation 2\s+\[4, 5, 5\]\s+-> \[10, 1, 1\]\s+370 params/);
  });
});
