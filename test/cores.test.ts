/** The default thread count's topology and quota reading (src/kernels/cores.ts), on made-up /proc and /sys trees. */
import { describe, expect, it } from "vitest";
import { cpuQuota, parseCpuList, physicalCores } from "../src/kernels/cores.js";

/** A reader over a made-up tree: the allowed CPUs, and each CPU's hardware-thread siblings. */
function tree(allowed: string, siblings: Record<number, string>) {
  return (path: string): string | null => {
    if (path === "/proc/self/status")
      return `Name:\tnode\nCpus_allowed:\tff\nCpus_allowed_list:\t${allowed}\nMems_allowed:\t1\n`;
    const m = /^\/sys\/devices\/system\/cpu\/cpu(\d+)\/topology\/thread_siblings_list$/.exec(path);
    return m && siblings[Number(m[1])] !== undefined ? `${siblings[Number(m[1])]}\n` : null;
  };
}

/** n cores with two hardware threads each, numbered as Linux does on x86: core i has CPUs i and i + n. */
function smt(cores: number): Record<number, string> {
  const siblings: Record<number, string> = {};
  for (let i = 0; i < cores; i++) siblings[i] = siblings[i + cores] = `${i},${i + cores}`;
  return siblings;
}

describe("parseCpuList", () => {
  it("reads single CPUs, ranges and their mix", () => {
    expect(parseCpuList("0")).toEqual([0]);
    expect(parseCpuList("0-3")).toEqual([0, 1, 2, 3]);
    expect(parseCpuList("0-1,4,6-7\n")).toEqual([0, 1, 4, 6, 7]);
  });

  it("refuses what is not a CPU list", () => {
    for (const bad of ["", "a", "3-1", "0-", "0,,1", "1.5"]) expect(parseCpuList(bad)).toBeNull();
  });
});

describe("physicalCores", () => {
  it("counts each core once when its hardware threads are siblings (4 cores x 2 threads: 4)", () => {
    expect(physicalCores(tree("0-7", smt(4)))).toBe(4);
  });

  it("counts every CPU when none has a hardware-thread sibling (2 CPUs: 2)", () => {
    expect(physicalCores(tree("0-1", { 0: "0", 1: "1" }))).toBe(2);
  });

  it("counts only the CPUs the process may run on: two siblings are one core", () => {
    expect(physicalCores(tree("0,4", smt(4)))).toBe(1);
    expect(physicalCores(tree("0-1,4", smt(4)))).toBe(2);
  });

  it("reads siblings written as a range (AMD numbers a core's threads 0-1, 2-3, ...)", () => {
    expect(physicalCores(tree("0-3", { 0: "0-1", 1: "0-1", 2: "2-3", 3: "2-3" }))).toBe(2);
  });

  it("is null where the topology is unknown or malformed, so the default falls back to logical CPUs", () => {
    expect(physicalCores(() => null)).toBeNull();
    expect(physicalCores(tree("0-3", { 0: "0", 1: "1" }))).toBeNull(); // CPUs 2 and 3 unreadable
    expect(physicalCores(tree("0-1", { 0: "0", 1: "x" }))).toBeNull();
    expect(physicalCores(tree("0-1", { 0: "0", 1: "0" }))).toBeNull(); // CPU 1 not among its own siblings
    expect(physicalCores((path) => (path === "/proc/self/status" ? "Name:\tnode\n" : "0"))).toBeNull();
  });
});

/** A reader over made-up files. */
const files =
  (contents: Record<string, string>) =>
  (path: string): string | null =>
    contents[path] ?? null;

describe("cpuQuota", () => {
  it("reads cgroup v2's cpu.max under the process's cgroup: 250000 per 100000 is 3 CPUs (rounded up)", () => {
    expect(
      cpuQuota(
        files({ "/proc/self/cgroup": "0::/docker/abc\n", "/sys/fs/cgroup/docker/abc/cpu.max": "250000 100000\n" }),
      ),
    ).toBe(3);
  });

  it("reads cgroup v2 at the root in a container with its own cgroup namespace", () => {
    expect(cpuQuota(files({ "/proc/self/cgroup": "0::/\n", "/sys/fs/cgroup/cpu.max": "200000 100000\n" }))).toBe(2);
    expect(
      cpuQuota(files({ "/proc/self/cgroup": "0::/host/path\n", "/sys/fs/cgroup/cpu.max": "100000 100000\n" })),
    ).toBe(1);
  });

  it("is null with no limit: v2 'max', v1 quota -1", () => {
    expect(cpuQuota(files({ "/proc/self/cgroup": "0::/\n", "/sys/fs/cgroup/cpu.max": "max 100000\n" }))).toBeNull();
    expect(
      cpuQuota(
        files({
          "/proc/self/cgroup": "1:cpu:/\n0::/\n",
          "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n",
          "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n",
        }),
      ),
    ).toBeNull();
  });

  it("reads cgroup v1's cfs quota, mounted under the controllers' name or under cpu", () => {
    const cgroup = "4:memory:/x\n2:cpu,cpuacct:/docker/abc\n0::/\n";
    expect(
      cpuQuota(
        files({
          "/proc/self/cgroup": cgroup,
          "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us": "150000",
          "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us": "100000",
        }),
      ),
    ).toBe(2);
    expect(
      cpuQuota(
        files({
          "/proc/self/cgroup": cgroup,
          "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "400000",
          "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000",
        }),
      ),
    ).toBe(4);
  });

  it("is null where there is no cgroup file to read", () => {
    expect(cpuQuota(() => null)).toBeNull();
    expect(cpuQuota(files({ "/proc/self/cgroup": "0::/\n" }))).toBeNull();
  });
});
