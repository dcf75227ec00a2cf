/**
 * The command line (bin/convkit.js runs `main`):
 *
 *   convkit report <model.json> [--format md|csv|json|text] [--convention exact|torchinfo|thop|fvcore|ptflops|pytorch] [--depth N]
 *   convkit conventions
 *
 * Exit codes: 0 success, 1 a model file that cannot be read or is invalid (the message names the
 * file, the layer and why), 2 a command line that cannot be understood. Not exported from the
 * package index: it reads files, which the browser build of convkit must not.
 */
import { readFileSync } from "node:fs";
import { COUNTING_CONVENTIONS, CONVENTIONS, type Convention } from "./analysis/cost.js";
import { ConvError } from "./core/errors.js";
import { formatValue } from "./core/validate.js";
import { parseModel } from "./nn/model-json.js";
import { summary } from "./analysis/summary.js";

export const USAGE = `usage: convkit report <model.json> [--format md|csv|json|text] [--convention ${CONVENTIONS.join("|")}] [--depth N]
       convkit conventions

report      per-layer shapes, parameters, MACs, FLOPs, memory traffic and receptive fields of a
            model file (see examples/*.json), as Markdown (default), CSV, JSON or a text table;
            --convention adds the count another tool would print for the same model
conventions what each counting convention counts, and its source
`;

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readFile: (path: string) => string;
}

const FORMATS = ["md", "markdown", "csv", "json", "text"] as const;
type Format = (typeof FORMATS)[number];

class UsageError extends Error {}

function parseArgs(args: readonly string[]): {
  command: string;
  file?: string;
  format: Format;
  convention: Convention;
  depth: number;
} {
  const [command, ...rest] = args;
  if (command === undefined) throw new UsageError("missing command");
  let file: string | undefined;
  let format: Format = "md";
  let convention: Convention = "exact";
  let depth = Infinity;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    const value = () => {
      const v = inline ?? rest[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--format" || flag === "-f") {
      const v = value();
      if (!(FORMATS as readonly string[]).includes(v))
        throw new UsageError(`unknown format ${JSON.stringify(v)}; expected md, csv, json or text`);
      format = v as Format;
    } else if (flag === "--convention" || flag === "-c") {
      const v = value();
      if (!(CONVENTIONS as readonly string[]).includes(v))
        throw new UsageError(`unknown convention ${JSON.stringify(v)}; expected one of ${CONVENTIONS.join(", ")}`);
      convention = v as Convention;
    } else if (flag === "--depth" || flag === "-d") {
      const v = value();
      depth = Number(v);
      if (!Number.isInteger(depth) || depth < 1)
        throw new UsageError(`--depth must be a positive integer, got ${JSON.stringify(v)}`);
    } else if (arg.startsWith("-")) {
      throw new UsageError(`unknown option ${arg}`);
    } else if (file === undefined) {
      file = arg;
    } else {
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    }
  }
  return { command, ...(file === undefined ? {} : { file }), format, convention, depth };
}

/** Runs the command line; returns the exit code. */
export function main(
  args: readonly string[],
  io: CliIO = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readFile: (p) => readFileSync(p, "utf8"),
  },
): number {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    if (args.includes("--help") || args.includes("-h") || args[0] === "help") {
      io.stdout(USAGE);
      return 0;
    }
    parsed = parseArgs(args);
    if (parsed.command === "conventions") {
      if (parsed.file !== undefined) throw new UsageError(`conventions takes no file`);
      io.stdout(conventionsText());
      return 0;
    }
    if (parsed.command !== "report") throw new UsageError(`unknown command ${JSON.stringify(parsed.command)}`);
    if (parsed.file === undefined) throw new UsageError("report needs a model file, e.g. examples/vgg16.json");
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`convkit: ${error.message}\n${USAGE}`);
    return 2;
  }
  const { file, format, convention, depth } = parsed as Required<typeof parsed>;
  let text: string;
  try {
    text = io.readFile(file);
  } catch (error) {
    io.stderr(`convkit: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    return 1;
  }
  try {
    const model = parseModel(text);
    const report = summary(model.layers, model.inputShape, { convention, depth, title: model.name });
    if (format === "csv") io.stdout(report.toCSV());
    else if (format === "json")
      io.stdout(
        JSON.stringify({ ...report.toJSON(), description: model.description, source: model.source }, null, 2) + "\n",
      );
    else if (format === "text") io.stdout(`${model.name}\n${report.toText()}`);
    else io.stdout(report.toMarkdown());
    return 0;
  } catch (error) {
    // A model file's fault is a ConvError; anything else is still reported as one line naming the
    // file (a stack trace helps nobody who only gave a bad file), with the error's kind in front.
    const message =
      error instanceof ConvError
        ? error.message
        : `${error instanceof Error ? `${error.name}: ${error.message}` : formatValue(error)}`;
    io.stderr(`convkit: ${file}: ${message.split("\n")[0]}\n`);
    return 1;
  }
}

function conventionsText(): string {
  return CONVENTIONS.map((c) => {
    const info = COUNTING_CONVENTIONS[c];
    return `${c}: ${info.label}\n  tool:    ${info.tool}\n  source:  ${info.source}\n  counts:  ${info.rules}\n  example: ${info.example}\n`;
  }).join("\n");
}
