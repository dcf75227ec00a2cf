// The tutorial's sample: a 5 x 5 image with 4 channels, built channels last as (5, 5, 4) and
// turned channels first, (4, 5, 5), the layout convkit and PyTorch use. Seeded, so every page
// and every reload shows the same numbers. permute(2, 0, 1) keeps rows as rows; the tutorial's
// transpose(0, 2) also swaps height and width, which a square image does not notice.
import { rand } from "convkit";

/** rand([height, width, channels], {seed}) turned channels first: (channels, height, width). */
export function sample({ channels = 4, height = 5, width = 5, seed = 1 } = {}) {
  return rand([height, width, channels], { seed }).permute(2, 0, 1);
}
