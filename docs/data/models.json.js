// Data loader: the example model files (examples/*.json, convkit's model format: name, description,
// source, inputShape, layers) for the Networks page, which validates and summarises them with
// convkit's parseModel and summary in the browser. Web addresses in the text fields lose their
// scheme ("github.com/..."): the site is read offline and links nowhere outside itself.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../../examples/", import.meta.url));
const plain = (value) => (typeof value === "string" ? value.replace(/\bhttps?:\/\//g, "") : value);
const models = readdirSync(dir)
  .filter((name) => name.endsWith(".json"))
  .sort()
  .map((file) => {
    const text = readFileSync(dir + file, "utf8");
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      return { file, text }; // parseModel reports the syntax error on the page
    }
    for (const key of ["name", "description", "source"]) if (key in json) json[key] = plain(json[key]);
    return { file, text: JSON.stringify(json) };
  });
process.stdout.write(JSON.stringify(models));
