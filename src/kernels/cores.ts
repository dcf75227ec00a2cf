/**
 * Physical cores this process may run on, from Linux's /proc and /sys: the default thread count
 * of the wasm backend in Node, as PyTorch (intra-op threads) and onnxruntime (intra_op_num_threads)
 * default to physical cores. Two hardware threads of one core share its SIMD units, so a second
 * worker there adds synchronisation and memory traffic rather than arithmetic.
 *
 *   /proc/self/status, "Cpus_allowed_list:"      the CPUs this process may run on ("0-3,8-11")
 *   /sys/devices/system/cpu/cpuN/topology/thread_siblings_list
 *                                                CPU N's core, as the list of its hardware threads
 *
 * Elsewhere (macOS, Windows, a browser, a sandbox without /sys) the topology is unknown: null.
 */

/** Reads a text file, or null where it cannot be read. */
export type ReadText = (path: string) => string | null;

/** Parses a Linux CPU list ("0-3,8,10-11") into CPU numbers; null if it is not one. */
export function parseCpuList(text: string): number[] | null {
  const cpus: number[] = [];
  for (const part of text.trim().split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return null;
    const first = Number(m[1]), last = m[2] === undefined ? first : Number(m[2]);
    if (last < first || last - first > 65536) return null;
    for (let cpu = first; cpu <= last; cpu++) cpus.push(cpu);
  }
  return cpus;
}

/**
 * The number of distinct cores among the CPUs this process may run on, or null where the files
 * are missing or malformed.
 */
export function physicalCores(read: ReadText): number | null {
  const status = read("/proc/self/status");
  const allowed = status && /^Cpus_allowed_list:\s*(.+)$/m.exec(status);
  const cpus = allowed ? parseCpuList(allowed[1]!) : null;
  if (!cpus || cpus.length === 0) return null;
  const cores = new Set<string>();
  for (const cpu of cpus) {
    const siblings = read(`/sys/devices/system/cpu/cpu${cpu}/topology/thread_siblings_list`);
    const threads = siblings === null ? null : parseCpuList(siblings);
    if (!threads || !threads.includes(cpu)) return null;
    cores.add(threads.join(","));
  }
  return cores.size;
}
