/** Types of supervise.mjs, for test/hostile.test.ts. */
export interface HostileFailure {
  op: string;
  export: string;
  property: string;
  argument?: string;
  value?: string;
  call?: string;
  what: string;
}
export interface HostileRun {
  failures: HostileFailure[];
  end: { end: number; descriptors: number; properties: number; maxMs: number; slowest: string; ms: number } | null;
  restarts: number;
  ms: number;
  seed: number;
  runs: number;
}
export const CALL_KILL_MS: number;
export const RSS_KILL_BYTES: number;
export const DEFAULT_SEED: number;
export function superviseHostileRun(options?: {
  seed?: number;
  runs?: number;
  only?: string;
  budgetMs?: number;
}): Promise<HostileRun>;
export function groupFailures(failures: HostileFailure[]): { key: string; count: number; example: HostileFailure }[];
export function formatFailures(run: HostileRun): string;
