/** The error every invalid convkit call throws, before any compute. Its message names the op,
 * the offending argument and the shapes involved, e.g.
 * `conv2d: input channels (3) must be divisible by groups (2); input [1, 3, 5, 5]`. */
export class ConvError extends Error {
  /** The op that refused its arguments, e.g. "conv2d". */
  readonly op: string;
  constructor(op: string, message: string) {
    // String() rather than a template alone, which throws a TypeError for a Symbol.
    super(`${String(op)}: ${String(message)}`);
    this.name = "ConvError";
    this.op = String(op);
  }
}

/** Throws a ConvError for `op` unless `condition` holds. The message is built lazily. */
export function check(condition: boolean, op: string, message: () => string): asserts condition {
  if (!condition) throw new ConvError(op, message());
}

/**
 * Formats a shape as PyTorch prints it: `[1, 64, 56, 56]`. The shape must be an array of
 * non-negative integers (ConvError otherwise).
 */
export function formatShape(shape: readonly number[]): string {
  check(
    Array.isArray(shape) && shape.every((s) => typeof s === "number" && Number.isInteger(s) && s >= 0),
    "formatShape",
    () =>
      `shape must be an array of non-negative integers, got ${Array.isArray(shape) ? "an array holding other values" : typeof shape}`,
  );
  return shapeText(shape);
}

/** formatShape without the check, for messages about shapes that may hold anything (NaN, -1). */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}
