/**
 * Threads for the wasm backend: workers that instantiate the same kernel module over the same
 * shared WebAssembly memory, in Node (worker_threads) and in cross-origin isolated pages (Web
 * Workers). A call's gemm work units (batch x depth slice x group x strips of output positions x
 * panels of output channels) are handed out in small chunks from an atomic counter, so a thread
 * slowed by other processes takes fewer; the calling thread works too, then waits for the chunks
 * still running, keeping conv() synchronous. A worker that has not woken up by then is shut out of
 * the job (its claim word is closed), so a worker descheduled by other load never holds a call up.
 *
 * Node starts its workers synchronously on the first large call (each waits, bounded, until its
 * worker has instantiated the module). A browser's main thread may neither block on Atomics.wait
 * nor let a worker start while it is busy, so there workers start in the background (setThreads,
 * the first large call or threadsReady()), a call uses only those that have already said READY,
 * and the caller spins (Atomics.load) for the workers' DONE words; `await threadsReady()` waits for
 * the pool. Pages that are not cross-origin isolated have no SharedArrayBuffer: one thread.
 *
 * Control words (i32, at CONTROL_OFFSET in the shared memory):
 *   SEQ      job counter, bumped to start a job      NEXT     next unit to hand out
 *   UNITS, CHUNK, BUF, BUF_STRIDE, JOB: the job (JOB: gemm units or channels to prep, wasm-conv.ts)
 *   WORKED   units run by workers (wraps at 2^32)
 *   RELEASED units whose input the caller has copied in (a job with a feed; else all units)
 *   FMA      1: the job runs the fused multiply-add build of the kernels, 0: mul + add
 *   READY + w  worker w has instantiated the module
 *   CLAIM + w  0: worker w may join the job; 1: it joined (CAS 0 -> 1); 2: closed (CAS 0 -> 2)
 *   DONE + w   worker w finished the chunks it took
 * Workers are never stopped: setThreads(n) below the pool size leaves the rest asleep (Node's are
 * unref'd, so the process exits while they wait).
 */
import { ConvError } from "../core/errors.js";
import { formatValue } from "../core/validate.js";
import { cpuQuota, physicalCores } from "./cores.js";
import { CONTROL_OFFSET, MAX_THREADS, PARAMS_OFFSET, wasmEngine, type WasmEngine } from "./wasm-engine.js";
import { JOB_PREP, setParallelRunner, type Feed, type Job } from "./wasm-conv.js";

const SEQ = 0,
  NEXT = 2,
  UNITS = 3,
  CHUNK = 4,
  BUF = 5,
  BUF_STRIDE = 6,
  WORKED = 7,
  JOB = 8,
  RELEASED = 9,
  FMA = 10,
  READY = 16,
  CLAIM = 80,
  DONE = 144;
/**
 * Calls below this many multiply-adds run on the calling thread: waking the workers costs more
 * than splitting saves (bench/results.md: the x1 and x2 columns of the small workloads).
 */
export const PARALLEL_MIN_MACS = 1_000_000;
/** Iterations a thread polls for work or completion before sleeping in Atomics.wait. */
const SPIN = 20_000;
/** How long threadsReady() waits for a browser worker to start before counting it out. */
const START_TIMEOUT_MS = 10_000;

/** A worker's life: `start` runs once with the module, memory and its index, then never returns. */
const workerLoop = `
function start({ module, fmaModule, memory, index, control, params, spin }, announce) {
  // both builds of the kernels over the shared memory: each job names the one the caller runs
  const builds = [module, fmaModule].map((m) => m && new WebAssembly.Instance(m, { env: { memory } }).exports);
  const c = new Int32Array(memory.buffer, control, 256);
  // read the job counter before announcing readiness: the first job may start right after
  let seen = Atomics.load(c, ${SEQ});
  Atomics.store(c, ${READY} + index, 1);
  Atomics.notify(c, ${READY} + index);
  announce();
  for (;;) {
    for (let i = 0; i < spin && Atomics.load(c, ${SEQ}) === seen; i++);
    while (Atomics.load(c, ${SEQ}) === seen) Atomics.wait(c, ${SEQ}, seen);
    seen = Atomics.load(c, ${SEQ});
    // join the current job unless the caller already closed it (then it is done without us)
    if (Atomics.compareExchange(c, ${CLAIM} + index, 0, 1) !== 0) continue;
    const units = c[${UNITS}], chunk = c[${CHUNK}], buf = c[${BUF}] + index * c[${BUF_STRIDE}], prep = c[${JOB}] === ${JOB_PREP};
    const { gemm, prepChannels } = builds[c[${FMA}]];
    let worked = 0;
    for (;;) {
      const u = Atomics.add(c, ${NEXT}, chunk);
      if (u >= units) break;
      const end = Math.min(u + chunk, units);
      // the caller may still be copying this chunk's input in (a feed): it is a few us away
      while (Atomics.load(c, ${RELEASED}) < end);
      if (prep) prepChannels(params, u, end);
      else gemm(params, u, end, buf);
      worked += end - u;
    }
    if (worked > 0) Atomics.add(c, ${WORKED}, worked);
    Atomics.store(c, ${DONE} + index, 1);
    Atomics.notify(c, ${DONE} + index);
  }
}
`;
const nodeWorkerSource = `${workerLoop}\nstart(require("node:worker_threads").workerData, () => {});\n`;
// a Web Worker gets its start data in its first message, and answers once it is READY
const browserWorkerSource = `${workerLoop}\nonmessage = (m) => { onmessage = null; start(m.data, () => postMessage("ready")); };\n`;

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
}
interface WorkerThreads {
  Worker: new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker;
}
type GetBuiltin = (name: string) => unknown;

function nodeBuiltin<T>(name: string): T | null {
  const get = (globalThis as { process?: { getBuiltinModule?: GetBuiltin } }).process?.getBuiltinModule;
  return typeof get === "function" ? (get(name) as T) : null;
}

/** Where workers come from: Node's worker_threads, a cross-origin isolated page's Web Workers, or nowhere. */
type Host = "node" | "browser" | null;

function detectHost(): Host {
  if (nodeBuiltin("node:worker_threads")) return "node";
  const g = globalThis as {
    crossOriginIsolated?: boolean;
    Worker?: unknown;
    Blob?: unknown;
    URL?: { createObjectURL?: unknown };
  };
  const isolated = g.crossOriginIsolated === true && typeof SharedArrayBuffer === "function";
  return isolated &&
    typeof g.Worker === "function" &&
    typeof g.Blob === "function" &&
    typeof g.URL?.createObjectURL === "function"
    ? "browser"
    : null;
}

const host = detectHost();

/**
 * Node: the physical cores this process may run on where Linux says (cores.ts), else the logical
 * CPUs it may use (os.availableParallelism); no more than its cgroup's CPU quota. Cross-origin
 * isolated pages: logical cores (navigator.hardwareConcurrency; a page cannot see the topology).
 * Else 1.
 */
function defaultThreads(): number {
  let cores = 1;
  if (host === "node") {
    const os = nodeBuiltin<{ availableParallelism?: () => number; cpus(): unknown[] }>("node:os")!;
    cores = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
    const fs = nodeBuiltin<{ readFileSync(path: string, encoding: "utf8"): string }>("node:fs");
    const read = (path: string) => {
      try {
        return fs ? fs.readFileSync(path, "utf8") : null;
      } catch {
        return null;
      }
    };
    cores = Math.min(cores, physicalCores(read) ?? cores, cpuQuota(read) ?? cores);
  } else if (host === "browser") {
    cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  }
  return Math.max(1, Math.min(MAX_THREADS, Math.floor(cores) || 1));
}

/** A started worker: `ready` settles true once it has instantiated the module, false if it failed. */
interface PoolWorker {
  ready: Promise<boolean>;
}

let threads = defaultThreads();
/** workers[w - 1] is worker w (the caller is thread 0). */
const workers: PoolWorker[] = [];
/** Set when a browser worker failed to start (e.g. a Content-Security-Policy without worker-src blob:): no more are started. */
let startFailure = "";
let workerUrl = "";

let control = new Int32Array(0);

/** The control words, as a view that is made again only when the memory has grown. */
function controlWords(e: WasmEngine): Int32Array {
  if (control.buffer !== e.memory.buffer) control = new Int32Array(e.memory.buffer, CONTROL_OFFSET, 256);
  return control;
}

/** What a worker needs to instantiate the kernels over the caller's memory. */
function startData(e: WasmEngine, index: number) {
  return {
    module: e.module,
    fmaModule: e.fmaModule,
    memory: e.memory,
    index,
    control: CONTROL_OFFSET,
    params: PARAMS_OFFSET,
    spin: SPIN,
  };
}

/** Node: workers 1..count-1 exist and have instantiated the module, started one by one (bounded wait each). */
function startNodeWorkers(e: WasmEngine, count: number): void {
  const wt = nodeBuiltin<WorkerThreads>("node:worker_threads")!;
  const c = controlWords(e);
  while (workers.length < count - 1) {
    const index = workers.length + 1;
    Atomics.store(c, READY + index, 0);
    const worker = new wt.Worker(nodeWorkerSource, { eval: true, workerData: startData(e, index) });
    worker.unref();
    // a worker starts on its own thread: wait (bounded) until it has instantiated the module
    Atomics.wait(c, READY + index, 0, 5000);
    if (Atomics.load(c, READY + index) !== 1) {
      void worker.terminate();
      break;
    }
    workers.push({ ready: Promise.resolve(true) });
  }
}

/** Browser: workers 1..count-1 have been created; they start while this thread is idle and say READY. */
function startBrowserWorkers(e: WasmEngine, count: number): void {
  if (startFailure) return;
  const c = controlWords(e);
  while (workers.length < count - 1) {
    const index = workers.length + 1;
    Atomics.store(c, READY + index, 0);
    let worker: Worker;
    try {
      workerUrl ||= URL.createObjectURL(new Blob([browserWorkerSource], { type: "text/javascript" }));
      worker = new Worker(workerUrl, { name: `convkit-wasm-${index}` });
    } catch (error) {
      startFailure = (error as Error).message;
      return;
    }
    const ready = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), START_TIMEOUT_MS);
      worker.onmessage = () => {
        clearTimeout(timer);
        resolve(true);
      };
      worker.onerror = (event) => {
        clearTimeout(timer);
        event.preventDefault();
        startFailure ||= event.message || "a worker failed to start";
        resolve(false);
      };
    });
    worker.postMessage(startData(e, index));
    workers.push({ ready });
  }
}

/** Starts the workers a pool of `count` threads needs, where threads can run. */
function startWorkers(e: WasmEngine, count: number): void {
  if (!e.shared) return;
  if (host === "node") startNodeWorkers(e, count);
  else if (host === "browser") startBrowserWorkers(e, count);
}

/** Workers below `count` that have said READY. */
function readyWorkers(c: Int32Array, count: number): number {
  let ready = 0;
  for (let w = 1; w < count && w <= workers.length; w++) if (Atomics.load(c, READY + w) === 1) ready++;
  return ready;
}

/** Writes one float per 4 KiB page of a fresh array, so that its pages are faulted in now; returns it. */
function touchPages(out: Float32Array): Float32Array {
  for (let i = 0; i < out.length; i += 1024) out[i] = 0;
  return out;
}

/**
 * Runs `units` units of a job (gemm units or channels to prep) of the call whose parameters are at
 * PARAMS_OFFSET over the pool; allocates the call's output (outLength floats, pages faulted in)
 * while the workers run (see ParallelRunner).
 */
function runParallel(
  e: WasmEngine,
  job: Job,
  units: number,
  buffers: number,
  bufferBytes: number,
  outLength: number,
  feed: Feed | null = null,
): Float32Array | null {
  startWorkers(e, threads);
  const c = controlWords(e);
  const helpers = readyWorkers(c, threads);
  const run = (u0: number, u1: number) => {
    if (job === JOB_PREP) e.exports.prepChannels(PARAMS_OFFSET, u0, u1);
    else e.exports.gemm(PARAMS_OFFSET, u0, u1, buffers);
  };
  if (helpers === 0) {
    feed?.(0, units);
    run(0, units);
    return outLength > 0 ? new Float32Array(outLength) : null;
  }
  const chunk = Math.max(1, Math.floor(units / ((helpers + 1) * 24)));
  c[UNITS] = units;
  c[CHUNK] = chunk;
  c[BUF] = buffers;
  c[BUF_STRIDE] = bufferBytes;
  c[JOB] = job;
  c[FMA] = e.fma ? 1 : 0;
  Atomics.store(c, RELEASED, feed ? 0 : units);
  Atomics.store(c, NEXT, 0);
  for (let w = 1; w <= workers.length; w++) {
    Atomics.store(c, DONE + w, 0);
    Atomics.store(c, CLAIM + w, w < threads && Atomics.load(c, READY + w) === 1 ? 0 : 2);
  }
  Atomics.add(c, SEQ, 1);
  Atomics.notify(c, SEQ);
  if (feed) {
    // copy the input in a chunk at a time, releasing each to the workers as it lands
    for (let u = 0; u < units; u += chunk) {
      const end = Math.min(u + chunk, units);
      feed(u, end);
      Atomics.store(c, RELEASED, end);
    }
  }
  const out = outLength > 0 ? touchPages(new Float32Array(outLength)) : null;
  for (;;) {
    const u = Atomics.add(c, NEXT, chunk);
    if (u >= units) break;
    run(u, Math.min(u + chunk, units));
  }
  // every unit is taken: wait for the workers that joined, shut out those that did not
  const last = Math.min(threads - 1, workers.length);
  for (let w = 1; w <= last; w++) {
    if (Atomics.compareExchange(c, CLAIM + w, 0, 2) !== 1) continue;
    for (let i = 0; i < SPIN && Atomics.load(c, DONE + w) === 0; i++);
    // a browser's main thread may not block: it keeps polling (the chunk left is small)
    if (host === "node") while (Atomics.load(c, DONE + w) === 0) Atomics.wait(c, DONE + w, 0);
    else while (Atomics.load(c, DONE + w) === 0);
  }
  return out;
}

function install(): void {
  setParallelRunner(threads > 1 ? runParallel : null, threads, PARALLEL_MIN_MACS);
}

/** Why threads cannot run here, for setThreads' error. */
function noThreadsReason(): string {
  const g = globalThis as { document?: unknown; WorkerGlobalScope?: unknown };
  const where =
    g.document !== undefined || g.WorkerGlobalScope !== undefined
      ? "this page is not cross-origin isolated"
      : "this runtime has neither";
  return `need Node's worker_threads or a cross-origin isolated page (served with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp); ${where}, so the wasm backend runs on one thread`;
}

/**
 * Sets how many threads the wasm backend uses for calls of at least PARALLEL_MIN_MACS
 * multiply-adds (default: the number of cores in Node, physical ones where Linux says, as PyTorch
 * and onnxruntime count them, within the cgroup's CPU quota; navigator.hardwareConcurrency in
 * cross-origin isolated pages; 1 in other pages). Node starts its workers on the next large call
 * (each instantiates the module, once); a page starts them now, in the background, and
 * uses each once it is ready (`await threadsReady()`). Workers are reused.
 */
export function setThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new ConvError("setThreads", `threads must be an integer from 1 to ${MAX_THREADS}, got ${formatValue(n)}`);
  }
  if (n > 1 && host === null) throw new ConvError("setThreads", `threads (${n}) ${noThreadsReason()}`);
  threads = n;
  install();
  if (host === "browser" && n > 1) {
    const e = wasmEngine();
    if (e) startWorkers(e, n);
  }
}

/** The number of threads the wasm backend uses for large calls. */
export function getThreads(): number {
  return threads;
}

/**
 * Starts the workers getThreads() asks for and resolves with the number of threads that can work
 * on a call (the caller included): at once in Node, once every page worker has started (or failed,
 * or taken 10 s) in a browser. 1 where threads cannot run.
 */
export async function threadsReady(): Promise<number> {
  const e = wasmEngine();
  if (!e || !e.shared || threads <= 1) return 1;
  startWorkers(e, threads);
  await Promise.all(workers.slice(0, threads - 1).map((w) => w.ready));
  return 1 + readyWorkers(controlWords(e), threads);
}

/** Gemm units run by workers since the engine started, mod 2^32 (a test hook: proves workers took part). */
export function workerUnits(): number {
  const e = wasmEngine();
  return e && e.shared ? Atomics.load(controlWords(e), WORKED) >>> 0 : 0;
}

install();
