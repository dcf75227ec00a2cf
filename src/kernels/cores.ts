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
 *
 * A container may also be limited to a CPU time quota below its CPUs (docker --cpus=2 on a
 * 64-core host): threads past the quota only wait for their turn. cpuQuota reads it from the
 * process's cgroup: v2 cpu.max ("200000 100000": 2 CPUs; "max 100000": none), v1
 * cpu.cfs_quota_us / cpu.cfs_period_us (-1: none).
 */

/** Reads a text file, or null where it cannot be read. */
export type ReadText = (path: string) => string | null;

/** Parses a Linux CPU list ("0-3,8,10-11") into CPU numbers; null if it is not one. */
export function parseCpuList(text: string): number[] | null {
  const cpus: number[] = [];
  for (const part of text.trim().split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return null;
    const first = Number(m[1]),
      last = m[2] === undefined ? first : Number(m[2]);
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

/** CPUs' worth of time the process's cgroup allows (rounded up), or null where there is no limit or no cgroup to read. */
export function cpuQuota(read: ReadText): number | null {
  const cgroups = read("/proc/self/cgroup");
  if (!cgroups) return null;
  const limit = (quota: number, period: number) =>
    quota > 0 && period > 0 ? Math.max(1, Math.ceil(quota / period)) : null;
  for (const line of cgroups.split("\n")) {
    // v2: "0::/path"; the file is under the path, or at the root when the container has its own namespace
    const v2 = /^0::(\/.*)$/.exec(line.trim());
    if (v2) {
      const path = v2[1] === "/" ? "" : v2[1]!;
      for (const dir of [`/sys/fs/cgroup${path}`, "/sys/fs/cgroup"]) {
        const max = read(`${dir}/cpu.max`)?.trim().split(/\s+/);
        if (max && max.length === 2) return max[0] === "max" ? null : limit(Number(max[0]), Number(max[1]));
      }
      continue;
    }
    // v1: "N:cpu,cpuacct:/path" (the cpu controller, mounted under its controllers' name or "cpu")
    const v1 = /^\d+:([^:]*):(\/.*)$/.exec(line.trim());
    if (v1 && v1[1]!.split(",").includes("cpu")) {
      const path = v1[2] === "/" ? "" : v1[2]!;
      for (const dir of [
        `/sys/fs/cgroup/${v1[1]}${path}`,
        `/sys/fs/cgroup/cpu${path}`,
        `/sys/fs/cgroup/${v1[1]}`,
        "/sys/fs/cgroup/cpu",
      ]) {
        const quota = read(`${dir}/cpu.cfs_quota_us`),
          period = read(`${dir}/cpu.cfs_period_us`);
        if (quota !== null && period !== null) return limit(Number(quota.trim()), Number(period.trim()));
      }
    }
  }
  return null;
}
