// Layer stacks for the receptive-field page, written one layer per line as "k s d p" (kernel,
// stride, dilation, padding before; the last three default to 1, 1, 0).
import { ConvError } from "convkit";

const lines = (...rows) => rows.join("\n");
const repeat = (n, line) => Array.from({ length: n }, () => line);
const vggBlock = (convs) => [...repeat(convs, "3 1 1 1"), "2 2 1 0"];

/** The presets: a plain 3x3 stack, dilations 2^i, VGG-16's convs and pools, WaveNet. */
export const PRESETS = {
  "plain 3x3": lines(...repeat(8, "3 1 1 1")),
  "dilated 2^i": lines(...[1, 2, 4, 8, 16, 32].map((d) => `3 1 ${d} ${d}`)),
  "VGG-16": lines(...vggBlock(2), ...vggBlock(2), ...vggBlock(3), ...vggBlock(3), ...vggBlock(3)),
  "WaveNet (k=2, d=1..512)": lines(...[1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((d) => `2 1 ${d} 0`)),
};

/** Parses the text into receptiveFieldOfStack's layers; a line it cannot read is a ConvError. */
export function parseStack(text) {
  const layers = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/#.*/, "").trim();
    if (!line) return;
    const fields = line.split(/[\s,]+/);
    if (fields.length > 4 || !fields.every((f) => /^\d+$/.test(f))) {
      throw new ConvError(
        "stack",
        `line ${i + 1}: expected "kernel [stride [dilation [padding]]]" as whole numbers, got ${JSON.stringify(raw)}`,
      );
    }
    const [kernelSize, stride = 1, dilation = 1, padding = 0] = fields.map(Number);
    layers.push({ kernelSize, stride, dilation, padding });
  });
  if (!layers.length) throw new ConvError("stack", 'no layers: write one layer per line, e.g. "3 1 1 1"');
  return layers;
}
