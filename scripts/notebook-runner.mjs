// Executes the tslab notebooks headless through Jupyter (Debian's nbconvert + the committed kernel
// spec in jupyter/), finds the failing cell when one fails (tslab reports errors on stderr only),
// compares executed outputs with committed ones, and renders HTML reports. Used by
// scripts/notebooks.mjs (npm run notebooks / reports) and test/notebooks.test.ts.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const NOTEBOOKS_DIR = join(ROOT, "notebooks");

/** The notebooks of `dir`, sorted by name. */
export function listNotebooks(dir = NOTEBOOKS_DIR) {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((f) => join(dir, f));
}

/** Debian's jupyter (its python has nbconvert); a pyenv `jupyter` earlier on PATH may not. */
export function jupyterCommand() {
  return existsSync("/usr/bin/jupyter") ? "/usr/bin/jupyter" : "jupyter";
}

/** True when `jupyter nbconvert` answers (Jupyter's nbconvert installed, e.g. Debian's jupyter-nbconvert). */
export function jupyterAvailable() {
  try {
    execFileSync(jupyterCommand(), ["nbconvert", "--version"], { stdio: "ignore", env: jupyterEnv() });
    return true;
  } catch {
    return false;
  }
}

/** tslab from node_modules/.bin on PATH, and the committed kernel spec on JUPYTER_PATH. */
export function jupyterEnv(env = process.env) {
  return {
    ...env,
    PATH: [join(ROOT, "node_modules", ".bin"), env.PATH ?? ""].join(delimiter),
    JUPYTER_PATH: [join(ROOT, "jupyter"), env.JUPYTER_PATH].filter(Boolean).join(delimiter),
    PYDEVD_DISABLE_FILE_VALIDATION: "1",
  };
}

function run(command, args, options) {
  return new Promise((done) => {
    execFile(command, args, { maxBuffer: 64 * 1024 * 1024, ...options }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr, error });
    });
  });
}

/**
 * `jupyter nbconvert --to notebook --execute` of one notebook into outDir (same file name). The
 * kernel runs in the notebook's folder, so `import ... from "convkit"` resolves from there.
 */
export async function nbconvertExecute(file, outDir, { allowErrors = false, timeout = 120 } = {}) {
  mkdirSync(outDir, { recursive: true });
  const args = [
    "nbconvert",
    "--to",
    "notebook",
    "--execute",
    "--ExecutePreprocessor.kernel_name=tslab",
    `--ExecutePreprocessor.timeout=${timeout}`,
    "--ExecutePreprocessor.record_timing=False",
    ...(allowErrors ? ["--allow-errors"] : []),
    "--output-dir",
    outDir,
    file,
  ];
  const started = performance.now();
  const result = await run(jupyterCommand(), args, { env: jupyterEnv(), cwd: ROOT });
  return { ...result, seconds: (performance.now() - started) / 1000, output: join(outDir, basename(file)) };
}

export function readNotebook(file) {
  return JSON.parse(readFileSync(file, "utf8"));
}

const text = (value) => (Array.isArray(value) ? value.join("") : (value ?? ""));

/** The source nbconvert quotes in "An error occurred while executing the following cell:". */
function quotedSource(stderr) {
  const match = /An error occurred while executing the following cell:\n-{18}\n([\s\S]*?)\n-{18}\n/.exec(stderr);
  return match ? match[1] : null;
}

/**
 * Executes a notebook; on failure, re-executes it with --allow-errors to recover the message that
 * tslab printed to stderr, and names the failing cell.
 * Returns {ok, seconds, output} or {ok: false, seconds, failure: {cell, source, message}}.
 */
export async function executeNotebook(file, outDir, options = {}) {
  const first = await nbconvertExecute(file, outDir, options);
  if (first.code === 0) return { ok: true, seconds: first.seconds, output: first.output };
  const source = quotedSource(first.stderr);
  const rerun = await nbconvertExecute(file, join(outDir, "with-errors"), { ...options, allowErrors: true });
  let cell = -1;
  let message = "";
  if (rerun.code === 0) {
    const cells = readNotebook(rerun.output).cells;
    const errorText = (c) =>
      (c.outputs ?? [])
        .map((o) =>
          o.output_type === "stream" && o.name === "stderr"
            ? text(o.text)
            : o.output_type === "error"
              ? `${o.ename}: ${o.evalue}`
              : "",
        )
        .join("");
    cell = cells.findIndex(
      (c) => c.cell_type === "code" && (source === null || text(c.source) === source) && errorText(c) !== "",
    );
    if (cell < 0 && source !== null) cell = cells.findIndex((c) => text(c.source) === source);
    if (cell >= 0) message = errorText(cells[cell]);
  }
  if (message === "")
    message = `(no message recovered; nbconvert said:)\n${first.stderr.split("\n").slice(-25).join("\n")}`;
  const cellSource = cell >= 0 ? text(readNotebook(file).cells[cell].source) : (source ?? "(unknown cell)");
  return {
    ok: false,
    seconds: first.seconds + rerun.seconds,
    failure: { cell, source: cellSource, message: message.trimEnd() },
  };
}

/** A human-readable account of a failed notebook: which cell, its source, tslab's message. */
export function formatFailure(file, failure) {
  const indent = (s) =>
    s
      .split("\n")
      .map((l) => `    ${l}`)
      .join("\n");
  return `${basename(file)}: cell ${failure.cell} failed\n  source:\n${indent(failure.source)}\n  message:\n${indent(failure.message)}`;
}

/**
 * SVG/HTML made comparable: numbers with a fractional part rounded to 3 decimals, and generated
 * ids (Plot's clip paths, e.g. plot-clip-7) renamed by order of appearance.
 */
export function normalizeSvg(markup) {
  let out = markup.replace(/-?\d*\.\d+(?:e[+-]?\d+)?/gi, (n) => {
    const r = Math.round(Number(n) * 1000) / 1000;
    return String(Object.is(r, -0) ? 0 : r);
  });
  const ids = [...new Set([...out.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]))];
  ids.forEach((id, i) => {
    const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    out = out.replace(new RegExp(`(id="|#)${escaped}(?=["')])`, "g"), `$1id-${i + 1}`);
  });
  return out;
}

const MARKUP = new Set(["text/html", "image/svg+xml"]);

/** A cell output reduced to what must reproduce: text exactly, markup normalized. */
export function normalizeOutput(output) {
  switch (output.output_type) {
    case "stream":
      return { type: "stream", name: output.name, text: text(output.text) };
    case "error":
      return { type: "error", ename: output.ename, evalue: output.evalue };
    default: {
      const data = {};
      for (const [mime, value] of Object.entries(output.data ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
        const s = typeof value === "string" || Array.isArray(value) ? text(value) : JSON.stringify(value);
        data[mime] = MARKUP.has(mime) ? normalizeSvg(s) : s;
      }
      return { type: output.output_type, data };
    }
  }
}

/** Consecutive stream outputs of the same name merged (how they split depends on timing). */
function mergeStreams(outputs) {
  const merged = [];
  for (const o of outputs) {
    const last = merged.at(-1);
    if (o.type === "stream" && last?.type === "stream" && last.name === o.name) last.text += o.text;
    else merged.push({ ...o });
  }
  return merged;
}

function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const clip = (s) => JSON.stringify(s.slice(Math.max(0, i - 60), i + 60));
  return `first difference at character ${i}:\n      committed ${clip(a)}\n      executed  ${clip(b)}`;
}

/**
 * Cell tags that mark outputs which cannot reproduce (timings measured on the machine that runs
 * the notebook), in the spirit of nbval's `nbval-ignore-output`, which is accepted too. A tagged
 * cell still executes, and an error in it still fails the notebook; only the content of its
 * outputs is not compared, their kinds are (a stream stays a stream, a chart stays a chart).
 * Set in the cell's metadata: `"metadata": {"tags": ["nondeterministic-output"]}`.
 */
export const NONDETERMINISTIC_TAGS = ["nondeterministic-output", "nbval-ignore-output"];

/** Whether a cell's outputs are exempt from the comparison (see NONDETERMINISTIC_TAGS). */
export function hasNondeterministicOutput(cell) {
  const tags = cell.metadata?.tags;
  return Array.isArray(tags) && tags.some((t) => NONDETERMINISTIC_TAGS.includes(t));
}

/** What is left of outputs whose content is not compared: their kinds (stream name, mime types). */
function outputKinds(outputs) {
  return outputs.map((o) =>
    o.type === "stream"
      ? { type: o.type, name: o.name }
      : o.type === "error"
        ? { type: o.type, ename: o.ename }
        : { type: o.type, mimes: Object.keys(o.data) },
  );
}

/**
 * Differences between the outputs of a committed notebook and of its re-execution, one string per
 * differing cell (empty when they reproduce). Cells tagged nondeterministic-output are compared
 * by the kinds of their outputs only.
 */
export function compareNotebooks(committed, executed) {
  const problems = [];
  if (committed.cells.length !== executed.cells.length) {
    return [`cell count differs: committed ${committed.cells.length}, executed ${executed.cells.length}`];
  }
  committed.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    const reduce = hasNondeterministicOutput(cell) ? outputKinds : (outputs) => outputs;
    const want = reduce(mergeStreams((cell.outputs ?? []).map(normalizeOutput)));
    const got = reduce(mergeStreams((executed.cells[i].outputs ?? []).map(normalizeOutput)));
    const a = JSON.stringify(want, null, 1);
    const b = JSON.stringify(got, null, 1);
    if (a !== b) {
      const head = text(cell.source).split("\n")[0];
      problems.push(
        `cell ${i} (${head}) has outputs that differ from the committed ones (stale or non-deterministic); ${firstDifference(a, b)}`,
      );
    }
  });
  return problems;
}

/** Runs `fn` over `items` with at most `limit` running at once; results in input order. */
export async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * A report made self-contained: Debian's nbconvert points MathJax, require.js and jQuery at
 * file:///usr/share/javascript/... (absent, and blocked when served over HTTP), and its CSS
 * comments carry links. The notebooks need none of it (no widgets; formulas are plain text).
 */
export function selfContainedReport(html) {
  return html
    .replace(/<script[^>]*\bsrc="[^"]*"[^>]*>\s*<\/script>\n?/g, "")
    .replace(/<script type="text\/x-mathjax-config">[\s\S]*?<\/script>\n?/g, "")
    .replace(
      /(<style[^>]*>)([\s\S]*?)(<\/style>)/g,
      (_, open, css, close) => open + css.replace(/\/\*[\s\S]*?\*\//g, "") + close,
    );
}

/** `jupyter nbconvert --to html` of executed notebooks into outDir, made self-contained. */
export async function renderReports(files, outDir) {
  mkdirSync(outDir, { recursive: true });
  const result = await run(jupyterCommand(), ["nbconvert", "--to", "html", "--output-dir", outDir, ...files], {
    env: jupyterEnv(),
    cwd: ROOT,
  });
  if (result.code !== 0) throw new Error(`nbconvert --to html failed:\n${result.stderr}`);
  const written = files.map((f) => join(outDir, basename(f).replace(/\.ipynb$/, ".html")));
  for (const file of written) writeFileSync(file, selfContainedReport(readFileSync(file, "utf8")));
  return written;
}
