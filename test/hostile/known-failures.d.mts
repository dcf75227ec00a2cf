/** Types of known-failures.mjs, for test/hostile.test.ts. */
export const KNOWN_FAILURES: { key: string; why: string }[];
