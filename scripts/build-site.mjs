#!/usr/bin/env node
// Builds the Observable Framework site (docs/ -> dist/) offline and checks the result.
//
//   node scripts/build-site.mjs             build the site (compiles lib/ first if src/ is newer)
//   node scripts/build-site.mjs --if-stale  skip the build when dist/ was built from the same inputs
//   node scripts/build-site.mjs --skip-lib  use lib/ as it is, even if src/ is newer (only a missing
//                                           lib/ is built); `npm test` builds lib/ itself first
//
// Steps, each working around a trap of building Framework 1.13 offline:
// 1. lib/ must be current: pages import "convkit", which resolves to lib/ through the self-link.
// 2. Framework asks the npm registry for ~15 `@latest` versions of packages the pages never use;
//    empty folders under docs/.observablehq/cache/_npm/ pin them (the cache is gitignored, so they
//    are made here on every build).
// 3. Framework caches node imports by name@version: the old convkit is dropped before each build.
// 4. `observable build` exits 0 even when a page is broken, so the rendered pages are checked for
//    `observablehq--error` blocks here (the browser tests, test/site.test.ts, check the rest).
// 5. The notebook reports (build/reports/*.html, written by `npm run reports`) are copied to
//    dist/reports/ with their external and file:// references removed, so they open offline, and
//    pointed at the site's icon (dist/favicon.svg), so no page asks for a /favicon.ico that is not there.
// 6. Page loaders (docs/api.md.js reads lib/*.d.ts, docs/benchmarks.md.js bench/results.md) are
//    cached by Framework until the loader itself changes: their cached pages are dropped before each
//    build, and their inputs count in the input hash.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const docs = join(root, "docs");
const dist = join(root, "dist");
const lib = join(root, "lib");
const reports = join(root, "build", "reports");
const cache = join(docs, ".observablehq", "cache");
const stampFile = join(dist, ".convkit-site.json");

/** Versions Framework 1.13.4 would otherwise look up as `@latest` (the pages import none of them). */
const PINNED_NPM = [
  "@observablehq/plot@0.6.17",
  "@observablehq/sample-datasets@1.0.1",
  "apache-arrow@21.2.0",
  "arquero@8.0.3",
  "d3@7.9.2",
  "d3-dsv@3.0.2",
  "echarts@6.1.0",
  "htl@1.0.0",
  "leaflet@1.9.4",
  "lodash@4.18.1",
  "mapbox-gl@3.32.0",
  "parquet-wasm@0.8.0",
  "react@19.3.1",
  "react-dom@19.3.1",
  "topojson-client@3.1.0",
];

function* walk(dir, skip = () => false) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (skip(path)) continue;
    if (entry.isDirectory()) yield* walk(path, skip);
    else if (entry.isFile()) yield path;
  }
}

function newest(paths) {
  let t = 0;
  for (const p of paths) t = Math.max(t, statSync(p).mtimeMs);
  return t;
}

/** Builds lib/ (`npm run build:lib`, whatever it involves) when it is missing or older than src/. */
function ensureLib({ skipStale = false } = {}) {
  const index = join(lib, "index.js");
  if (existsSync(index) && (skipStale || statSync(index).mtimeMs >= newest(walk(join(root, "src"))))) return;
  console.log("build-site: lib/ is missing or older than src/; running npm run build:lib");
  execFileSync("npm", ["run", "--silent", "build:lib"], { cwd: root, stdio: "inherit" });
}

/** A hash of everything the built site depends on. */
function inputHash() {
  const hash = createHash("sha256");
  const files = [
    ...walk(docs, (p) => p.startsWith(join(docs, ".observablehq"))),
    ...walk(lib),
    ...walk(reports),
    ...walk(join(root, "examples")),
    join(root, "bench", "results.md"),
    join(root, "observablehq.config.ts"),
    join(root, "scripts", "build-site.mjs"),
    join(root, "package-lock.json"),
  ];
  for (const file of files) {
    if (!existsSync(file)) continue;
    hash.update(relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

function isFresh(hash) {
  try {
    return JSON.parse(readFileSync(stampFile, "utf8")).hash === hash && existsSync(join(dist, "index.html"));
  } catch {
    return false;
  }
}

function prepareCache() {
  for (const spec of PINNED_NPM) mkdirSync(join(cache, "_npm", spec), { recursive: true });
  const nodeCache = join(cache, "_node");
  if (existsSync(nodeCache)) {
    for (const name of readdirSync(nodeCache))
      if (name.startsWith("convkit@")) rmSync(join(nodeCache, name), { recursive: true, force: true });
  }
  // The reports listing is a data loader reading build/reports; drop its cached output.
  rmSync(join(cache, "data"), { recursive: true, force: true });
  // Pages made by page loaders (docs/*.md.js) read lib/ and bench/; drop their cached output.
  if (existsSync(cache))
    for (const name of readdirSync(cache)) if (name.endsWith(".md")) rmSync(join(cache, name), { force: true });
}

function runFramework() {
  const bin = join(root, "node_modules", "@observablehq", "framework", "dist", "bin", "observable.js");
  const result = spawnSync(process.execPath, [bin, "build"], {
    cwd: root,
    env: { ...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true", NO_COLOR: "1" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.status !== 0) {
    process.stderr.write(output);
    throw new Error(`observable build exited with ${result.status ?? result.signal}`);
  }
  const lookups = output.match(/npm:[^\s]+@latest/g);
  if (lookups)
    console.warn(
      `build-site: Framework looked up ${[...new Set(lookups)].join(", ")} on the npm registry; add them to PINNED_NPM`,
    );
  const table = output.slice(output.lastIndexOf("┌"));
  if (table.startsWith("┌")) process.stdout.write(table);
}

/**
 * Makes a notebook report (nbconvert HTML) work offline and refer to no other host: Debian's
 * nbconvert points require.js and MathJax at file:// paths a served page may not load, the
 * JupyterLab stylesheet carries URLs in comments, and prose links go out to the web. Scripts and
 * stylesheets that load from elsewhere are dropped (math stays as TeX source), outside links keep
 * their text and show their address without the scheme.
 */
export function sanitizeReport(html) {
  return html
    .replace(/<script\b[^>]*\bsrc\s*=\s*["'](?:[a-z]+:)?\/\/[^"']*["'][^>]*>\s*<\/script>/gi, "")
    .replace(/<script\b[^>]*type\s*=\s*["']text\/x-mathjax-config["'][^>]*>[\s\S]*?<\/script>/gi, "")
    .replace(/<link\b[^>]*\bhref\s*=\s*["'](?:[a-z]+:)?\/\/[^"']*["'][^>]*>/gi, "")
    .replace(/\/\*[\s\S]*?\*\//g, (comment) => (/[a-z]+:\/\//i.test(comment) ? "" : comment))
    .replace(
      /<a\b[^>]*\bhref\s*=\s*["'](?:https?:)?\/\/([^"']*)["'][^>]*>([\s\S]*?)<\/a>/gi,
      (_, address, text) => `${text} (${address})`,
    );
}

/** The site's icon at dist/favicon.svg, for pages Framework did not make (the notebook reports). */
const ICON = "favicon.svg";

function copyReports() {
  cpSync(join(docs, ICON), join(dist, ICON));
  if (!existsSync(reports)) return 0;
  let n = 0;
  for (const file of walk(reports)) {
    const target = join(dist, "reports", relative(reports, file));
    mkdirSync(dirname(target), { recursive: true });
    if (file.endsWith(".html")) {
      const icon = `<link rel="icon" href="${"../".repeat(relative(reports, file).split(/[\\/]/).length)}${ICON}" type="image/svg+xml">`;
      writeFileSync(target, sanitizeReport(readFileSync(file, "utf8")).replace(/<head>/i, `<head>\n${icon}`));
      n++;
    } else {
      cpSync(file, target);
    }
  }
  return n;
}

/** Node built-ins imported by the browser bundle of convkit (they fail to load in a page). */
function nodeImportsInBundle() {
  const found = new Set();
  for (const file of walk(join(dist, "_node"))) {
    if (!relative(join(dist, "_node"), file).startsWith("convkit@") || !file.endsWith(".js")) continue;
    for (const m of readFileSync(file, "utf8").matchAll(
      /from\s*["'](node:[a-z_/]+)["']|import\(\s*["'](node:[a-z_/]+)["']\s*\)/g,
    ))
      found.add(m[1] ?? m[2]);
  }
  return [...found];
}

/** Pages whose static HTML already carries an error block (e.g. a rejected import). */
function brokenPages() {
  const broken = [];
  for (const file of walk(dist, (p) => p.startsWith(join(dist, "reports")))) {
    if (file.endsWith(".html") && readFileSync(file, "utf8").includes("observablehq--error"))
      broken.push(relative(dist, file));
  }
  return broken;
}

function sizeOf(dir) {
  let bytes = 0;
  let files = 0;
  for (const file of walk(dir)) {
    bytes += statSync(file).size;
    files++;
  }
  return { bytes, files };
}

export function buildSite({ ifStale = false, skipLib = false } = {}) {
  ensureLib({ skipStale: skipLib });
  const hash = inputHash();
  if (ifStale && isFresh(hash)) {
    console.log("build-site: dist/ is up to date");
    return { built: false };
  }
  const start = performance.now();
  prepareCache();
  runFramework();
  const nReports = copyReports();
  const nodeImports = nodeImportsInBundle();
  if (nodeImports.length)
    throw new Error(
      `build-site: convkit's browser bundle imports ${nodeImports.join(", ")}, which no page can load; lib/ must be built by \`npm run build:lib\` (its browser-safe steps included)`,
    );
  const broken = brokenPages();
  if (broken.length) throw new Error(`build-site: pages with an error block: ${broken.join(", ")}`);
  const seconds = (performance.now() - start) / 1000;
  const { bytes, files } = sizeOf(dist);
  writeFileSync(
    stampFile,
    `${JSON.stringify({ hash, builtAt: new Date().toISOString(), seconds: Number(seconds.toFixed(2)), reports: nReports }, null, 2)}\n`,
  );
  console.log(
    `build-site: dist/ built in ${seconds.toFixed(1)} s: ${files} files, ${(bytes / 1e6).toFixed(2)} MB, ${nReports} notebook reports`,
  );
  return { built: true, seconds };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    buildSite({ ifStale: process.argv.includes("--if-stale"), skipLib: process.argv.includes("--skip-lib") });
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
