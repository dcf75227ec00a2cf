/** Types of descriptors.mjs, for the TypeScript tests that read the table. */
export interface HostileDescriptor {
  name: string;
  module?: "charts";
  op?: string;
  kind?: "function" | "class";
  variant?: string;
  params: { name: string; fuzz?: boolean }[];
  options?: number;
  keys?: Record<string, unknown>;
}
export const DESCRIPTORS: HostileDescriptor[];
export const NO_ARGUMENTS: string[];
export const PLOT_KEYS: string[];
