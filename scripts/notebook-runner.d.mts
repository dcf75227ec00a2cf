// Types of notebook-runner.mjs, for test/notebooks.test.ts.
export interface NotebookCell {
  cell_type: "code" | "markdown" | "raw";
  id?: string;
  source: string | string[];
  outputs?: NotebookOutput[];
  metadata: Record<string, unknown>;
  execution_count?: number | null;
}
export interface NotebookOutput {
  output_type: "stream" | "display_data" | "execute_result" | "error";
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
  ename?: string;
  evalue?: string;
}
export interface Notebook {
  cells: NotebookCell[];
  metadata: {
    kernelspec?: { name?: string; [key: string]: unknown };
    language_info?: { name?: string; [key: string]: unknown };
    [key: string]: unknown;
  };
  nbformat: number;
  nbformat_minor: number;
}
export interface CellFailure {
  /** Index of the failing cell (-1 when it could not be identified). */
  cell: number;
  source: string;
  message: string;
}
export type ExecuteResult =
  { ok: true; seconds: number; output: string } | { ok: false; seconds: number; failure: CellFailure };

export const ROOT: string;
export const NOTEBOOKS_DIR: string;
export function listNotebooks(dir?: string): string[];
export function jupyterCommand(): string;
export function jupyterAvailable(): boolean;
export function jupyterEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export function nbconvertExecute(
  file: string,
  outDir: string,
  options?: { allowErrors?: boolean; timeout?: number },
): Promise<{ code: number; stdout: string; stderr: string; seconds: number; output: string }>;
export function readNotebook(file: string): Notebook;
export function executeNotebook(file: string, outDir: string, options?: { timeout?: number }): Promise<ExecuteResult>;
export function formatFailure(file: string, failure: CellFailure): string;
export function normalizeSvg(markup: string): string;
export function normalizeOutput(output: NotebookOutput): unknown;
export const NONDETERMINISTIC_TAGS: readonly string[];
export function hasNondeterministicOutput(cell: NotebookCell): boolean;
export function compareNotebooks(committed: Notebook, executed: Notebook): string[];
export function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]>;
export function selfContainedReport(html: string): string;
export function renderReports(files: readonly string[], outDir: string): Promise<string[]>;
