// ESLint over the library, its tests, the site's code, the scripts and the benchmarks
// (`npm run lint`; `npm test` runs it). Formatting is Prettier's job (`npm run format`).
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "lib/",
      "dist/",
      "build/",
      "docs/.observablehq/",
      "bench/node_modules/",
      "assembly/",
      "notebooks/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      // Names starting with "_" are deliberately unused (destructuring that drops a key).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
);
