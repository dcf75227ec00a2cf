#!/usr/bin/env node
// A small static server for the built site: serves dist/ on 127.0.0.1 and prints the URL.
//
//   node scripts/serve.mjs [--port N] [--root DIR] [--isolated]
//                                    (PORT=N works too; --port 0 picks a free port)
//
// --isolated makes the pages cross-origin isolated (Cross-Origin-Opener-Policy: same-origin,
// Cross-Origin-Embedder-Policy: require-corp, and Cross-Origin-Resource-Policy: same-origin on
// every response): they get SharedArrayBuffer, and convkit's wasm backend runs on Web Workers
// (setThreads, default navigator.hardwareConcurrency). Without it pages run on one thread, as the
// site's prose and measurements assume. The site makes no cross-origin requests, so it loads the
// same either way.
//
// Framework's pages link without the .html extension ("./explorer"), so /explorer serves
// explorer.html and /variants/ serves variants/index.html. Only files under the root are served.
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
};

function isFile(path) {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The file a URL path names under `root`, trying `path`, `path.html` and `path/index.html`. */
export function resolveFile(root, urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath.split("?")[0].split("#")[0]);
  } catch {
    return null;
  }
  const full = normalize(join(root, path));
  if (full !== root && !full.startsWith(root + sep)) return null;
  for (const candidate of [full, `${full}.html`, join(full, "index.html")]) {
    if (isFile(candidate)) return candidate;
  }
  return null;
}

/** The headers that make a page cross-origin isolated (globalThis.crossOriginIsolated === true). */
export const ISOLATION_HEADERS = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "cross-origin-resource-policy": "same-origin",
};

/** Starts the server; resolves to {url, port, close()} once it listens. `isolated` adds ISOLATION_HEADERS. */
export function serve({ root = "dist", host = "127.0.0.1", port = 3000, isolated = false } = {}) {
  const base = resolve(root);
  const server = createServer((request, response) => {
    if (isolated) for (const [name, value] of Object.entries(ISOLATION_HEADERS)) response.setHeader(name, value);
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    const file = resolveFile(base, request.url ?? "/");
    if (!file) {
      const notFound = join(base, "404.html");
      response.writeHead(404, { "content-type": TYPES[".html"] });
      if (isFile(notFound) && request.method === "GET") createReadStream(notFound).pipe(response);
      else response.end(`not found: ${request.url}\n`);
      return;
    }
    response.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "content-length": statSync(file).size,
      "cache-control": "no-cache",
    });
    if (request.method === "HEAD") response.end();
    else createReadStream(file).pipe(response);
  });
  return new Promise((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolvePromise({
        url: `http://${host}:${actual}/`,
        port: actual,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function option(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = option("root") ?? "dist";
  const port = Number(option("port") ?? process.env.PORT ?? 3000);
  const isolated = process.argv.includes("--isolated");
  if (!isFile(join(resolve(root), "index.html"))) {
    console.error(`serve: ${resolve(root)}/index.html not found; build the site first (npm run build)`);
    process.exit(1);
  }
  let server;
  try {
    server = await serve({ root, port, isolated });
  } catch (error) {
    if (error.code !== "EADDRINUSE") throw error;
    console.error(`serve: port ${port} is in use; picking a free one`);
    server = await serve({ root, port: 0, isolated });
  }
  console.log(
    `convkit site: ${server.url}  (serving ${resolve(root)}${isolated ? ", cross-origin isolated" : ""}; Ctrl-C to stop)`,
  );
  const stop = () => server.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
