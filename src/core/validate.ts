/**
 * Argument checks shared by every public function, constructor and JSON spec, so that a bad
 * argument reads the same wherever it is caught. Each throws a ConvError naming the op and the
 * argument before any compute or allocation, and returns the checked value.
 *
 * Options objects (`conv2d(x, w, b, {stride: 2})`, `new Conv2d(..., {padding: 1})`, a layer
 * spec in a model file) go through `checkOptions`: an unknown or misspelled key is an error that
 * suggests the closest valid one, since plain JavaScript and tslab cells have no excess-property
 * check and an ignored `paddding: 1` silently changes the result.
 */
import { ConvError } from "./errors.js";

/**
 * A value as an error message shows it: JSON where JSON can say it, else a short description.
 * Never throws (BigInt, Symbol, functions and cyclic objects included) and stays under ~100 chars.
 */
export function formatValue(value: unknown): string {
  switch (typeof value) {
    case "bigint":
      return `${value}n`;
    case "symbol":
      return value.toString();
    case "function":
      return `function ${value.name || "(anonymous)"}`;
    case "undefined":
      return "undefined";
    case "number":
      return Object.is(value, -0) ? "-0" : String(value); // NaN and Infinity, which JSON writes as null
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const name = (value as object).constructor?.name;
    if (name && name !== "Object" && typeof (value as { shape?: unknown }).shape === "object") {
      const shape = (value as { shape?: unknown }).shape;
      return Array.isArray(shape) ? `${name} [${shape.join(", ")}]` : name;
    }
    if (ArrayBuffer.isView(value))
      return `${name} of length ${(value as unknown as { length?: number }).length ?? "?"}`;
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (_key, v: unknown) =>
      typeof v === "bigint" ? `${v}n` : typeof v === "number" && !Number.isFinite(v) ? String(v) : v,
    );
  } catch {
    text = undefined; // cyclic, or a getter that throws
  }
  if (text === undefined)
    return Array.isArray(value) ? "an array" : `an object (${Object.prototype.toString.call(value)})`;
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** What a value is, for "expected a Tensor, got ..." messages: "null", "a number", "an array", "Float32Array". */
export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") {
    const name = (value as object).constructor?.name;
    return name && name !== "Object" ? name : "a plain object";
  }
  return typeof value === "undefined" ? "undefined" : `a ${typeof value}`;
}

/** PyTorch's snake_case spelling to convkit's camelCase: `padding_mode` -> `paddingMode`. */
function camelCase(key: string): string {
  return key.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Levenshtein distance, for suggestions (keys are short: the quadratic table is fine). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    previous = row;
  }
  return previous[b.length]!;
}

/**
 * The valid key a misspelled `key` most likely meant: its camelCase form, the same letters in
 * another case, a key it abbreviates (`input` for `inputShape`, 3 letters or more), or the
 * nearest by edit distance (at most 2, or a third of the key's length).
 */
export function closestKey(key: string, allowed: readonly string[]): string | undefined {
  const camel = camelCase(key);
  const exact = allowed.find(
    (k) => k === camel || k.toLowerCase() === key.toLowerCase() || k.toLowerCase() === camel.toLowerCase(),
  );
  if (exact) return exact;
  const lower = camel.toLowerCase();
  const abbreviated = lower.length >= 3 ? allowed.filter((k) => k.toLowerCase().startsWith(lower)) : [];
  if (abbreviated.length === 1) return abbreviated[0];
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const k of allowed) {
    const d = Math.min(
      editDistance(key.toLowerCase(), k.toLowerCase()),
      editDistance(camel.toLowerCase(), k.toLowerCase()),
    );
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/**
 * Checks an options object: undefined means none ({}); anything but a plain object is refused,
 * and so is every own key that is not in `allowed`, with the closest valid key suggested:
 * `conv2d: unknown option "padding_mode"; did you mean "paddingMode"? conv2d takes stride, ...`.
 * `what` names the argument in messages ("option", "field", "layer option").
 */
export function checkOptions<T extends object>(
  op: string,
  options: T | undefined,
  allowed: readonly string[],
  what = "option",
): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== "object" || Array.isArray(options) || ArrayBuffer.isView(options)) {
    throw new ConvError(op, `${what}s must be an object like {${allowed[0] ?? ""}: ...}, got ${formatValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const guess = closestKey(key, allowed);
    const takes = allowed.length > 0 ? `${op} takes ${allowed.join(", ")}` : `${op} takes no ${what}s`;
    throw new ConvError(
      op,
      `unknown ${what} ${JSON.stringify(key)}; ${guess ? `did you mean ${JSON.stringify(guess)}? ` : ""}${takes}`,
    );
  }
  return options;
}

/** Throws unless `value` is true or false (no truthy strings or numbers, as PyTorch refuses them). */
export function checkBoolean(op: string, name: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new ConvError(op, `${name} must be true or false, got ${formatValue(value)}`);
  return value;
}

/**
 * Throws unless `value` is an array with at least one element: "costBars: data must be a
 * non-empty array of variants, got NaN". `name` is the argument's name, `items` what it holds.
 */
export function checkNonEmptyArray(op: string, name: string, value: unknown, items: string): void {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConvError(op, `${name} must be a non-empty array of ${items}, got ${formatValue(value)}`);
  }
}

/** Throws unless `value` is an integer (a number, not NaN or infinite), at least `min` when given; returns it. */
export function checkInteger(op: string, name: string, value: unknown, { min = -Infinity } = {}): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    const bound = min > -Infinity ? ` >= ${min}` : "";
    throw new ConvError(op, `${name} must be an integer${bound}, got ${formatValue(value)}`);
  }
  return value;
}

/** Throws unless `value` is a positive integer; returns it. */
export function checkPositiveInteger(op: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new ConvError(op, `${name} must be a positive integer, got ${formatValue(value)}`);
  }
  return value;
}

/** Throws unless `value` is a non-negative integer; returns it. */
export function checkNonNegativeInteger(op: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new ConvError(op, `${name} must be a non-negative integer, got ${formatValue(value)}`);
  }
  return value;
}

/** Throws unless `value` is a finite number (within [min, max] when given); returns it. */
export function checkFiniteNumber(
  op: string,
  name: string,
  value: unknown,
  { min = -Infinity, max = Infinity } = {},
): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    const range =
      min > -Infinity && max < Infinity
        ? ` in [${min}, ${max}]`
        : min > -Infinity
          ? ` >= ${min}`
          : max < Infinity
            ? ` <= ${max}`
            : "";
    throw new ConvError(op, `${name} must be a finite number${range}, got ${formatValue(value)}`);
  }
  return value;
}

/** Throws unless `value` is a function (a callback: a clock, a progress handler); returns it. */
export function checkFunction<T>(op: string, name: string, value: T): T {
  if (typeof value !== "function") throw new ConvError(op, `${name} must be a function, got ${describeType(value)}`);
  return value;
}

/** Throws unless `value` is one of `choices`; returns it. */
export function checkOneOf<T extends string>(op: string, name: string, value: unknown, choices: readonly T[]): T {
  if (!choices.includes(value as T)) {
    throw new ConvError(
      op,
      `unknown ${name} ${formatValue(value)}; expected one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`,
    );
  }
  return value as T;
}
