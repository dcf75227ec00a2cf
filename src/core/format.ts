/**
 * How convkit prints numbers, byte sizes and tables: the summary, the tutorial and latency tables,
 * the charts' labels, the site's pages and the benchmark all call these, so a count reads the
 * same wherever it appears.
 *
 *   formatThousands(1048320)                          // "1,048,320"
 *   formatBytes(12845056)                             // "12.85 MB"
 *   alignedTable(["layer", "MACs"], [["conv1", "86,704,128"]], ["left", "right"]).join("\n")
 */
import { check, ConvError } from "./errors.js";
import { checkFiniteNumber, checkInteger, checkOneOf, checkOptions, formatValue } from "./validate.js";

/**
 * Integers with thousands separators ("1,048,320"); other numbers rounded half up to at most 3
 * decimals ("0.333"), so a log scale's tick at 7.9999999 prints "8".
 */
export function formatThousands(n: number): string {
  if (typeof n !== "number") throw new ConvError("formatThousands", `n must be a number, got ${formatValue(n)}`);
  if (!Number.isFinite(n)) return String(n);
  const r = Math.round(n * 1000) / 1000;
  const [int, frac] = String(Math.abs(r)).split(".");
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${r < 0 ? "-" : ""}${grouped}${frac ? `.${frac}` : ""}`;
}

/** `n` with exactly `digits` decimals and thousands separators: formatFixed(1234.5, 2) is "1,234.50". */
export function formatFixed(n: number, digits: number): string {
  checkFiniteNumber("formatFixed", "n", n);
  checkDigits("formatFixed", "digits", digits);
  return n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const BYTE_UNITS = ["B", "kB", "MB", "GB", "TB"] as const;

/** Digits after the decimal point: an integer from 0 to 20 (what toFixed and toLocaleString take everywhere). */
function checkDigits(op: string, name: string, digits: unknown): void {
  checkInteger(op, name, digits, { min: 0 });
  check((digits as number) <= 20, op, () => `${name} must be at most 20, got ${digits as number}`);
}

/**
 * Checks a table's arguments: header an array of strings, rows arrays of as many strings, align
 * an array of "left" and "right".
 */
function checkTable(op: string, header: unknown, rows: unknown, align: unknown): void {
  const isTextRow = (row: unknown) => Array.isArray(row) && row.every((cell) => typeof cell === "string");
  check(isTextRow(header), op, () => `header must be an array of strings, got ${formatValue(header)}`);
  const columns = (header as string[]).length;
  check(columns > 0, op, () => `header must name at least one column`);
  check(Array.isArray(rows), op, () => `rows must be an array of rows of strings, got ${formatValue(rows)}`);
  (rows as unknown[]).forEach((row, r) =>
    check(
      isTextRow(row) && (row as string[]).length === columns,
      op,
      () => `rows[${r}] must be an array of ${columns} strings (one per header column), got ${formatValue(row)}`,
    ),
  );
  check(
    Array.isArray(align) && align.every((a) => a === "left" || a === "right"),
    op,
    () => `align must be an array of "left" and "right", got ${formatValue(align)}`,
  );
}

export interface ByteFormatOptions {
  /**
   * Digits after the point in kB and above (default 2: "1.23 MB", "123.46 MB"), or "auto" for
   * about three significant digits ("1.23 MB", "12.3 MB", "123 MB").
   */
  decimals?: number | "auto";
  /** Print in this unit whatever the size (torchinfo's "0.01 MB"); default: the largest unit the size reaches. */
  unit?: (typeof BYTE_UNITS)[number];
}

/** A size in bytes in decimal units, as memory traffic is quoted: 512 -> "512 B", 1234567 -> "1.23 MB". */
export function formatBytes(bytes: number, options: ByteFormatOptions = {}): string {
  const op = "formatBytes";
  checkFiniteNumber(op, "bytes", bytes);
  const { decimals = 2, unit: fixedUnit } = checkOptions(op, options, ["decimals", "unit"]);
  if (decimals !== "auto") checkDigits(op, "decimals", decimals);
  if (fixedUnit !== undefined) checkOneOf(op, "unit", fixedUnit, BYTE_UNITS);
  let value = bytes;
  let unit = 0;
  if (fixedUnit !== undefined) {
    unit = BYTE_UNITS.indexOf(fixedUnit);
    value = bytes / 1000 ** unit;
  } else {
    while (Math.abs(value) >= 1000 && unit < BYTE_UNITS.length - 1) {
      value /= 1000;
      unit++;
    }
  }
  if (unit === 0 && fixedUnit === undefined) return `${value} B`;
  const digits = decimals === "auto" ? (value < 10 ? 2 : value < 100 ? 1 : 0) : decimals;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

/** How a table column is aligned: text left, numbers right. */
export type ColumnAlign = "left" | "right";

/**
 * A plain-text table for notebooks and terminals, one string per line (the header first): each
 * column as wide as its widest cell, columns two spaces apart, trailing spaces trimmed. `align`
 * gives each column's alignment (missing entries are "left").
 */
export function alignedTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly ColumnAlign[] = [],
): string[] {
  checkTable("alignedTable", header, rows, align);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, c) => (align[c] === "right" ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** A Markdown table, one string per line: the header, the rule (`---:` for right-aligned columns), the rows. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly ColumnAlign[] = [],
): string[] {
  checkTable("markdownTable", header, rows, align);
  const line = (row: readonly string[]) => `| ${row.join(" | ")} |`;
  const rule = `|${header.map((_, c) => (align[c] === "right" ? " ---: " : " --- ")).join("|")}|`;
  return [line(header), rule, ...rows.map(line)];
}
