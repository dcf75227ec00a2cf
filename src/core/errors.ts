/** The error every invalid convkit call throws, before any compute. Its message names the op,
 * the offending argument and the shapes involved, e.g.
 * `conv2d: input channels (3) must be divisible by groups (2); input [1, 3, 5, 5]`. */
export class ConvError extends Error {
  /** The op that refused its arguments, e.g. "conv2d". */
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = "ConvError";
    this.op = op;
  }
}

/** Throws a ConvError for `op` unless `condition` holds. The message is built lazily. */
export function check(condition: boolean, op: string, message: () => string): asserts condition {
  if (!condition) throw new ConvError(op, message());
}

/** Formats a shape as PyTorch prints it: `[1, 64, 56, 56]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}
