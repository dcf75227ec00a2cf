import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { main, USAGE } from "../src/cli.js";
import { parseModel, summary } from "../src/index.js";
import { repoRoot } from "./helpers.js";

/** Runs main() with captured output and real file reads. */
function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const code = main(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readFile: (p) => readFileSync(resolve(repoRoot, p), "utf8"),
  });
  return { code, stdout, stderr };
}

const examples = readdirSync(resolve(repoRoot, "examples"))
  .filter((f) => f.endsWith(".json"))
  .sort();

describe("convkit report", () => {
  it("finds the example models", () => {
    expect(examples).toEqual(
      expect.arrayContaining([
        "vgg16.json",
        "mobilenet-v1.json",
        "wavenet.json",
        "small-cnn.json",
        "tutorial-regular.json",
        "tutorial-separable.json",
      ]),
    );
  });

  it.each(examples)("reports examples/%s in every format", (file) => {
    const model = parseModel(readFileSync(resolve(repoRoot, "examples", file), "utf8"));
    const expected = summary(model.layers, model.inputShape, { title: model.name });

    const md = run("report", `examples/${file}`, "--format", "md");
    expect(md).toMatchObject({ code: 0, stderr: "" });
    expect(md.stdout).toBe(expected.toMarkdown());

    const csv = run("report", `examples/${file}`, "--format=csv");
    expect(csv.code).toBe(0);
    expect(csv.stdout).toBe(expected.toCSV());

    const json = run("report", `examples/${file}`, "-f", "json");
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.totals).toEqual(expected.totals);
    expect(parsed.rows).toEqual(expected.rows);
    expect(parsed.description).toBe(model.description);

    const text = run("report", `examples/${file}`, "--format", "text");
    expect(text.stdout).toBe(`${model.name}\n${expected.toText()}`);
  });

  it("--convention adds the tool's column and total (torchinfo on the small CNN: 3,413,200)", () => {
    const { code, stdout } = run("report", "examples/small-cnn.json", "--convention", "torchinfo");
    expect(code).toBe(0);
    expect(stdout).toContain("Mult-Adds (torchinfo)");
    expect(stdout).toContain("- Total Mult-Adds (torchinfo): 3,413,200");
    const csv = run("report", "examples/small-cnn.json", "--convention", "ptflops", "--format", "csv").stdout;
    expect(csv.split("\n")[0]).toContain("count_ptflops");
  });

  it("--depth 1 folds composite layers into one row", () => {
    const deep = run("report", "examples/tutorial-separable.json", "--format", "csv").stdout.trim().split("\n");
    const shallow = run("report", "examples/tutorial-separable.json", "--format", "csv", "--depth", "1")
      .stdout.trim()
      .split("\n");
    expect(deep).toHaveLength(4);
    expect(shallow).toHaveLength(2);
  });

  it("convkit conventions lists every convention with its source", () => {
    const { code, stdout } = run("conventions");
    expect(code).toBe(0);
    for (const c of ["exact", "torchinfo", "thop", "fvcore", "ptflops", "pytorch"]) expect(stdout).toContain(`${c}: `);
    expect(stdout).toContain("torchinfo/layer_info.py");
  });
});

describe("convkit errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "convkit-cli-"));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const vgg = JSON.parse(readFileSync(resolve(repoRoot, "examples/vgg16.json"), "utf8"));
  const broken = (edit: (m: typeof vgg) => void) => {
    const copy = JSON.parse(JSON.stringify(vgg));
    edit(copy);
    return JSON.stringify(copy);
  };

  it.each([
    [
      "unknown layer type",
      broken((m) => (m.layers[5].type = "Conv2D")),
      /layer 5 "conv2_1": unknown layer type "Conv2D"; expected one of/,
    ],
    [
      "invalid option",
      broken((m) => (m.layers[0].padding = -1)),
      /layer 0 "conv1_1": Conv2d: padding must be a non-negative integer, got -1/,
    ],
    [
      "unknown option",
      broken((m) => (m.layers[4].kernel_size = 2)),
      /layer 4 "pool1": MaxPool2d: unknown option "kernel_size"; did you mean "kernelSize"\? MaxPool2d takes kernelSize, stride, padding, dilation, ceilMode/,
    ],
    [
      "shapes that do not chain",
      broken((m) => (m.layers[7].inChannels = 64)),
      /layer 7 "conv2_2" \(Conv2d\) on input \[1, 128, 112, 112\]: Conv2d: input \[1, 128, 112, 112\] has 128 channels but weight \[128, 64, 3, 3\] expects 64/,
    ],
    [
      "a classifier of the wrong width",
      broken((m) => (m.layers[33].inFeatures = 2048)),
      /layer 33 "fc6" \(Linear\) on input \[1, 25088\]: Linear: input \[1, 25088\] has 25088 features in its last dimension but weight \[4096, 2048\] expects 2048/,
    ],
    ["invalid JSON", '{"inputShape": [1, 3, 224, 224], "layers": [', /model: not valid JSON/],
  ])("exits 1 on a file with %s, naming the file, the layer and why", (name, text, message) => {
    const path = file(`${name.replace(/ /g, "-")}.json`, text);
    const { code, stdout, stderr } = run("report", path);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.startsWith(`convkit: ${path}: model: `)).toBe(true);
    expect(stderr).toMatch(message);
  });

  it("exits 1 when the file cannot be read", () => {
    const { code, stderr } = run("report", join(dir, "missing.json"));
    expect(code).toBe(1);
    expect(stderr).toMatch(/convkit: cannot read .*missing\.json: ENOENT/);
  });

  it.each([
    [[], /missing command/],
    [["reprt", "examples/vgg16.json"], /unknown command "reprt"/],
    [["report"], /report needs a model file/],
    [["report", "examples/vgg16.json", "--format", "xml"], /unknown format "xml"; expected md, csv, json or text/],
    [
      ["report", "examples/vgg16.json", "--convention", "flops"],
      /unknown convention "flops"; expected one of exact, torchinfo, thop, fvcore, ptflops, pytorch/,
    ],
    [["report", "examples/vgg16.json", "--depth", "0"], /--depth must be a positive integer/],
    [["report", "examples/vgg16.json", "--format"], /--format needs a value/],
    [["report", "a.json", "b.json"], /unexpected argument "b.json"/],
  ])("exits 2 with the usage on %j", (args, message) => {
    const { code, stderr } = run(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain(USAGE);
  });

  it("--help prints the usage and exits 0", () => {
    expect(run("--help")).toEqual({ code: 0, stdout: USAGE, stderr: "" });
  });
});

describe("the installed command (package.json bin, through the node_modules self-link)", () => {
  const bin = resolve(repoRoot, "node_modules/.bin/convkit");
  const built = existsSync(resolve(repoRoot, "lib/cli.js"));

  it("is linked to bin/convkit.js", () => {
    expect(JSON.parse(readFileSync(resolve(repoRoot, "package.json"), "utf8")).bin).toEqual({
      convkit: "bin/convkit.js",
    });
    expect(existsSync(bin)).toBe(true);
  });

  it.runIf(built)("npx convkit report examples/vgg16.json --format md prints the report; a broken file exits 1", () => {
    const out = execFileSync("npx", ["--no-install", "convkit", "report", "examples/vgg16.json", "--format", "md"], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    expect(out).toContain("| pool5 (MaxPool2d) |");
    expect(out).toContain("- Total params: 138,357,544");
    const bad = spawnSync(bin, ["report", "package.json"], { cwd: repoRoot, encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^convkit: package\.json: model: unknown field "version"/);
  });
});
