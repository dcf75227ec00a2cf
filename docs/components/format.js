// Number and shape formatting for the pages (numbers come from convkit; this only prints them).
import { formatShape } from "convkit";

export { formatShape };

/** 3240 -> "3,240". */
export function formatInt(n) {
  return Number(n).toLocaleString("en-US");
}

/** 1234567 -> "1.23 MB" (decimal units, as memory traffic is usually quoted). */
export function formatBytes(bytes) {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = Number(bytes);
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${units[unit]}`;
}

/** A ratio such as 0.1234 -> "12.3%". */
export function formatPercent(ratio) {
  return `${(100 * ratio).toFixed(ratio < 0.1 ? 2 : 1)}%`;
}
