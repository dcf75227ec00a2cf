// Number, byte and shape formatting for the pages: convkit's own (src/core/format.ts), so a count
// reads the same on a page as in a notebook or a summary table.
import { formatBytes as formatByteSize, formatShape, formatThousands } from "convkit";

export { formatShape };

/** 3240 -> "3,240". */
export function formatInt(n) {
  return formatThousands(Number(n));
}

/** 1234567 -> "1.23 MB", 12345678 -> "12.3 MB": decimal units, about three significant digits. */
export function formatBytes(bytes) {
  return formatByteSize(Number(bytes), { decimals: "auto" });
}
