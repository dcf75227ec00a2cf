// Data loader: lists the notebook reports that `npm run reports` rendered to build/reports/*.html.
// scripts/build-site.mjs copies them to dist/reports/ after the build; this tells the home page
// which exist (none on a machine without Jupyter).
import {existsSync, readdirSync, readFileSync} from "node:fs";
import {fileURLToPath} from "node:url";

const dir = fileURLToPath(new URL("../../build/reports/", import.meta.url));
const reports = existsSync(dir)
  ? readdirSync(dir)
      .filter((name) => name.endsWith(".html"))
      .sort()
      .map((file) => {
        const html = readFileSync(dir + file, "utf8");
        const title = /<title>([^<]*)<\/title>/i.exec(html)?.[1]?.trim() || file.replace(/\.html$/, "");
        return {file, title};
      })
  : [];
process.stdout.write(JSON.stringify(reports));
