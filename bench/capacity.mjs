/**
 * How many cores' worth of compute two threads get at this moment: 2 x (one thread's time for a
 * fixed piece of work alone) / (the slower of two threads doing it at the same time). 2.0: two
 * free cores; 1.0: the two threads share one (a virtual machine whose two vCPUs the host runs on
 * one core, or another process on the other). On a shared virtual machine this moves between 1
 * and 2 from one second to the next, so bench/run.mjs probes it around every timing and reports two-thread speed-ups from the
 * timings made while both cores were free.
 */
import { Worker } from "node:worker_threads";

const source = `
const { parentPort } = require("node:worker_threads");
function work(n) { let s = 0; for (let i = 0; i < n; i++) s += Math.sqrt(i); return s; }
for (let i = 0; i < 50; i++) work(1e5);
parentPort.on("message", (n) => { const t0 = performance.now(); work(n); parentPort.postMessage(performance.now() - t0); });
`;
let workers = null;

const timed = (worker, n) =>
  new Promise((resolve) => {
    worker.once("message", resolve);
    worker.postMessage(n);
  });

/** Two-thread capacity now, from about `n` square roots per thread (short enough to repeat around every timing). */
export async function parallelCapacity(n = 2e6) {
  // not unref'd: a pending probe keeps the process alive (run.mjs ends with process.exit)
  workers ??= [0, 1].map(() => new Worker(source, { eval: true }));
  const alone = await timed(workers[0], n);
  const together = await Promise.all(workers.map((w) => timed(w, n)));
  return (2 * alone) / Math.max(...together);
}

/** Capacity at or above which both cores count as free. */
export const TWO_CORES = 1.8;
