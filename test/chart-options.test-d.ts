/** PLOT_OPTION_KEYS, what charts pass through to Plot, names every key of ChartOptions (Plot's options but marks). */
import { describe, expectTypeOf, it } from "vitest";
import { PLOT_OPTION_KEYS, type ChartOptions } from "../src/charts/index.js";

describe("PLOT_OPTION_KEYS", () => {
  it("holds every key of ChartOptions, so a chart never refuses an option Plot takes", () => {
    expectTypeOf<Exclude<keyof ChartOptions, (typeof PLOT_OPTION_KEYS)[number]>>().toEqualTypeOf<never>();
  });
});
