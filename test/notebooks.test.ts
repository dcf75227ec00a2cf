// The notebooks, executed headless through the real path: Debian's jupyter nbconvert, the committed
// kernel spec (jupyter/kernels/tslab) and tslab from node_modules. Every notebook must run without
// a cell error and reproduce its committed outputs; a broken scratch copy proves that the harness
// fails and names the cell. Needs lib/ built (npm test builds it first).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ROOT,
  compareNotebooks,
  executeNotebook,
  formatFailure,
  jupyterCommand,
  jupyterEnv,
  listNotebooks,
  mapLimit,
  normalizeSvg,
  readNotebook,
  renderReports,
  type ExecuteResult,
  type Notebook,
} from "../scripts/notebook-runner.mjs";

const notebooks = listNotebooks();
const source = (cell: { source: string | string[] }) =>
  Array.isArray(cell.source) ? cell.source.join("") : cell.source;

let scratch = "";
const results = new Map<string, ExecuteResult>();
// The broken copy: notebook 01 with an undefined name appended to one code cell.
const BROKEN_NAME = "notDefinedAnywhere";
let broken = { file: "", cell: -1, source: "" };

function jupyterAvailable(): string | null {
  try {
    execFileSync(jupyterCommand(), ["nbconvert", "--version"], { env: jupyterEnv(), stdio: "pipe" });
    return null;
  } catch (error) {
    return (
      `jupyter nbconvert is not available (${(error as Error).message.split("\n")[0]}); install it with ` +
      "`apt-get install -y --no-install-recommends jupyter-nbconvert jupyter-client` (.ci/run does)"
    );
  }
}

beforeAll(async () => {
  const missing = jupyterAvailable();
  if (missing) throw new Error(missing);
  if (!existsSync(join(ROOT, "lib", "charts", "index.js")))
    throw new Error("lib/ is not built: run `npm run build:lib` (npm test does)");
  scratch = mkdtempSync(join(tmpdir(), "convkit-notebooks-test-"));

  // A scratch folder outside the repo resolves "convkit" through a node_modules link.
  const brokenDir = join(scratch, "broken");
  execFileSync("mkdir", ["-p", brokenDir]);
  symlinkSync(join(ROOT, "node_modules"), join(brokenDir, "node_modules"));
  const original = notebooks.find((f) => basename(f).startsWith("01-"))!;
  const nb = readNotebook(original);
  const codeCells = nb.cells.flatMap((c, i) => (c.cell_type === "code" ? [i] : []));
  const target = codeCells[Math.floor(codeCells.length / 2)]!;
  nb.cells[target]!.source = `${source(nb.cells[target]!)}\nconsole.log(${BROKEN_NAME});`;
  broken = { file: join(brokenDir, basename(original)), cell: target, source: source(nb.cells[target]!) };
  writeFileSync(broken.file, JSON.stringify(nb, null, 1));

  // Everything executes in one pool, two notebooks at a time: each kernel keeps a core busy, and more at
  // once would only contend on a two-core machine.
  const jobs = [...notebooks, broken.file];
  await mapLimit(jobs, 2, async (file, i) => {
    results.set(file, await executeNotebook(file, join(scratch, `run-${i}`)));
  });
}, 600_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("notebooks/", () => {
  it("holds numbered tslab notebooks 01-08 at least", () => {
    const names = notebooks.map((f) => basename(f));
    for (const prefix of ["01-", "02-", "03-", "04-", "05-", "06-", "07-", "08-"])
      expect(names.some((n) => n.startsWith(prefix))).toBe(true);
    for (const name of names) expect(name).toMatch(/^\d\d-[a-z0-9-]+\.ipynb$/);
  });

  describe.each(notebooks.map((f) => [basename(f), f] as const))("%s", (name, file) => {
    const committed: Notebook = readNotebook(file);

    it("uses the tslab kernel and imports convkit by name, never ../src", () => {
      expect(committed.metadata.kernelspec?.name).toBe("tslab");
      const code = committed.cells
        .filter((c) => c.cell_type === "code")
        .map(source)
        .join("\n");
      expect(code).toMatch(/from "convkit"/);
      expect(code).not.toMatch(/from "\.\.?\//);
    });

    it("has at least one chart and one assertion cell", () => {
      const charts = committed.cells
        .flatMap((c) => c.outputs ?? [])
        .filter((o) => /<svg/.test(JSON.stringify(o.data ?? {})));
      expect(charts.length).toBeGreaterThan(0);
      expect(committed.cells.some((c) => c.cell_type === "code" && /\bassert[.(]/.test(source(c)))).toBe(true);
    });

    it("is committed executed (every code cell has run)", () => {
      // A cell that produced no output could still have run; but a notebook where no cell did was not executed.
      expect(committed.cells.some((c) => (c.outputs ?? []).length > 0)).toBe(true);
      expect(committed.metadata.language_info?.name).toBe("typescript");
    });

    it("executes headless without a cell error", () => {
      const result = results.get(file)!;
      if (!result.ok) throw new Error(formatFailure(file, result.failure));
      console.log(`${name}: executed in ${result.seconds.toFixed(1)} s`);
    });

    it("reproduces its committed outputs (text exact, SVG rounded)", () => {
      const result = results.get(file)!;
      if (!result.ok) throw new Error(`cannot compare: ${formatFailure(file, result.failure)}`);
      const problems = compareNotebooks(committed, readNotebook(result.output));
      if (problems.length > 0)
        throw new Error(`${name}: run \`npm run notebooks\` if the change is intended\n${problems.join("\n")}`);
    });
  });
});

describe("the notebook harness", () => {
  it("fails on a notebook with an undefined name, showing that cell's source and message", () => {
    const result = results.get(broken.file)!;
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.cell).toBe(broken.cell);
    expect(result.failure.message).toMatch(new RegExp(`Cannot find name '${BROKEN_NAME}'`));
    const report = formatFailure(broken.file, result.failure);
    expect(report).toContain(`cell ${broken.cell} failed`);
    expect(report).toContain(`console.log(${BROKEN_NAME});`);
    expect(report).toContain(source(readNotebook(broken.file).cells[broken.cell]!).split("\n")[0]);
  });

  it("compareNotebooks() flags a changed text output and a changed chart, and ignores rounding noise and ids", () => {
    const nb = (text: string, svg: string): Notebook => ({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        {
          cell_type: "code",
          source: "x",
          metadata: {},
          outputs: [
            { output_type: "stream", name: "stdout", text: [text] },
            { output_type: "display_data", data: { "text/html": svg } },
          ],
        },
      ],
    });
    const svg = (x: number, id: number) =>
      `<svg><clipPath id="plot-clip-${id}"></clipPath><g clip-path="url(#plot-clip-${id})"><rect x="${x}"/></g></svg>`;
    expect(compareNotebooks(nb("370\n", svg(1.0001, 1)), nb("370\n", svg(1.00012, 7)))).toEqual([]);
    expect(compareNotebooks(nb("370\n", svg(1, 1)), nb("371\n", svg(1, 1)))).toHaveLength(1);
    expect(compareNotebooks(nb("370\n", svg(1.5, 1)), nb("370\n", svg(1.6, 1)))).toHaveLength(1);
  });

  it("normalizeSvg() rounds numbers to 3 decimals and renames generated ids in order", () => {
    expect(normalizeSvg(`<path d="M0.12345,-0.0001L2.5,3"/>`)).toBe(`<path d="M0.123,0L2.5,3"/>`);
    expect(normalizeSvg(`<clipPath id="plot-clip-9"/><g clip-path="url(#plot-clip-9)"/>`)).toBe(
      `<clipPath id="id-1"/><g clip-path="url(#id-1)"/>`,
    );
  });

  it("renders reports as self-contained HTML (no scripts, no links to other hosts or files)", async () => {
    const executed = notebooks
      .map((f) => results.get(f))
      .find((r): r is Extract<ExecuteResult, { ok: true }> => r?.ok === true);
    expect(executed).toBeDefined();
    const [html] = await renderReports([executed!.output], join(scratch, "reports"));
    const text = readFileSync(html!, "utf8");
    expect(text).toContain("<svg");
    expect(text).not.toMatch(/<script\b[^>]*\bsrc=/);
    const urls = [...text.matchAll(/(?:https?|file):\/\/[^\s"'<>)]+/g)].map((m) => m[0]);
    expect(urls.filter((u) => u !== "http://www.w3.org/2000/svg")).toEqual([]);
  }, 120_000);
});
