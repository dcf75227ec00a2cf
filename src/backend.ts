/**
 * Backends: who runs the convolution loops. Every functional op validates its arguments and
 * computes a ConvInfo first (arithmetic.ts), then hands flat float32 arrays to the active backend.
 * "reference" is the readable direct-loop oracle (kernels/reference.ts).
 */
import type { ConvInfo } from "./arithmetic.js";
import { ConvError } from "./errors.js";
import { convReference, convTransposeReference } from "./kernels/reference.js";

export interface ConvBackend {
  readonly name: string;
  /** x (N, C_in, ...in), weight (C_out, C_in/g, ...k), bias (C_out) -> y (N, C_out, ...out); zero padding. */
  conv(info: ConvInfo, x: Float32Array, weight: Float32Array, bias: Float32Array | null): Float32Array;
  /** x (N, C_in, ...in), weight (C_in, C_out/g, ...k), bias (C_out) -> y (N, C_out, ...out). */
  convTranspose(info: ConvInfo, x: Float32Array, weight: Float32Array, bias: Float32Array | null): Float32Array;
}

export type BackendName = "reference";

export const referenceBackend: ConvBackend = {
  name: "reference",
  conv: convReference,
  convTranspose: convTransposeReference,
};

const backends = new Map<string, ConvBackend>([["reference", referenceBackend]]);
let active: ConvBackend = referenceBackend;

/** Registers a backend under its name (used by optional fast engines). */
export function registerBackend(backend: ConvBackend): void {
  backends.set(backend.name, backend);
}

/** Selects the backend every op uses unless a call names another. */
export function setBackend(name: BackendName | (string & {})): void {
  active = getBackend(name, "setBackend");
}

/** The name of the active backend. */
export function getBackendName(): string {
  return active.name;
}

/** The backend called `name`, or the active one. */
export function getBackend(name?: string, op = "getBackend"): ConvBackend {
  if (name === undefined) return active;
  const backend = backends.get(name);
  if (!backend) throw new ConvError(op, `unknown backend ${JSON.stringify(name)}; available: ${[...backends.keys()].map((n) => `"${n}"`).join(", ")}`);
  return backend;
}
