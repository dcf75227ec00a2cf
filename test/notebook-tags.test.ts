// The nondeterministic-output cell tag (scripts/notebook-runner.mjs): a tagged cell still runs and
// still fails its notebook on an error, but the content of its outputs (timings) is not compared
// with the committed one; untagged cells still are. Proved on synthetic notebooks, then on scratch
// notebooks executed through the real Jupyter + tslab path.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  NONDETERMINISTIC_TAGS,
  ROOT,
  compareNotebooks,
  executeNotebook,
  hasNondeterministicOutput,
  mapLimit,
  readNotebook,
  type ExecuteResult,
  type Notebook,
  type NotebookCell,
  type NotebookOutput,
} from "../scripts/notebook-runner.mjs";

const stdout = (text: string): NotebookOutput => ({ output_type: "stream", name: "stdout", text: [text] });
const svg = (x: number): NotebookOutput => ({
  output_type: "display_data",
  data: { "text/html": `<svg><rect x="${x}"/></svg>` },
});
const code = (source: string, outputs: NotebookOutput[] = [], tags?: string[]): NotebookCell => ({
  cell_type: "code",
  source,
  metadata: tags ? { tags } : {},
  outputs,
  execution_count: null,
});
const notebook = (cells: NotebookCell[]): Notebook => ({
  nbformat: 4,
  nbformat_minor: 5,
  cells,
  metadata: { kernelspec: { display_name: "TypeScript", language: "typescript", name: "tslab" } },
});
const TAG = "nondeterministic-output";

describe("compareNotebooks() and the nondeterministic-output tag", () => {
  it("hasNondeterministicOutput(cell) reads the cell's metadata tags (nbval's ignore-output tag too)", () => {
    expect(NONDETERMINISTIC_TAGS).toContain(TAG);
    expect(hasNondeterministicOutput(code("x", [], [TAG]))).toBe(true);
    expect(hasNondeterministicOutput(code("x", [], ["nbval-ignore-output"]))).toBe(true);
    expect(hasNondeterministicOutput(code("x", [], ["other"]))).toBe(false);
    expect(hasNondeterministicOutput(code("x"))).toBe(false);
  });

  it("ignores changed text and charts in a tagged cell, and still flags the same change in an untagged one", () => {
    const committed = notebook([
      code("a", [stdout("9.041 ms\n"), svg(1)], [TAG]),
      code("b", [stdout("115,605,504 MACs\n")]),
    ]);
    const timingsMoved = notebook([
      code("a", [stdout("8.2 ms\n"), svg(2)], [TAG]),
      code("b", [stdout("115,605,504 MACs\n")]),
    ]);
    expect(compareNotebooks(committed, timingsMoved)).toEqual([]);
    const macsMoved = notebook([
      code("a", [stdout("9.041 ms\n"), svg(1)], [TAG]),
      code("b", [stdout("115,605,505 MACs\n")]),
    ]);
    const problems = compareNotebooks(committed, macsMoved);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^cell 1 \(b\) has outputs that differ/);
    // without the tag, the timing change is flagged
    const untagged = (nb: Notebook) => ({ ...nb, cells: nb.cells.map((c) => ({ ...c, metadata: {} })) });
    expect(compareNotebooks(untagged(committed), untagged(timingsMoved))).toHaveLength(1);
  });

  it("still compares the kinds of a tagged cell's outputs: a chart that disappears, or a new stderr stream, is flagged", () => {
    const committed = notebook([code("a", [stdout("1 ms\n"), svg(1)], [TAG])]);
    expect(compareNotebooks(committed, notebook([code("a", [stdout("2 ms\n")], [TAG])]))).toHaveLength(1);
    expect(
      compareNotebooks(
        committed,
        notebook([
          code("a", [stdout("2 ms\n"), svg(1), { output_type: "stream", name: "stderr", text: ["warning"] }], [TAG]),
        ]),
      ),
    ).toHaveLength(1);
  });
});

describe("tagged cells executed through Jupyter + tslab", () => {
  let scratch = "";
  const results = new Map<string, ExecuteResult>();
  // Cell 1 (tagged) prints a random number and sets `seen`; cell 2 (untagged) prints `seen`,
  // which it can only do if cell 1 ran.
  const random = notebook([
    code(`let seen = 0;\nconsole.log("before");`, [stdout("before\n")]),
    code(`seen = 1;\nconsole.log(Math.random());`, [stdout("0.123\n")], [TAG]),
    code(`console.log("seen =", seen);`, [stdout("seen = 1\n")]),
  ]);
  const failing = notebook([
    code(`console.log("before");`, [stdout("before\n")]),
    code(`console.log(Math.random());\nthrow new Error("boom in a tagged cell");`, [stdout("0.5\n")], [TAG]),
    code(`console.log("after");`, [stdout("after\n")]),
  ]);
  const files = { random: "", failing: "" };

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), "convkit-notebook-tags-"));
    const dir = join(scratch, "notebooks");
    mkdirSync(dir);
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
    files.random = join(dir, "tagged-random.ipynb");
    files.failing = join(dir, "tagged-failing.ipynb");
    writeFileSync(files.random, JSON.stringify(random, null, 1));
    writeFileSync(files.failing, JSON.stringify(failing, null, 1));
    await mapLimit([files.random, files.failing], 2, async (file, i) => {
      results.set(file, await executeNotebook(file, join(scratch, `run-${i}`)));
    });
  }, 180_000);

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("a tagged cell runs (the next cell sees its effect), and its new random output still reproduces", () => {
    const result = results.get(files.random)!;
    if (!result.ok) throw new Error(`scratch notebook failed: ${result.failure.message}`);
    const executed = readNotebook(result.output);
    const text = (i: number) =>
      (executed.cells[i]!.outputs ?? []).map((o) => (Array.isArray(o.text) ? o.text.join("") : o.text)).join("");
    expect(text(1)).toMatch(/^0\.\d+\n$/);
    expect(text(1)).not.toBe("0.123\n");
    expect(text(2)).toBe("seen = 1\n");
    expect(compareNotebooks(random, executed)).toEqual([]);
  });

  it("an untagged cell of the same run is still compared: a stale committed output is flagged", () => {
    const result = results.get(files.random)!;
    if (!result.ok) throw new Error(`scratch notebook failed: ${result.failure.message}`);
    const stale = structuredClone(random);
    stale.cells[2]!.outputs = [stdout("seen = 2\n")];
    const problems = compareNotebooks(stale, readNotebook(result.output));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^cell 2 \(console\.log\("seen =", seen\);\)/);
  });

  it("an error in a tagged cell still fails the notebook, naming that cell and its message", () => {
    const result = results.get(files.failing)!;
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.cell).toBe(1);
    expect(result.failure.message).toContain("boom in a tagged cell");
  });
});
