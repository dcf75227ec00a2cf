#!/usr/bin/env node
/**
 * convkit against TensorFlow.js and onnxruntime-node on workloads a-g (regular, grouped, depthwise,
 * pointwise, dilated, strided convs and a tiny one for per-call overhead) and h (a strided
 * transposed conv, convkit's sub-pixel path), one process:
 *   convkit reference, convkit wasm x1 and x2 threads, tfjs-cpu, tfjs-wasm (SIMD),
 *   onnxruntime-node with 1 and 2 intra-op threads.
 * For each workload every engine warms up, then the engines are timed in rounds, interleaved
 * (the order rotates each round), so a burst of load from other processes hits them alike;
 * the figure kept is the median over rounds of the per-call time in a round. Every engine's
 * output is checked against convkit's reference (max abs diff).
 *
 * What a call includes, for each engine: inputs already in the engine's own format (a convkit
 * Tensor, a tfjs tensor in NHWC on its backend, a Float32Array for ORT), the output read back
 * into a JS Float32Array (convkit: the op's result; tfjs: dataSync(); ORT: run() -> Y.data).
 * The "out" engines write into a tensor made once (convkit's out option), as a loop can: they show
 * what allocating a fresh output array costs the other rows (every engine but these pays it).
 * The "resident" engines keep input, weight and output in the engine's memory and read nothing
 * back: convkit's toWasm tensors with an `out` made by toWasm (no copy in or out), tfjs-wasm's own
 * tensors without dataSync() (the previous output is disposed at the next call).
 * tfjs has no grouped convolution: workload b runs as split + 8 convs + concat, as a user would.
 * convkit's rows run its mul + add kernels, except the "fma" rows (fused multiply-add, relaxed
 * SIMD: on by default in Node 22+ and Chromium; on Node 20 the bench re-runs itself with
 * --experimental-wasm-relaxed-simd so that both can be measured).
 *
 * Two threads can only be faster where the machine gives them two cores: around every timing a
 * probe (bench/capacity.mjs) measures how many cores' worth of compute two threads get, and the
 * two-thread speed-ups are reported from the rounds timed while both cores were free.
 *
 * Usage: npm run bench (at the repository root; installs bench/'s own packages on first use)
 *        node bench/run.mjs [--rounds N] [--only abc] [--quick]
 * Writes bench/results.md and bench/results.json.
 */
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
if (!existsSync(resolve(here, "node_modules/onnxruntime-node"))) {
  console.error("bench: installing bench/'s own packages (npm ci; onnxruntime's CUDA download skipped)");
  execFileSync("npm", ["ci", "--no-audit", "--no-fund"], {
    cwd: here,
    stdio: "inherit",
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: "skip" },
  });
}

// Node 20 has relaxed SIMD behind a flag: run again with it, so the fma rows can be measured
const { spawnSync } = await import("node:child_process");
const relaxedSimd = WebAssembly.validate(
  new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 19, 1, 17, 0, 65, 0, 253, 15, 65, 0, 253, 15,
    65, 0, 253, 15, 253, 133, 2, 11,
  ]),
);
if (!relaxedSimd && !process.execArgv.includes("--experimental-wasm-relaxed-simd")) {
  const child = spawnSync(
    process.execPath,
    ["--experimental-wasm-relaxed-simd", ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: "inherit" },
  );
  process.exit(child.status ?? 1);
}

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const quick = args.includes("--quick");
const ROUNDS = Number(flag("--rounds", quick ? 3 : 9));
const ONLY = flag("--only", "abcdefgh");
/** Wall time one engine gets per round (it runs as many calls as fit, at least one). */
const ROUND_MS = quick ? 40 : 120;
/** The reference is timed only where one call takes less than this (else: its single checked call). */
const REFERENCE_MAX_MS = 2000;

const convkit = await import("convkit");
const tf = await import("@tensorflow/tfjs-core");
await import("@tensorflow/tfjs-backend-cpu");
const tfWasm = await import("@tensorflow/tfjs-backend-wasm");
const ort = (await import("onnxruntime-node")).default;
const { convModel } = await import("./onnx.mjs");
const { parallelCapacity, TWO_CORES } = await import("./capacity.mjs");

tfWasm.setWasmPaths(resolve(here, "node_modules/@tensorflow/tfjs-backend-wasm/dist") + "/");
await tf.setBackend("wasm");
await tf.ready();
const tfWasmSimd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");

/** The workloads: batch 1, NCHW. */
const WORKLOADS = [
  { id: "a", label: "3x3 64->64 56x56 p1", c: 64, f: 64, hw: 56, k: 3, stride: 1, pad: 1, dilation: 1, groups: 1 },
  {
    id: "b",
    label: "3x3 64->64 groups 8, 56x56 p1",
    c: 64,
    f: 64,
    hw: 56,
    k: 3,
    stride: 1,
    pad: 1,
    dilation: 1,
    groups: 8,
  },
  {
    id: "c",
    label: "depthwise 3x3 C=256 28x28 p1",
    c: 256,
    f: 256,
    hw: 28,
    k: 3,
    stride: 1,
    pad: 1,
    dilation: 1,
    groups: 256,
  },
  { id: "d", label: "1x1 256->256 28x28", c: 256, f: 256, hw: 28, k: 1, stride: 1, pad: 0, dilation: 1, groups: 1 },
  {
    id: "e",
    label: "3x3 dilation 2, 64->64 56x56 p2",
    c: 64,
    f: 64,
    hw: 56,
    k: 3,
    stride: 1,
    pad: 2,
    dilation: 2,
    groups: 1,
  },
  {
    id: "f",
    label: "3x3 stride 2, 64->128 56->28 p1",
    c: 64,
    f: 128,
    hw: 56,
    k: 3,
    stride: 2,
    pad: 1,
    dilation: 1,
    groups: 1,
  },
  {
    id: "g",
    label: "3x3 4->10 5x5 p1 (overhead)",
    c: 4,
    f: 10,
    hw: 5,
    k: 3,
    stride: 1,
    pad: 1,
    dilation: 1,
    groups: 1,
  },
  // a decoder's upsampling step (DCGAN, U-Net), PyTorch ConvTranspose2d
  {
    id: "h",
    label: "transposed 4x4 stride 2, 64->32 28->56 p1",
    c: 64,
    f: 32,
    hw: 28,
    k: 4,
    stride: 2,
    pad: 1,
    dilation: 1,
    groups: 1,
    transposed: true,
  },
].filter((w) => ONLY.includes(w.id));

// "out": the call writes into a tensor made once (the out option), no fresh output array per call
// "resident": inputs and output stay in the engine's memory (convkit: toWasm; tfjs: no dataSync)
// "fma": fused multiply-add kernels (the other convkit rows: mul + add)
const ENGINES = [
  "convkit reference",
  "convkit wasm x1",
  "convkit wasm x2",
  "convkit wasm x1, out",
  "convkit wasm x2, out",
  "convkit wasm x1, resident",
  "convkit wasm x2, resident",
  "convkit wasm x1, fma",
  "convkit wasm x2, fma",
  "convkit wasm x1, resident, fma",
  "tfjs-cpu",
  "tfjs-wasm SIMD",
  "tfjs-wasm SIMD, resident",
  "onnxruntime x1",
  "onnxruntime x2",
];

// ---- helpers -------------------------------------------------------------------------------
function random(n, seed) {
  // xorshift32, values in [-1, 1)
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}
const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** (N, C, H, W) -> (N, H, W, C) */
function nchwToNhwc(x, n, c, h, w) {
  const y = new Float32Array(x.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < h * w; i++) y[(b * h * w + i) * c + ch] = x[(b * c + ch) * h * w + i];
  return y;
}
function nhwcToNchw(y, n, h, w, c) {
  const x = new Float32Array(y.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < h * w; i++) x[(b * c + ch) * h * w + i] = y[(b * h * w + i) * c + ch];
  return x;
}
function maxAbsDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return a.length === b.length ? m : Infinity;
}
const tty = process.stderr.isTTY;
let lastProgress = 0;
function progress(text) {
  if (tty) process.stderr.write(`\r\x1b[K${text}`);
  else if (Date.now() - lastProgress > 5000) {
    process.stderr.write(`${text}\n`);
    lastProgress = Date.now();
  }
}

// ---- engines ---------------------------------------------------------------------------------
/**
 * convkit's engines for one op: the reference, wasm on 1 and 2 threads, the same writing into an
 * output tensor made once (`out`), and the same with input, weight and out in wasm (toWasm). The options objects are made once, as a user's
 * literal would be: a `{ ...opts, backend }` spread inside the timed call adds the cost of making
 * and reading the spread object in V8 to every call (visible in workload g, where a call takes
 * microseconds), the harness's cost, not the library's.
 */
function convkitEngines(op, X, W, opts, outShape) {
  const referenceOptions = { ...opts, backend: "reference" },
    wasmOptions = { ...opts, backend: "wasm" };
  const outOptions = { ...wasmOptions, out: convkit.zeros(outShape) };
  const residentOptions = { ...wasmOptions, out: convkit.toWasm(convkit.zeros(outShape)) };
  const XR = convkit.toWasm(X),
    WR = convkit.toWasm(W);
  if (!convkit.inWasm(XR)) throw new Error("bench: toWasm made a plain copy (no shared WebAssembly memory here)");
  const read = (y) => y.data;
  const wasm = (threads, options, x = X, w = W, fma = false) => ({
    before: () => {
      convkit.setThreads(threads);
      convkit.setWasmFma(fma);
    },
    run: () => op(x, w, null, options),
    read,
  });
  return {
    "convkit reference": { run: () => op(X, W, null, referenceOptions), read },
    "convkit wasm x1": wasm(1, wasmOptions),
    "convkit wasm x2": wasm(2, wasmOptions),
    "convkit wasm x1, out": wasm(1, outOptions),
    "convkit wasm x2, out": wasm(2, outOptions),
    "convkit wasm x1, resident": wasm(1, residentOptions, XR, WR),
    "convkit wasm x2, resident": wasm(2, residentOptions, XR, WR),
    "convkit wasm x1, fma": wasm(1, wasmOptions, X, W, true),
    "convkit wasm x2, fma": wasm(2, wasmOptions, X, W, true),
    "convkit wasm x1, resident, fma": wasm(1, residentOptions, XR, WR, true),
  };
}

/**
 * tfjs's engines for one backend and op (`call` returns the NHWC output tensor): the output read
 * back with dataSync(), and on wasm also left resident (disposed at the next call, read once for
 * the check).
 */
function tfjsEngines(backend, call, oh, f) {
  const before = () => tf.setBackend(backend);
  const engines = {
    [backend === "cpu" ? "tfjs-cpu" : "tfjs-wasm SIMD"]: {
      before,
      run: () => {
        const y = call();
        const d = y.dataSync();
        y.dispose();
        return d;
      },
      read: (d) => nhwcToNchw(d, 1, oh, oh, f),
    },
  };
  if (backend === "wasm") {
    let last = null;
    engines["tfjs-wasm SIMD, resident"] = {
      before,
      run: () => {
        last?.dispose();
        last = call();
        return last;
      },
      read: (y) => nhwcToNchw(y.dataSync(), 1, oh, oh, f),
    };
  }
  return engines;
}

/** Builds every engine's call for one workload; each returns the output as NCHW Float32Array via `read`. */
async function setup(wl) {
  if (wl.transposed) return setupTransposed(wl);
  const { c, f, hw, k, stride, pad, dilation, groups } = wl;
  const oh = convkit.convOutputSize(hw, k, { stride, padding: pad, dilation });
  const x = random(c * hw * hw, 1);
  const w = random(f * (c / groups) * k * k, 2);
  const macs = f * oh * oh * (c / groups) * k * k;
  const engines = {};

  const X = new convkit.Tensor(x, [1, c, hw, hw]);
  const W = new convkit.Tensor(w, [f, c / groups, k, k]);
  Object.assign(
    engines,
    convkitEngines(convkit.conv2d, X, W, { stride, padding: pad, dilation, groups }, [1, f, oh, oh]),
  );

  // tfjs: NHWC input, HWIO filter (depthwise: HW C multiplier)
  const xNhwc = nchwToNhwc(x, 1, c, hw, hw);
  const tfPad = [
    [0, 0],
    [pad, pad],
    [pad, pad],
    [0, 0],
  ];
  for (const backend of ["cpu", "wasm"]) {
    await tf.setBackend(backend);
    const xt = tf.tensor4d(xNhwc, [1, hw, hw, c]);
    let call;
    if (groups === c && f === c) {
      // depthwise: filter (kH, kW, C, 1)
      const filt = new Float32Array(k * k * c);
      for (let ch = 0; ch < c; ch++) for (let t = 0; t < k * k; t++) filt[t * c + ch] = w[ch * k * k + t];
      const ft = tf.tensor4d(filt, [k, k, c, 1]);
      call = () => tf.depthwiseConv2d(xt, ft, stride, tfPad, "NHWC", dilation);
    } else {
      // one HWIO filter per group
      const cg = c / groups,
        fg = f / groups;
      const filters = [];
      for (let g = 0; g < groups; g++) {
        const filt = new Float32Array(k * k * cg * fg);
        for (let o = 0; o < fg; o++)
          for (let i = 0; i < cg; i++)
            for (let t = 0; t < k * k; t++) filt[(t * cg + i) * fg + o] = w[((g * fg + o) * cg + i) * k * k + t];
        filters.push(tf.tensor4d(filt, [k, k, cg, fg]));
      }
      call =
        groups === 1
          ? () => tf.conv2d(xt, filters[0], stride, tfPad, "NHWC", dilation)
          : () =>
              tf.tidy(() => {
                const parts = tf.split(xt, groups, 3);
                return tf.concat(
                  parts.map((p, g) => tf.conv2d(p, filters[g], stride, tfPad, "NHWC", dilation)),
                  3,
                );
              });
    }
    Object.assign(engines, tfjsEngines(backend, call, oh, f));
  }

  // onnxruntime-node
  const model = convModel({
    inputShape: [1, c, hw, hw],
    weight: w,
    weightShape: [f, c / groups, k, k],
    outputShape: [1, f, oh, oh],
    strides: [stride, stride],
    pads: [pad, pad],
    dilations: [dilation, dilation],
    group: groups,
  });
  for (const threads of [1, 2]) {
    const session = await ort.InferenceSession.create(model, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
    });
    engines[`onnxruntime x${threads}`] = {
      async: true,
      run: async () => (await session.run({ X: new ort.Tensor("float32", x, [1, c, hw, hw]) })).Y.data,
      read: (d) => d,
    };
  }
  return { engines, macs, outShape: [1, f, oh, oh] };
}

/**
 * A transposed convolution (groups 1, dilation 1): PyTorch's weight (C_in, C_out, k, k). MACs are
 * the useful ones, C_in x C_out x k^2 per input position (what PyTorch's tools count), not those
 * of the zero-inserted form. tfjs: conv2dTranspose with "same" padding, which for k = 4, s = 2
 * pads 1 on each side as p = 1 does; ORT: a ConvTranspose node.
 */
async function setupTransposed(wl) {
  const { c, f, hw, k, stride, pad } = wl;
  const oh = convkit.convTransposeOutputSize(hw, k, { stride, padding: pad });
  if (oh !== hw * stride) throw new Error(`bench: workload ${wl.id} needs tfjs's "same" output size`);
  const x = random(c * hw * hw, 1);
  const w = random(c * f * k * k, 2);
  const macs = c * f * k * k * hw * hw;
  const engines = {};
  const X = new convkit.Tensor(x, [1, c, hw, hw]);
  const W = new convkit.Tensor(w, [c, f, k, k]);
  Object.assign(engines, convkitEngines(convkit.convTranspose2d, X, W, { stride, padding: pad }, [1, f, oh, oh]));
  // tfjs filter [kH, kW, outDepth, inDepth]: PyTorch's (C_in, C_out, kH, kW) as the conv2d it is the adjoint of
  const filt = new Float32Array(k * k * f * c);
  for (let ci = 0; ci < c; ci++)
    for (let fo = 0; fo < f; fo++)
      for (let t = 0; t < k * k; t++) filt[(t * f + fo) * c + ci] = w[(ci * f + fo) * k * k + t];
  const xNhwc = nchwToNhwc(x, 1, c, hw, hw);
  for (const backend of ["cpu", "wasm"]) {
    await tf.setBackend(backend);
    const xt = tf.tensor4d(xNhwc, [1, hw, hw, c]);
    const ft = tf.tensor4d(filt, [k, k, f, c]);
    Object.assign(
      engines,
      tfjsEngines(backend, () => tf.conv2dTranspose(xt, ft, [1, oh, oh, f], stride, "same"), oh, f),
    );
  }
  const model = convModel({
    opType: "ConvTranspose",
    inputShape: [1, c, hw, hw],
    weight: w,
    weightShape: [c, f, k, k],
    outputShape: [1, f, oh, oh],
    strides: [stride, stride],
    pads: [pad, pad],
    dilations: [1, 1],
    group: 1,
  });
  for (const threads of [1, 2]) {
    const session = await ort.InferenceSession.create(model, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
    });
    engines[`onnxruntime x${threads}`] = {
      async: true,
      run: async () => (await session.run({ X: new ort.Tensor("float32", x, [1, c, hw, hw]) })).Y.data,
      read: (d) => d,
    };
  }
  return { engines, macs, outShape: [1, f, oh, oh] };
}

/** Times calls of one engine for about ROUND_MS (at least one call); returns ms per call. */
async function timeRound(engine, budget = ROUND_MS) {
  if (engine.before) await engine.before();
  let calls = 0;
  const t0 = performance.now();
  let t;
  do {
    if (engine.async) await engine.run();
    else engine.run();
    calls++;
    t = performance.now();
  } while (t - t0 < budget);
  return (t - t0) / calls;
}

// ---- run -------------------------------------------------------------------------------------
const started = new Date();
const loadBefore = os.loadavg();
const results = [];
for (const wl of WORKLOADS) {
  progress(`[${wl.id}] setting up engines`);
  const { engines, macs, outShape } = await setup(wl);
  const times = Object.fromEntries(ENGINES.map((e) => [e, []]));
  // two-thread capacity around each timing (the lower of the probes before and after it)
  const capacities = Object.fromEntries(ENGINES.map((e) => [e, []]));
  const diffs = {};
  const notes = {};
  // the oracle, once (also its first timing)
  let t0 = performance.now();
  const refOut = engines["convkit reference"].read(engines["convkit reference"].run());
  const refMs = performance.now() - t0;
  const skipReference = refMs > REFERENCE_MAX_MS;
  if (skipReference) {
    times["convkit reference"].push(refMs);
    notes["convkit reference"] = `one call (${(refMs / 1000).toFixed(1)} s): not timed in rounds`;
  }
  // warm-up and check
  const active = ENGINES.filter((e) => !(skipReference && e === "convkit reference"));
  for (const name of active) {
    progress(`[${wl.id}] warm-up ${name}`);
    const engine = engines[name];
    if (engine.before) await engine.before();
    const out = engine.async ? await engine.run() : engine.run();
    diffs[name] = maxAbsDiff(engine.read(out), refOut);
    await timeRound(engine, name === "convkit reference" ? 0 : ROUND_MS);
  }
  let capacity = await parallelCapacity();
  for (let r = 0; r < ROUNDS; r++) {
    const order = active.map((_, i) => active[(i + r) % active.length]);
    for (const name of order) {
      if (name === "convkit reference" && times[name].length >= 3) continue;
      progress(
        `[${wl.id}] round ${r + 1}/${ROUNDS} ${name.padEnd(18)} load ${os.loadavg()[0].toFixed(2)}, two-thread capacity ${capacity.toFixed(2)}`,
      );
      const before = capacity;
      times[name].push(await timeRound(engines[name], name === "convkit reference" ? 0 : ROUND_MS));
      // let spinning pool threads (onnxruntime's, convkit's) go idle before the next engine
      await new Promise((r) => setTimeout(r, 30));
      capacity = await parallelCapacity();
      capacities[name].push(Math.min(before, capacity));
    }
  }
  const row = { id: wl.id, label: wl.label, macs, flops: 2 * macs, outShape, engines: {} };
  for (const name of ENGINES) {
    const ms = median(times[name]);
    const best = Math.min(...times[name]);
    // the rounds timed while both cores were free (the timing before the rounds, if any, had no probe)
    const free = times[name].slice(-capacities[name].length).filter((_, i) => capacities[name][i] >= TWO_CORES);
    row.engines[name] = {
      medianMs: ms,
      gflops: (2 * macs) / (ms * 1e6),
      bestMs: best,
      bestGflops: (2 * macs) / (best * 1e6),
      rounds: times[name].length,
      roundsMs: times[name],
      roundsCapacity: capacities[name],
      twoCoresMedianMs: free.length ? median(free) : null,
      twoCoresRounds: free.length,
      maxAbsDiff: diffs[name] ?? 0,
      ...(notes[name] ? { note: notes[name] } : {}),
    };
  }
  results.push(row);
  convkit.setThreads(os.availableParallelism());
}
if (tty) process.stderr.write("\r\x1b[K");
const loadAfter = os.loadavg();

// ---- report ----------------------------------------------------------------------------------
const fmtMs = (ms) => (ms < 0.1 ? `${(ms * 1000).toFixed(1)} us` : ms < 10 ? ms.toFixed(3) : ms.toFixed(1));
const fmtG = (g) => g.toFixed(g < 10 ? 2 : 1);
const ratio = (peer, ours) => `${(peer / ours).toFixed(2)}x`;
const info = {
  date: started.toISOString(),
  node: process.version,
  cpu: os.cpus()[0]?.model ?? "unknown",
  cores: os.availableParallelism(),
  loadAverageBefore: loadBefore.map((l) => +l.toFixed(2)),
  loadAverageAfter: loadAfter.map((l) => +l.toFixed(2)),
  rounds: ROUNDS,
  roundMs: ROUND_MS,
  tfjsWasmSimd: tfWasmSimd,
  convkitFmaSupported: convkit.wasmFmaSupported(),
  nodeFlags: process.execArgv,
  peakRssMiB: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
  convkitWasmMemoryMiB: +(convkit.wasmMemoryBytes() / 2 ** 20).toFixed(1),
  versions: { tfjs: tf.version_core, onnxruntime: ort.env.versions?.node ?? "1.30.0" },
};
const lines = [];
/** A table with a row per workload: `heads` name the columns after "workload", cell(r, i) fills column i. */
const table = (heads, cell, rowLabel = (r) => r.id) => {
  const rows = results.map((r) => [rowLabel(r), ...heads.map((_, i) => cell(r, i))]);
  lines.push(...convkit.markdownTable(["workload", ...heads], rows, ["left", ...heads.map(() => "right")]));
};
lines.push("# convkit benchmark: WebAssembly SIMD kernels vs TensorFlow.js and onnxruntime-node", "");
lines.push(
  `${info.date}, Node ${info.node}, ${info.cpu} (${info.cores} cores), load average ${info.loadAverageBefore.join(" / ")} before and ${info.loadAverageAfter.join(" / ")} after (1/5/15 min).`,
);
lines.push(
  `Median over ${ROUNDS} interleaved rounds of the per-call time (each engine ~${ROUND_MS} ms per round, after a warm-up). Batch 1, float32; a call includes reading the output back into a JS Float32Array, except in the "resident" rows (input, weight and output stay in the engine's memory: convkit toWasm tensors, tfjs-wasm tensors without dataSync). tfjs-wasm SIMD: ${tfWasmSimd}. convkit rows run its mul + add kernels except the "fma" rows (relaxed SIMD fused multiply-add; Node flags: ${process.execArgv.join(" ") || "none"}). Peak RSS of the process ${info.peakRssMiB} MiB; convkit's WebAssembly memory ${info.convkitWasmMemoryMiB} MiB.`,
  "",
);
lines.push("## Median ms per call / GFLOP/s (FLOPs = 2 x MACs)", "");
table(
  ENGINES,
  (r, i) => {
    const e = r.engines[ENGINES[i]];
    return `${fmtMs(e.medianMs)} / ${fmtG(e.gflops)}${e.note ? "*" : ""}`;
  },
  (r) => `${r.id} ${r.label}`,
);
lines.push("", "## Best round, ms per call / GFLOP/s (less sensitive to other processes' load)", "");
table(ENGINES, (r, i) => {
  const e = r.engines[ENGINES[i]];
  return `${fmtMs(e.bestMs)} / ${fmtG(e.bestGflops)}`;
});
lines.push("", "## Ratios of medians: peer time / convkit wasm time (above 1: convkit is faster)", "");
// [column, peer (numerator), convkit engine (denominator)]
const RATIOS = [
  ["tfjs-cpu / wasm x1", "tfjs-cpu", "convkit wasm x1"],
  ["tfjs-wasm / wasm x1", "tfjs-wasm SIMD", "convkit wasm x1"],
  ["onnxruntime x1 / wasm x1", "onnxruntime x1", "convkit wasm x1"],
  ["onnxruntime x2 / wasm x2", "onnxruntime x2", "convkit wasm x2"],
  ["wasm x1 / wasm x2 (thread speed-up)", "convkit wasm x1", "convkit wasm x2"],
  ["reference / wasm x1", "convkit reference", "convkit wasm x1"],
  ["tfjs-wasm / wasm x1, out", "tfjs-wasm SIMD", "convkit wasm x1, out"],
  ["wasm x1, out / wasm x2, out", "convkit wasm x1, out", "convkit wasm x2, out"],
  ["tfjs-wasm resident / wasm x1 resident", "tfjs-wasm SIMD, resident", "convkit wasm x1, resident"],
  ["wasm x1 resident / wasm x2 resident", "convkit wasm x1, resident", "convkit wasm x2, resident"],
  ["wasm x1 / wasm x1, fma", "convkit wasm x1", "convkit wasm x1, fma"],
  ["tfjs-wasm / wasm x1, fma", "tfjs-wasm SIMD", "convkit wasm x1, fma"],
  ["wasm x1, fma / wasm x2, fma", "convkit wasm x1, fma", "convkit wasm x2, fma"],
  ["tfjs-wasm resident / wasm x1 resident, fma", "tfjs-wasm SIMD, resident", "convkit wasm x1, resident, fma"],
];
table(
  RATIOS.map(([label]) => label),
  (r, i) => {
    const [, peer, ours] = RATIOS[i];
    return ratio(r.engines[peer].medianMs, r.engines[ours].medianMs);
  },
);
// two-thread speed-ups from the rounds timed while both cores were free (bench/capacity.mjs)
const probes = results.flatMap((r) => ENGINES.flatMap((e) => r.engines[e].roundsCapacity));
const shared = probes.filter((c) => c < TWO_CORES).length;
info.twoThreadCapacity = { probes: probes.length, median: +median(probes).toFixed(2), belowTwoCores: shared };
lines.push("", "## Two threads while both cores were free", "");
lines.push(
  `Before and after every timing the bench measures how many cores' worth of compute two threads get (bench/capacity.mjs: two threads doing the same work at once against one alone). Over this run: median ${info.twoThreadCapacity.median}, and ${shared} of ${probes.length} probes (${((100 * shared) / probes.length).toFixed(0)}%) below ${TWO_CORES}, where the two threads shared about one core. The speed-ups below use only the rounds whose probes on both sides were at or above ${TWO_CORES}, for the one-thread and the two-thread engine alike (rounds kept: one thread / two threads).`,
  "",
);
const PAIRS = [
  ["convkit, fresh output", "convkit wasm x1", "convkit wasm x2"],
  ["convkit, out", "convkit wasm x1, out", "convkit wasm x2, out"],
  ["convkit, resident", "convkit wasm x1, resident", "convkit wasm x2, resident"],
  ["convkit, fma", "convkit wasm x1, fma", "convkit wasm x2, fma"],
  ["onnxruntime", "onnxruntime x1", "onnxruntime x2"],
];
table(
  PAIRS.map(([label]) => label),
  (r, i) => {
    const a = r.engines[PAIRS[i][1]],
      b = r.engines[PAIRS[i][2]];
    return `${a.twoCoresMedianMs && b.twoCoresMedianMs ? ratio(a.twoCoresMedianMs, b.twoCoresMedianMs) : "-"} (${a.twoCoresRounds}/${b.twoCoresRounds})`;
  },
);
lines.push("", "## Max abs difference from convkit's reference", "");
table(ENGINES, (r, i) => r.engines[ENGINES[i]].maxAbsDiff.toExponential(1));
const notes = results.flatMap((r) =>
  ENGINES.filter((e) => r.engines[e].note).map((e) => `- ${r.id}, ${e}: ${r.engines[e].note}.`),
);
if (notes.length) lines.push("", "\\* " + "Timed once, not in rounds:", "", ...notes);
const md = lines.join("\n") + "\n";
writeFileSync(resolve(here, "results.md"), md);
writeFileSync(resolve(here, "results.json"), JSON.stringify({ info, workloads: results }, null, 2) + "\n");
process.stdout.write(md);
console.log(`\nwrote bench/results.md and bench/results.json`);
process.exit(0);
