/**
 * What every browser test shares: Debian's Chromium driven by playwright-core with the flags that
 * keep it quiet on a closed network, a fresh profile per launch, the site's static server on a
 * random 127.0.0.1 port, one site build per test run, and a watcher that records every console
 * error, page error, failed, external or >= 400 request of a page.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { repoRoot } from "./helpers.js";

export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  context: BrowserContext;
  /** Closes the browser and deletes its profile. */
  close(): Promise<void>;
}

/** Launches Chromium with a fresh, empty profile. */
export async function launchChromium(
  name: string,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install chromium; .ci/run does)`);
  const profile = mkdtempSync(join(tmpdir(), `convkit-chromium-${name}-`));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    ...options,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Serves `page` at / and the built library under /lib/ (nothing else) on a free 127.0.0.1 port,
 * with `headers` on every response: how the wasm browser tests load lib/ without a bundler.
 */
export async function serveLibPage(
  page: string,
  headers: Record<string, string> = {},
): Promise<{ server: Server; origin: string }> {
  if (!existsSync(join(repoRoot, "lib/kernels/wasm-binary.js")))
    throw new Error("lib/ is not built: run npm run build:lib");
  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/") {
      res.writeHead(200, { "content-type": "text/html" }).end(page);
      return;
    }
    const file = normalize(join(repoRoot, path));
    if (!path.startsWith("/lib/") || !file.startsWith(join(repoRoot, "lib")) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, { "content-type": extname(file) === ".js" ? "text/javascript" : "application/octet-stream" })
      .end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Starts scripts/serve.mjs (with `args`, e.g. --root, --isolated) on a free port and resolves with the URL it prints. */
export function startSiteServer(args: string[] = []): Promise<{ process: ChildProcess; origin: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, "scripts", "serve.mjs"), "--port", "0", ...args], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const timer = setTimeout(() => reject(new Error(`serve.mjs printed no URL: ${out}`)), 10_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolvePromise({ process: child, origin: match[0] });
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("exit", (code) => reject(new Error(`serve.mjs exited with ${code}: ${out}`)));
  });
}

/** Where the browser tests save screenshots of what they saw. */
export const SCREENSHOTS = join(repoRoot, "build", "screenshots");

/** The built site served and open in Chromium, for one test file (filled in by its beforeAll). */
export interface SiteSession {
  origin: string;
  context: BrowserContext;
}

/**
 * Registers the test file's beforeAll (build dist/ if stale, serve it, launch a 1280x900
 * Chromium) and afterAll (close both); returns the session they fill in.
 */
export function siteInChromium(name: string): SiteSession {
  const session = { origin: "" } as SiteSession;
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    // `npm test` builds lib/ first; the site is rebuilt only when lib/, docs/ or its config changed.
    const seconds = await ensureSiteBuilt();
    console.log(`${name}: build step ${seconds.toFixed(1)} s (skipped when dist/ is current)`);
    ({ process: server, origin: session.origin } = await startSiteServer());
    browser = await launchChromium(name, { viewport: { width: 1280, height: 900 } });
    session.context = browser.context;
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) server.kill("SIGTERM");
  });
  return session;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Builds the site when its inputs changed (scripts/build-site.mjs --if-stale; `npm test` builds
 * lib/ first). Test files run in parallel workers, so a lock folder makes the builds take turns:
 * the second finds dist/ current and returns at once. Returns the seconds it took.
 */
export async function ensureSiteBuilt(): Promise<number> {
  const start = performance.now();
  const lock = join(repoRoot, "build", "site-build.lock");
  mkdirSync(join(repoRoot, "build"), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than ten minutes was left by a killed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 600_000)
        rmSync(lock, { recursive: true, force: true });
      await sleep(250);
    }
  }
  try {
    execFileSync(process.execPath, [join(repoRoot, "scripts", "build-site.mjs"), "--if-stale", "--skip-lib"], {
      cwd: repoRoot,
      stdio: "pipe",
    });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return (performance.now() - start) / 1000;
}

/**
 * Records what a reader should never meet on `page`: console errors, page errors, failed
 * requests, HTTP >= 400, and any request that leaves `origin` (which is blocked).
 */
export async function watchPage(page: Page, origin: string): Promise<string[]> {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (req) => {
    if (!problems.some((p) => p.includes(req.url())))
      problems.push(`failed request: ${req.url()} (${req.failure()?.errorText})`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.origin === origin || url.protocol === "data:" || url.protocol === "blob:") return route.continue();
    problems.push(`external request: ${url.href}`);
    return route.abort("blockedbyclient");
  });
  return problems;
}
