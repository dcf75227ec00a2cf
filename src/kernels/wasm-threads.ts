/**
 * Threads for the wasm backend, in Node: worker_threads that instantiate the same kernel module
 * over the same shared WebAssembly memory. A call's gemm work units (batch x depth slice x group
 * x strips of output positions x panels of output channels) are handed out in small chunks from
 * an atomic counter, so a thread slowed by other processes takes fewer; the calling thread works
 * too, then waits (Atomics.wait) for the chunks still running, keeping conv() synchronous. A
 * worker that has not woken up by then is shut out of the job (its claim word is closed), so a
 * worker descheduled by other load never holds the call up.
 *
 * Browsers stay single-threaded: their main thread may not block on Atomics.wait, and convkit's
 * ops are synchronous.
 *
 * Control words (i32, at CONTROL_OFFSET in the shared memory):
 *   SEQ      job counter, bumped to start a job      NEXT     next unit to hand out
 *   UNITS, CHUNK, BUF, BUF_STRIDE: the job
 *   READY + w  worker w has instantiated the module
 *   CLAIM + w  0: worker w may join the job; 1: it joined (CAS 0 -> 1); 2: closed (CAS 0 -> 2)
 *   DONE + w   worker w finished the chunks it took
 * Workers are never stopped: setThreads(n) below the pool size leaves the rest asleep, and they
 * are unref'd, so the process exits while they wait.
 */
import { ConvError } from "../errors.js";
import { CONTROL_OFFSET, MAX_THREADS, PARAMS_OFFSET, setParallelRunner, type WasmEngine } from "./wasm.js";

const SEQ = 0, NEXT = 2, UNITS = 3, CHUNK = 4, BUF = 5, BUF_STRIDE = 6, READY = 16, CLAIM = 80, DONE = 144;
/** Calls below this many multiply-adds run on the calling thread (waking workers costs ~10-50 us). */
export const PARALLEL_MIN_MACS = 1_000_000;
/** Iterations a thread polls for work or completion before sleeping in Atomics.wait. */
const SPIN = 20_000;

const workerSource = `
const { workerData } = require("node:worker_threads");
const { module, memory, index, control, params, spin } = workerData;
const { gemm } = new WebAssembly.Instance(module, { env: { memory } }).exports;
const c = new Int32Array(memory.buffer, control, 256);
// read the job counter before announcing readiness: the first job may start right after
let seen = Atomics.load(c, ${SEQ});
Atomics.store(c, ${READY} + index, 1);
Atomics.notify(c, ${READY} + index);
for (;;) {
  for (let i = 0; i < spin && Atomics.load(c, ${SEQ}) === seen; i++);
  while (Atomics.load(c, ${SEQ}) === seen) Atomics.wait(c, ${SEQ}, seen);
  seen = Atomics.load(c, ${SEQ});
  // join the current job unless the caller already closed it (then it is done without us)
  if (Atomics.compareExchange(c, ${CLAIM} + index, 0, 1) !== 0) continue;
  const units = c[${UNITS}], chunk = c[${CHUNK}], buf = c[${BUF}] + index * c[${BUF_STRIDE}];
  for (;;) {
    const u = Atomics.add(c, ${NEXT}, chunk);
    if (u >= units) break;
    gemm(params, u, Math.min(u + chunk, units), buf);
  }
  Atomics.store(c, ${DONE} + index, 1);
  Atomics.notify(c, ${DONE} + index);
}
`;

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

/** Number of logical cores in Node, 1 elsewhere. */
function defaultThreads(): number {
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus(): unknown[] }>("node:os");
  if (!os) return 1;
  return Math.max(1, Math.min(MAX_THREADS, os.availableParallelism ? os.availableParallelism() : os.cpus().length));
}

let threads = defaultThreads();
const workers: NodeWorker[] = [];

/** Workers 1..count-1 exist and have instantiated the module (the caller is thread 0). */
function ensureWorkers(e: WasmEngine, count: number): number {
  const wt = nodeBuiltin<WorkerThreads>("node:worker_threads");
  if (!wt || !e.shared) return 1;
  const c = controlWords(e);
  while (workers.length < count - 1) {
    const index = workers.length + 1;
    Atomics.store(c, READY + index, 0);
    const worker = new wt.Worker(workerSource, {
      eval: true,
      workerData: { module: e.module, memory: e.memory, index, control: CONTROL_OFFSET, params: PARAMS_OFFSET, spin: SPIN },
    });
    worker.unref();
    workers.push(worker);
    // a worker starts on its own thread: wait (bounded) until it has instantiated the module
    Atomics.wait(c, READY + index, 0, 5000);
    if (Atomics.load(c, READY + index) !== 1) {
      void workers.pop()!.terminate();
      break;
    }
  }
  return Math.min(count, workers.length + 1);
}

/** Runs `units` gemm units of the call whose parameters are at PARAMS_OFFSET over the pool. */
/** Writes one float per 4 KiB page of a fresh array, so that its pages are faulted in now. */
function touchPages(out: Float32Array): void {
  for (let i = 0; i < out.length; i += 1024) out[i] = 0;
}

let control = new Int32Array(0);

/** The control words, as a view that is made again only when the memory has grown. */
function controlWords(e: WasmEngine): Int32Array {
  if (control.buffer !== e.memory.buffer) control = new Int32Array(e.memory.buffer, CONTROL_OFFSET, 256);
  return control;
}

function runParallel(e: WasmEngine, units: number, buffers: number, bufferBytes: number, prefault: Float32Array): void {
  const count = ensureWorkers(e, threads);
  const c = controlWords(e);
  const chunk = Math.max(1, Math.floor(units / (count * 24)));
  if (count <= 1) {
    touchPages(prefault);
    e.exports.gemm(PARAMS_OFFSET, 0, units, buffers);
    return;
  }
  c[UNITS] = units;
  c[CHUNK] = chunk;
  c[BUF] = buffers;
  c[BUF_STRIDE] = bufferBytes;
  Atomics.store(c, NEXT, 0);
  for (let w = 1; w <= workers.length; w++) {
    Atomics.store(c, DONE + w, 0);
    Atomics.store(c, CLAIM + w, w < count ? 0 : 2);
  }
  Atomics.add(c, SEQ, 1);
  Atomics.notify(c, SEQ);
  touchPages(prefault);
  for (;;) {
    const u = Atomics.add(c, NEXT, chunk);
    if (u >= units) break;
    e.exports.gemm(PARAMS_OFFSET, u, Math.min(u + chunk, units), buffers);
  }
  // every unit is taken: wait for the workers that joined, shut out those that did not
  for (let w = 1; w < count; w++) {
    if (Atomics.compareExchange(c, CLAIM + w, 0, 2) === 0) continue;
    for (let i = 0; i < SPIN && Atomics.load(c, DONE + w) === 0; i++);
    while (Atomics.load(c, DONE + w) === 0) Atomics.wait(c, DONE + w, 0);
  }
}

function install(): void {
  setParallelRunner(threads > 1 ? runParallel : null, threads, PARALLEL_MIN_MACS);
}

/**
 * Sets how many threads the wasm backend uses for calls of at least PARALLEL_MIN_MACS
 * multiply-adds (default: the number of cores in Node, 1 in browsers). Workers start on the next
 * large call (each instantiates the module, ~10-50 ms once) and are reused.
 */
export function setThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new ConvError("setThreads", `threads must be an integer from 1 to ${MAX_THREADS}, got ${JSON.stringify(n)}`);
  }
  if (n > 1 && !nodeBuiltin("node:worker_threads")) {
    throw new ConvError("setThreads", `threads (${n}) need Node's worker_threads; in a browser the wasm backend runs on one thread`);
  }
  threads = n;
  install();
}

/** The number of threads the wasm backend uses for large calls. */
export function getThreads(): number {
  return threads;
}

install();
