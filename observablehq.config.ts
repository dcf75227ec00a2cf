// Observable Framework configuration for the convkit site (docs/ -> dist/).
// Built offline by scripts/build-site.mjs: no CDN globals, no npm: imports, no Google Fonts, no
// external footer.
export default {
  root: "docs",
  title: "convkit",
  // Replaces the default stylesheets, which pull Google Fonts, and restores the Inputs styling.
  globalStylesheets: ["observablehq:stdlib/inputs.css"],
  // Framework's default theme plus the site's few classes (docs/style.css imports the theme).
  style: "style.css",
  // The default footer links to an external site.
  footer: "",
  // Framework copies the icon into the build and points every page at it (no /favicon.ico 404).
  head: '<link rel="icon" href="favicon.svg" type="image/svg+xml" sizes="any">',
  pages: [
    {
      name: "Convolution variants",
      open: true,
      pages: [
        { name: "Regular", path: "/variants/regular" },
        { name: "Grouped", path: "/variants/grouped" },
        { name: "Depthwise", path: "/variants/depthwise" },
        { name: "Pointwise", path: "/variants/pointwise" },
        { name: "Depthwise-separable", path: "/variants/depthwise-separable" },
        { name: "Grouped depthwise-separable (GDSConv)", path: "/variants/gdsconv" },
        { name: "Dilated", path: "/variants/dilated" },
        { name: "Transposed", path: "/variants/transposed" },
      ],
    },
    {
      name: "Tools",
      open: true,
      pages: [
        { name: "Explorer", path: "/explorer" },
        { name: "Cost charts", path: "/cost-charts" },
        { name: "Receptive field", path: "/receptive-field" },
        { name: "Networks", path: "/networks" },
        { name: "FLOPs are not latency", path: "/flops-vs-latency" },
      ],
    },
    {
      name: "Reference",
      open: true,
      pages: [
        { name: "API", path: "/api" },
        { name: "Engine", path: "/engine" },
        { name: "Cost model and conventions", path: "/conventions" },
        { name: "Benchmarks", path: "/benchmarks" },
      ],
    },
  ],
};
