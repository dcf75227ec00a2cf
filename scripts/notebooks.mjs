#!/usr/bin/env node
// npm run notebooks [-- names...]: re-execute the notebooks (2 at a time) and store their outputs
//   in place; a failing notebook is left untouched and its failing cell printed.
// npm run reports: render the executed notebooks to build/reports/*.html (nbconvert --to html).
//   With --if-jupyter (npm run build uses it) a machine without Jupyter skips the reports with a note.
// Both expect lib/ to be built (the npm scripts run build:lib first).
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import {
  executeNotebook,
  formatFailure,
  jupyterAvailable,
  listNotebooks,
  mapLimit,
  renderReports,
  ROOT,
} from "./notebook-runner.mjs";

const [command, ...args] = process.argv.slice(2);
const names = args.filter((a) => !a.startsWith("--"));

if (command === "reports" && args.includes("--if-jupyter") && !jupyterAvailable()) {
  console.log(
    "notebook reports skipped: Jupyter's nbconvert is not installed (apt-get install jupyter-nbconvert jupyter-client)",
  );
  process.exit(0);
}

if (!existsSync(join(ROOT, "lib", "index.js")) || !existsSync(join(ROOT, "lib", "charts", "index.js"))) {
  console.error("lib/ is not built: run `npm run build:lib` first (npm run notebooks/reports do it for you)");
  process.exit(1);
}

const all = listNotebooks();
const selected = names.length === 0 ? all : all.filter((f) => names.some((n) => basename(f).startsWith(n)));
if (selected.length === 0) {
  console.error(`no notebook matches ${names.join(", ")}; have ${all.map((f) => basename(f)).join(", ")}`);
  process.exit(1);
}

if (command === "execute") {
  const scratch = mkdtempSync(join(tmpdir(), "convkit-notebooks-"));
  try {
    const results = await mapLimit(selected, 2, async (file, i) => {
      const result = await executeNotebook(file, join(scratch, String(i)));
      if (result.ok) {
        copyFileSync(result.output, file);
        console.log(`executed ${relative(ROOT, file)} in ${result.seconds.toFixed(1)} s`);
      } else {
        console.error(`FAILED ${formatFailure(file, result.failure)}`);
      }
      return result;
    });
    process.exitCode = results.every((r) => r.ok) ? 0 : 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
} else if (command === "reports") {
  const outDir = join(ROOT, "build", "reports");
  const written = await renderReports(selected, outDir);
  for (const f of written) console.log(`wrote ${relative(ROOT, f)}`);
} else {
  console.error("usage: node scripts/notebooks.mjs execute|reports [notebook-name-prefix...]");
  process.exit(2);
}
