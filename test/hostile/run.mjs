/**
 * The hostile-input runner: a child process (started by supervise.mjs) that loads the built
 * package (lib/), draws hostile calls with fast-check from a fixed seed, and writes one JSON line
 * per event to stdout:
 *   {"at": i, "case": {...}}       before call i, so the supervisor can name a call that hangs
 *   {"fail": {...}}                a call that ended otherwise than the contract says
 *   {"end": n, "calls": ..., ...}  after the last call
 * Arguments: --seed S --runs R (runs per property, scaled per descriptor) --start I (skip calls
 * before I, after a restart) --only NAME,NAME (descriptors to run).
 *
 * The contract, per call: it throws a ConvError whose message starts with `${op}:` and names the
 * argument, or it returns what the equivalent valid call returns (for tensor ops, that call on the
 * "reference" backend), within a per-call time and memory bound.
 */
import { writeSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import fc from "fast-check";
import { parseHTML } from "linkedom";
import * as convkit from "../../lib/index.js";
import * as charts from "../../lib/charts/index.js";
import { DESCRIPTORS, PLOT_KEYS } from "./descriptors.mjs";
import {
  CallerGetterError,
  FOREIGN_KEYS,
  GENERIC_VALUES,
  REFUSE,
  TYPES,
  misspellings,
  tensorValues,
} from "./values.mjs";

const { values: argv } = parseArgs({
  options: {
    seed: { type: "string", default: "20261207" },
    runs: { type: "string", default: "40" },
    start: { type: "string", default: "0" },
    only: { type: "string", default: "" },
    hung: { type: "string", default: "[]" },
  },
});
const SEED = Number(argv.seed);
const RUNS = Number(argv.runs);
const START = Number(argv.start);
const ONLY = argv.only ? new Set(argv.only.split(",")) : null;
/** Exports that already hung in this run: their other calls with a huge number are skipped. */
const HUNG = new Set(JSON.parse(argv.hung || "[]"));

/** A call slower than this is reported: a hang guard, not a speed assertion. */
export const CALL_MS = 2000;
/**
 * Resident memory, and array buffers (typed arrays live outside the V8 heap), after any call: what
 * one tensor at convkit's allocation limit takes (MAX_ALLOCATED_ELEMENTS float32 values), plus
 * room for the process itself.
 */
export const MEMORY_BYTES = convkit.MAX_ALLOCATED_ELEMENTS * 4 + 384 * 1024 ** 2;
/** Growth of the wasm memory in one call. */
export const WASM_GROWTH_BYTES = 256 * 1024 ** 2;

const k = convkit;
const { document } = parseHTML("<!doctype html><html><body></body></html>");
// Plot renders into window.document when a chart's options carry no document.
globalThis.window = { document };

/**
 * One JSON line to the supervisor, written synchronously so that a call that hangs has already
 * been announced. Stdout is a non-blocking pipe: when the supervisor falls behind (a loaded
 * machine), writeSync throws EAGAIN or writes part of the line, so the rest is retried.
 */
function emit(event) {
  const bytes = Buffer.from(`${JSON.stringify(event)}\n`);
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(1, bytes, offset);
    } catch (error) {
      if (error.code !== "EAGAIN") throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1); // let the pipe drain for 1 ms
    }
  }
}

// ---------- formatting any value for a report, without throwing ----------
function show(value, depth = 0, seen = new Set()) {
  try {
    if (value === undefined) return "undefined";
    if (value === null) return "null";
    if (typeof value === "bigint") return `${value}n`;
    if (typeof value === "symbol") return value.toString();
    if (typeof value === "function") return value.name ? `[function ${value.name}]` : "[function]";
    if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
    if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
    if (typeof value !== "object") return String(value);
    if (seen.has(value)) return "[cycle]";
    if (value instanceof k.Tensor) return `Tensor[${value.shape.join(", ")}]`;
    if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${value.length})`;
    if (depth > 2) return Array.isArray(value) ? "[...]" : "{...}";
    seen.add(value);
    if (Array.isArray(value))
      return `[${value
        .slice(0, 6)
        .map((v) => show(v, depth + 1, seen))
        .join(", ")}${value.length > 6 ? ", ..." : ""}]`;
    if (value.nodeType !== undefined) return `<${value.nodeName?.toLowerCase?.() ?? "node"}>`;
    const entries = Object.keys(value).map((key) => `${key}: ${show(value[key], depth + 1, seen)}`);
    return `{ ${entries.join(", ")} }`;
  } catch {
    return "[an object whose getters throw]";
  }
}

// ---------- comparing results ----------
function same(a, b, seen = new Set()) {
  if (Object.is(a, b)) return true;
  if (typeof a === "number" && typeof b === "number")
    return (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b));
  if (typeof a === "function" && typeof b === "function") return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (seen.has(a)) return true;
  seen.add(a);
  if (a instanceof k.Tensor || b instanceof k.Tensor) {
    if (!(a instanceof k.Tensor && b instanceof k.Tensor)) return false;
    return same(a.shape, b.shape) && sameNumbers(a.data, b.data);
  }
  // Plot numbers its clip paths across charts (plot-clip-1, plot-clip-2, ...).
  const markup = (node) => String(node.outerHTML).replace(/plot-clip-\d+/g, "plot-clip");
  if (a.nodeType !== undefined || b.nodeType !== undefined) return markup(a) === markup(b);
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) return sameNumbers(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  // A key holding undefined is the same as a missing key.
  const ka = Object.keys(a).filter((key) => a[key] !== undefined);
  const kb = Object.keys(b).filter((key) => b[key] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((key) => same(a[key], b[key], seen));
}

/** Two arrays of numbers, element by element (no copies: a huge but valid result has millions). */
function sameNumbers(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !same(a[i], b[i])) return false;
  return true;
}

/** Where two tensors of one shape first differ, for a report. */
function firstDifference(a, b) {
  if (!(a instanceof k.Tensor && b instanceof k.Tensor) || !same(a.shape, b.shape)) return "";
  for (let i = 0; i < a.size; i++)
    if (!same(a.data[i], b.data[i])) return ` (first difference at element ${i}: ${a.data[i]} vs ${b.data[i]})`;
  return "";
}

/** Keys only, for measurements whose numbers differ from run to run. */
function sameKeys(a, b) {
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return typeof a === typeof b;
  return same(Object.keys(a).sort(), Object.keys(b).sort());
}

/** A number in an analysis result that is not finite: a silent wrong answer (e.g. Infinity). */
function notFinite(value, path = "result", depth = 0, seen = new Set()) {
  if (typeof value === "number") return Number.isFinite(value) ? null : `${path} is ${value}`;
  if (typeof value !== "object" || value === null || depth > 6 || seen.has(value)) return null;
  if (value instanceof k.Tensor || ArrayBuffer.isView(value) || value.nodeType !== undefined) return null;
  seen.add(value);
  let keys;
  try {
    keys = Object.keys(value);
  } catch {
    return null; // a caller's object whose traps throw, handed back as it came
  }
  for (const key of keys) {
    const found = notFinite(value[key], `${path}.${key}`, depth + 1, seen);
    if (found) return found;
  }
  return null;
}

// ---------- the calls ----------
function target(d) {
  return (d.module === "charts" ? charts : convkit)[d.name];
}

/** Where the last call threw: "forward" when a layer's constructor accepted what its forward refused. */
let phase = "call";

async function call(d, args) {
  const fn = target(d);
  phase = "call";
  let result = d.kind === "class" ? new fn(...args) : fn(...args);
  if (result && typeof result.then === "function") result = await result;
  if (d.forward && result && typeof result.forward === "function") {
    phase = "forward";
    return result.forward(d.forward(k));
  }
  return result;
}

const INITIAL = { threads: k.getThreads(), fma: k.getWasmFma() };
function restoreGlobals() {
  k.setBackend("wasm");
  k.setThreads(INITIAL.threads);
  k.setWasmFma(INITIAL.fma);
  k.manualSeed(0);
}

/** The hostile value whose getters throw: the error it raises is the caller's own and may propagate. */
const THROWING_OBJECT = "an object whose getters throw";

// ---------- drawing cases ----------
const poolOf = (type, d, valid) => [
  ...GENERIC_VALUES,
  ...(type.tensor ? tensorValues(k, valid?.shape ?? [1, 4, 6, 6]) : []),
  ...(d.rank && !type.tensor ? [[`[2]*${d.rank + 1} (wrong length)`, () => Array(d.rank + 1).fill(2)]] : []),
];

/** Values fast-check makes up beyond the fixed list: any double, large integers, short strings, small arrays. */
const freeValueArb = fc.oneof(
  fc.double(),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
  fc.string({ maxLength: 6 }),
  fc.array(fc.integer({ min: -2, max: 4 }), { maxLength: 4 }),
);

/** A listed hostile value (its index, taken modulo the list's length) or one fast-check makes up. */
const valueArb = fc.oneof(
  { weight: 4, arbitrary: fc.nat().map((i) => ({ pool: i })) },
  { weight: 1, arbitrary: freeValueArb.map((raw) => ({ raw })) },
);

function materialize(drawn, pool) {
  if ("pool" in drawn) {
    const [label, make] = pool[drawn.pool % pool.length];
    return { label, value: make() };
  }
  const raw = Array.isArray(drawn.raw) ? [...drawn.raw] : drawn.raw;
  return { label: show(raw), value: raw };
}

function hashOf(text) {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

function unknownKeys(d) {
  const valid = new Set(Object.keys(d.keys));
  const chartKeys = d.chartKeys ? new Set(PLOT_KEYS) : new Set();
  const crossKeys = DESCRIPTORS.flatMap((other) => Object.keys(other.keys ?? {}));
  const candidates = [...new Set([...FOREIGN_KEYS, ...crossKeys, ...[...valid].flatMap(misspellings)])].filter(
    (key) => !valid.has(key) && !chartKeys.has(key),
  );
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...candidates) },
    {
      weight: 1,
      arbitrary: fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,10}$/).filter((key) => !valid.has(key) && !chartKeys.has(key)),
    },
  );
}

/** Every call of the run, in a fixed order: the same seed draws the same list. */
function drawCases() {
  const cases = [];
  for (const d of DESCRIPTORS) {
    if (ONLY && !ONLY.has(d.name)) continue;
    const runs = Math.max(4, Math.round(RUNS * (d.runs ?? 1) * (d.module === "charts" ? 0.4 : 1)));
    const sample = (property, arb, n) =>
      fc
        .sample(arb, { seed: (SEED ^ hashOf(`${d.name}/${d.variant ?? ""}/${property}`)) | 0, numRuns: n })
        .forEach((drawn) => {
          cases.push({ d, property, drawn });
        });
    if (d.options !== undefined) {
      sample("unknown option", fc.record({ key: unknownKeys(d), value: fc.constantFrom(1, 2, true, "same") }), runs);
      const keys = Object.keys(d.keys);
      // Every listed hostile value for every key, then values fast-check makes up.
      for (const key of keys) {
        const pool = poolOf(d.keys[key], d, null);
        for (let i = 0; i < pool.length; i++)
          cases.push({ d, property: "hostile option value", drawn: { key, value: { pool: i } } });
      }
      sample(
        "hostile option value",
        fc.record({ key: fc.constantFrom(...keys), value: freeValueArb.map((raw) => ({ raw })) }),
        runs,
      );
    }
    cases.push({ d, property: "valid call", drawn: null });
    const fuzzed = d.params.map((p, i) => (p.fuzz === false ? -1 : i)).filter((i) => i >= 0);
    for (const index of fuzzed) {
      const pool = poolOf(d.params[index].type, d, null);
      for (let i = 0; i < pool.length; i++)
        cases.push({ d, property: "hostile positional argument", drawn: { index, value: { pool: i } } });
    }
    if (fuzzed.length > 0)
      sample("hostile positional argument", fc.record({ index: fc.constantFrom(...fuzzed), value: valueArb }), runs);
    if (d.backend)
      sample(
        "NaN and Infinity in the input or weight",
        fc.record({
          which: fc.constantFrom(...d.params.flatMap((p, i) => (p.type === TYPES.tensor ? [i] : []))),
          at: fc.nat(),
          value: fc.constantFrom(NaN, Infinity, -Infinity),
          padding: fc.integer({ min: 0, max: 2 }),
        }),
        Math.max(4, Math.round(runs / 2)),
      );
  }
  return cases;
}

// ---------- one case ----------
function errorIs(e, op) {
  return e instanceof k.ConvError && e.message.startsWith(`${op}:`);
}

/**
 * The functional ops a layer's forward() runs, whose input checks may refuse its input (as in
 * PyTorch): a descriptor's `forwardOps`, else the layer's name with a lower-case first letter
 * (Conv2d runs conv2d, AvgPool2d avgPool2d, Linear linear).
 */
function forwardOpsOf(d, op) {
  return d.forwardOps ?? [op[0].toLowerCase() + op.slice(1)];
}

function describeError(e) {
  if (e instanceof Error) return `${e.constructor.name}: ${e.message.split("\n")[0].slice(0, 300)}`;
  return `threw a non-Error ${show(e)}`;
}

/** Builds the hostile call and the equivalent valid call of a case. */
function prepare(c) {
  const { d, property, drawn } = c;
  const op = d.op ?? d.name;
  const args = d.args(k, charts, document);
  const where = {};
  let expect;
  let canonArgs = null;
  if (property === "valid call") {
    // The descriptor's own call: it must return (else the descriptor is wrong, not the export).
    Object.assign(where, { argument: "", label: "the descriptor's valid arguments" });
    expect = { value: null, mayRefuse: false };
    canonArgs = d.args(k, charts, document);
  } else if (property === "unknown option") {
    args[d.options] = { ...args[d.options], [drawn.key]: drawn.value };
    Object.assign(where, {
      argument: drawn.key,
      label: `unknown option ${JSON.stringify(drawn.key)}: ${show(drawn.value)}`,
    });
    expect = REFUSE;
  } else if (property === "hostile option value") {
    const type = d.keys[drawn.key];
    const pool = poolOf(type, d, args[d.options]?.[drawn.key]);
    const { label, value } = materialize(drawn.value, pool);
    const hostile = { ...args[d.options], [drawn.key]: value };
    args[d.options] = hostile;
    expect = type.canonical(value, d.rank);
    Object.assign(where, { argument: drawn.key, label: `option ${drawn.key}: ${label}`, value });
    where.callerGetter = label === THROWING_OBJECT;
    if (!expect.refuse && !expect.skip) {
      canonArgs = d.args(k, charts, document);
      const valid = { ...canonArgs[d.options] };
      if (expect.value === undefined) delete valid[drawn.key];
      else valid[drawn.key] = expect.value;
      canonArgs[d.options] = valid;
    }
  } else if (property === "hostile positional argument") {
    const param = d.params[drawn.index];
    const pool = poolOf(param.type, d, args[drawn.index]);
    const { label, value } = materialize(drawn.value, pool);
    args[drawn.index] = value;
    expect = param.type.canonical(value, d.rank);
    Object.assign(where, {
      argument: param.name,
      label: `argument ${drawn.index + 1} (${param.name}): ${label}`,
      value,
    });
    where.callerGetter = label === THROWING_OBJECT;
    where.aliases = param.aliases ?? [];
    if (!expect.refuse && !expect.skip) {
      canonArgs = d.args(k, charts, document);
      canonArgs[drawn.index] = expect.value;
      // Trailing undefined arguments are the same as leaving them out.
    }
  } else {
    // NaN/Infinity in the data: the wasm and reference backends agree (PyTorch: 0 x Inf is NaN).
    const t = args[drawn.which];
    const data = Float32Array.from(t.data);
    data[drawn.at % data.length] = drawn.value;
    args[drawn.which] = new k.Tensor(data, t.shape);
    const o = { ...args[d.options], padding: d.name.startsWith("convTranspose") ? 0 : drawn.padding };
    args[d.options] = o;
    expect = { value: null, mayRefuse: false };
    canonArgs = args.map((a) => a);
    Object.assign(where, {
      argument: d.params[drawn.which].name,
      label: `${d.params[drawn.which].name}[${drawn.at % data.length}] = ${drawn.value}, padding ${o.padding}`,
    });
  }
  if (canonArgs && d.backend && d.options !== undefined) {
    const o = canonArgs[d.options];
    canonArgs[d.options] = { ...(o && typeof o === "object" ? o : {}), backend: "reference" };
    delete canonArgs[d.options].out;
  }
  return { op, args, where, expect, canonArgs };
}

/** A number (or an array holding one) of 1000 or more: the values that make a slow op hang. */
function isHuge(value) {
  if (typeof value === "number") return Math.abs(value) >= 1000;
  return Array.isArray(value) && value.some((v) => typeof v === "number" && Math.abs(v) >= 1000);
}

const callText = (d, args) => `${d.kind === "class" ? "new " : ""}${d.name}(${args.map((a) => show(a)).join(", ")})`;

async function runCase(c, i) {
  try {
    return await runCaseUnguarded(c, i);
  } catch (e) {
    // The runner itself failed on this case (e.g. comparing a result that holds a throwing proxy).
    emit({
      fail: {
        op: c.d.op ?? c.d.name,
        export: c.d.name,
        property: c.property,
        what: `the runner failed: ${describeError(e)}`,
      },
    });
    return { ms: 0 };
  }
}

async function runCaseUnguarded(c, i) {
  const { d, property } = c;
  const { op, args, where, expect, canonArgs } = prepare(c);
  const text = callText(d, args);
  emit({
    at: i,
    case: {
      op,
      export: d.variant ? `${d.name} (${d.variant})` : d.name,
      property,
      argument: where.argument,
      value: where.label,
      call: text,
    },
  });
  const exportName = d.variant ? `${d.name} (${d.variant})` : d.name;
  if (HUNG.has(exportName) && isHuge(where.value)) return { ms: 0, skipped: true };
  const report = (what) =>
    emit({
      fail: { op, export: exportName, property, argument: where.argument, value: where.label, call: text, what },
    });
  if (expect.skip) return { ms: 0 };

  const wasmBefore = k.wasmMemoryBytes();
  const t0 = performance.now();
  let result;
  let error;
  let threw = false;
  try {
    result = await call(d, args);
  } catch (e) {
    threw = true;
    error = e;
  }
  const ms = performance.now() - t0;
  const thrownIn = phase === "forward" ? "the constructor accepted it; forward() " : "";
  restoreGlobals();

  // A valid call whose cost comes from its size alone (a huge but valid size) is not held to the
  // per-call time bound; the memory bound stays, and the supervisor still kills a hang.
  // A huge value that the contract lets through (or refuses only once its size is known, as a
  // layer's forward() does) is held to the memory of its own tensors, not to the time bound: a
  // weight near the allocation limit is drawn value by value and, on the wasm backend, copied into
  // the engine's memory once.
  const hugeButValid = expect.mayRefuse && isHuge(where.value);
  if (ms > CALL_MS && !hugeButValid) report(`took ${Math.round(ms)} ms (bound ${CALL_MS} ms)`);
  let memory = process.memoryUsage();
  // What an earlier call left for the collector is not this call's: collect before judging.
  if (Math.max(memory.rss, memory.arrayBuffers) > MEMORY_BYTES && typeof globalThis.gc === "function") {
    globalThis.gc();
    memory = process.memoryUsage();
  }
  const grown = k.wasmMemoryBytes() - wasmBefore;
  const growthBound = hugeButValid ? MEMORY_BYTES : WASM_GROWTH_BYTES;
  const memoryBound = hugeButValid ? 2 * MEMORY_BYTES : MEMORY_BYTES;
  if (grown > growthBound) report(`grew the wasm memory by ${Math.round(grown / 2 ** 20)} MiB`);
  if (memory.rss > memoryBound || memory.arrayBuffers > memoryBound) {
    report(
      `left rss ${Math.round(memory.rss / 2 ** 20)} MiB, array buffers ${Math.round(memory.arrayBuffers / 2 ** 20)} MiB`,
    );
    return { ms, exit: true };
  }

  if (threw && property === "valid call")
    return (report(`the descriptor's valid call threw ${describeError(error)}`), { ms });
  if (threw) {
    if (error instanceof CallerGetterError && where.callerGetter) return { ms };
    if (!(error instanceof k.ConvError)) return (report(`${thrownIn}threw ${describeError(error)}`), { ms });
    const forwardRefused = phase === "forward" && forwardOpsOf(d, op).some((forwardOp) => errorIs(error, forwardOp));
    if (!errorIs(error, op) && !forwardRefused)
      return (
        report(`${thrownIn}threw a ConvError not starting with "${op}:": ${error.message.slice(0, 300)}`),
        { ms }
      );
    if (expect.refuse) {
      // The argument's API name, or what the type says may be named instead (an unknown key of a
      // cyclic options object; "layer N" for Sequential's layers); names null: any refusal.
      const names = expect.names === null ? null : [where.argument, ...(expect.names ?? []), ...(where.aliases ?? [])];
      if (names && !names.some((name) => error.message.includes(name)))
        report(`threw a ConvError that does not name ${where.argument}: ${error.message.slice(0, 300)}`);
      return { ms };
    }
    if (expect.mayRefuse) return { ms };
  } else if (expect.refuse) {
    return (report(`accepted it and returned ${show(result)}`), { ms });
  }

  // The hostile call must do what the equivalent valid call does.
  let canon;
  let canonThrew = false;
  try {
    canon = await call(d, canonArgs);
  } catch (e) {
    canonThrew = true;
    canon = e;
  }
  restoreGlobals();
  if (threw && !canonThrew)
    return (
      report(`threw "${error.message.slice(0, 200)}" but the equivalent valid call ${callText(d, canonArgs)} returns`),
      { ms }
    );
  if (threw && canonThrew) return { ms };
  if (!threw && canonThrew) {
    if (canon instanceof k.ConvError)
      return (
        report(`returned ${show(result)} but the equivalent valid call refuses it: ${canon.message.slice(0, 200)}`),
        { ms }
      );
    return (report(`the equivalent valid call ${callText(d, canonArgs)} threw ${describeError(canon)}`), { ms });
  }
  if (!(d.random ? sameKeys(result, canon) : same(result, canon)))
    return (
      report(
        `returned ${show(result)}, but the equivalent valid call ${callText(d, canonArgs)} returns ${show(canon)}${firstDifference(result, canon)}`,
      ),
      { ms }
    );
  if (!(result instanceof k.Tensor) && !d.passThrough) {
    const bad = notFinite(result);
    if (bad) report(`returned a result with ${bad}`);
  }
  return { ms };
}

// ---------- main ----------
restoreGlobals();
const cases = drawCases();
let maxMs = 0;
let slowest = "";
let skipped = 0;
const started = performance.now();
for (let i = START; i < cases.length; i++) {
  const c = cases[i];
  const { ms, exit, skipped: skip } = await runCase(c, i);
  if (skip) skipped++;
  if (ms > maxMs) [maxMs, slowest] = [ms, `${c.d.name} (${c.property})`];
  if (exit) {
    emit({ restart: i + 1 });
    process.exit(0);
  }
}
emit({
  end: cases.length,
  descriptors: new Set(cases.map((c) => c.d.name)).size,
  properties: new Set(cases.map((c) => `${c.d.name}/${c.property}`)).size,
  skippedAfterHang: skipped,
  maxMs: Math.round(maxMs),
  slowest,
  ms: Math.round(performance.now() - started),
});
process.exit(0);
