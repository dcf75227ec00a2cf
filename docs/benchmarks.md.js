// Page loader: the Benchmarks page, its tables read from bench/results.md when the site is built
// (the bench writes that file; the page keeps no copy of its figures). Each table is wrapped in a
// box that scrolls sideways, so a phone shows it without widening the page.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const results = readFileSync(fileURLToPath(new URL("../bench/results.md", import.meta.url)), "utf8");

/** bench/results.md without its title, headings one level down, tables in scrolling boxes, `$` escaped. */
function embed(markdown) {
  const lines = markdown.replace(/\$/g, "&#36;").split("\n");
  const out = [];
  let inTable = false;
  for (const line of lines) {
    if (/^# /.test(line)) continue;
    const isRow = line.startsWith("|");
    if (isRow && !inTable) out.push("", '<div class="wide">', "");
    if (!isRow && inTable) out.push("", "</div>", "");
    inTable = isRow;
    out.push(/^#{2,5} /.test(line) ? `#${line}` : line);
  }
  if (inTable) out.push("", "</div>");
  return out.join("\n");
}

const title = /^# (.*)$/m.exec(results)?.[1] ?? "convkit benchmark";

process.stdout.write(`---
title: Benchmarks
---

# Benchmarks

\`npm run bench\` times convkit against TensorFlow.js and onnxruntime-node on a fixed set of
workloads and writes \`bench/results.md\` (the tables below, read from that file when the site was
built) and \`bench/results.json\`. The peers are installed into \`bench/\`'s own package on first use
and never enter the library's dependencies.

## What is timed

- **Workloads** a-h: batch 1, float32, NCHW; dense 3x3 (a), grouped (b), depthwise (c), 1x1 (d),
  dilated (e), strided (f), a tiny call that measures overhead (g), and a decoder's transposed
  upsampling step (h, through the sub-pixel path; its GFLOP/s count the useful multiply-adds).
- **Engines**: convkit's reference loops; its wasm kernels on 1 and 2 threads, with a fresh output
  per call, writing into a reused \`out\` tensor, and "resident" (input, weight and \`out\` made by
  \`toWasm\`), each with mul + add and with fused multiply-add ("fma"; on Node 20 the bench re-runs
  itself with \`--experimental-wasm-relaxed-simd\`); TensorFlow.js 4.22 (\`tfjs-backend-cpu\`,
  \`tfjs-backend-wasm\` with SIMD); onnxruntime-node 1.30 on 1 and 2 intra-op threads, a one-node
  ONNX model built in code by \`bench/onnx.mjs\`.
- **A call** includes getting the output back as a JS \`Float32Array\` (convkit's result, tfjs
  \`dataSync()\`, ORT \`run()\`), except in the "resident" rows, which read nothing back. tfjs runs
  NHWC and has no groups (workload b is split + 8 convs + concat).
- **Method**: per workload each engine warms up, then the engines are timed in interleaved rounds
  (the order rotates); the median over rounds is reported with GFLOP/s (FLOPs = 2 x MACs), ratios
  to convkit, each engine's max abs difference from convkit's reference, the process's peak RSS and
  the load average.

## Reading the results

- **Two threads need two cores.** Around every timing the bench probes how many cores' worth of
  compute two threads get at that moment (\`bench/capacity.mjs\`). On a shared machine two vCPUs
  are often not two cores, and while two threads share a core every engine's second thread is no
  help or a cost. Two-thread speed-ups are therefore taken only from the rounds timed while both
  cores were free; the medians over all rounds are listed too, but they measure the host more than
  the engines.
- **Memory-bound calls.** On the depthwise workload the kernel is a small part of a call with a
  fresh output: the rest is copying the input in, allocating the output and copying it out. The
  "out" and "resident" rows show what is left when those go. Allocating and faulting in a fresh
  output costs more than copying into one already touched, and every engine that returns a new
  array pays it.
- **The allocator.** With glibc's allocator told to keep freed memory
  (\`GLIBC_TUNABLES=glibc.malloc.mmap_threshold=16777216:glibc.malloc.trim_threshold=67108864\` in
  the environment of the Node process), large outputs allocate faster for every engine.
- Single rounds move by 10-50% with the machine's load: compare engines within one run, as ratios,
  never against figures from another machine or day.

## Latest results

As \`npm run bench\` last wrote them to \`bench/results.md\` (${title.replace(/\$/g, "&#36;")}).

${embed(results)}
`);
