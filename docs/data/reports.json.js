// Data loader: lists the notebook reports that `npm run reports` rendered to build/reports/*.html.
// scripts/build-site.mjs copies them to dist/reports/ after the build; this tells the home page
// which exist (none on a machine without Jupyter).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** HTML character references to text (numeric, and the few named ones headings use). */
function decode(text) {
  const named = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref) =>
    ref[0] === "#"
      ? String.fromCodePoint(ref[1].toLowerCase() === "x" ? parseInt(ref.slice(2), 16) : Number(ref.slice(1)))
      : (named[ref] ?? whole),
  );
}

const dir = fileURLToPath(new URL("../../build/reports/", import.meta.url));
const reports = existsSync(dir)
  ? readdirSync(dir)
      .filter((name) => name.endsWith(".html"))
      .sort()
      .map((file) => {
        const html = readFileSync(dir + file, "utf8");
        // The notebook's first heading, else the page title (nbconvert's is the file name).
        const heading = /<h1[^>]*>([^<]*)/i.exec(html)?.[1] ?? /<title>([^<]*)<\/title>/i.exec(html)?.[1] ?? "";
        const title =
          decode(heading)
            .replace(/^[#\s]+/, "")
            .trim() || file.replace(/\.html$/, "");
        return { file, title };
      })
  : [];
process.stdout.write(JSON.stringify(reports));
