// Page loader: the API reference, generated at build time from the package's declaration files
// (lib/index.d.ts and lib/charts/index.d.ts, which `npm run build:lib` emits from src/ with their doc
// comments) by the TypeScript compiler API. Every export is listed with its signature and doc
// comment, grouped by the src/ folder that defines it, so the page follows the code as it changes.
import { existsSync } from "node:fs";
import { relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const lib = fileURLToPath(new URL("../lib/", import.meta.url));
const ENTRIES = [
  { module: "convkit", file: lib + "index.d.ts" },
  { module: "convkit/charts", file: lib + "charts/index.d.ts" },
];
/** The src/ folders in reading order, with what each holds. */
const FOLDERS = [
  ["core", "errors, argument checks, convolution arithmetic, tensors"],
  ["ops", "functional ops: convolutions, padding, pooling, activations"],
  ["kernels", "backends, the WebAssembly engine, threads, tensors in wasm memory"],
  ["nn", "layers, layer specs, model files"],
  ["analysis", "cost model, counting conventions, receptive fields, summaries, timing"],
  ["charts", "Observable Plot charts shared by the notebooks and the site (import from convkit/charts)"],
];

for (const { file } of ENTRIES)
  if (!existsSync(file)) throw new Error(`api.md.js: ${file} not found; run npm run build:lib first`);

const program = ts.createProgram(
  ENTRIES.map((e) => e.file),
  {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
  },
);
const checker = program.getTypeChecker();

/** HTML-escapes text; `$` too, since Framework reads `${...}` in a page as an expression. */
const escape = (text) =>
  String(text).replace(/[&<>"$]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", $: "&#36;" })[c]);

/** A doc comment as HTML paragraphs, with `code` spans. */
function prose(text) {
  return text
    .trim()
    .split(/\n\s*\n/)
    .filter((p) => p.trim())
    .map((p) => `<p>${escape(p.replace(/\s*\n\s*/g, " ")).replace(/`([^`]+)`/g, "<code>$1</code>")}</p>`)
    .join("");
}

function docOf(symbol) {
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker));
  const examples = symbol
    .getJsDocTags(checker)
    .filter((t) => t.name === "example")
    .map((t) => ts.displayPartsToString(t.text ?? []).trim());
  return { text, examples };
}

/** A declaration's source text without `export`/`declare`, on one line per member. */
function declarationText(node) {
  return node
    .getText()
    .replace(/^export\s+/, "")
    .replace(/^declare\s+/, "")
    .replace(/;$/, "");
}

const KINDS = {
  [ts.SyntaxKind.FunctionDeclaration]: "function",
  [ts.SyntaxKind.ClassDeclaration]: "class",
  [ts.SyntaxKind.InterfaceDeclaration]: "interface",
  [ts.SyntaxKind.TypeAliasDeclaration]: "type",
  [ts.SyntaxKind.VariableDeclaration]: "const",
  [ts.SyntaxKind.EnumDeclaration]: "enum",
};

/** The public members of a class or interface: signature and doc comment of each. */
function membersOf(decl) {
  const members = [];
  for (const member of decl.members ?? []) {
    const modifiers = ts.getCombinedModifierFlags(member);
    if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
    if (member.name && ts.isPrivateIdentifier(member.name)) continue;
    const symbol = member.symbol;
    members.push({ signature: member.getText().replace(/;$/, ""), doc: symbol ? docOf(symbol).text : "" });
  }
  return members;
}

/** Every export of a module entry: name, kind, defining file (relative to lib/), signature, docs. */
function exportsOf({ module, file }) {
  const source = program.getSourceFile(file);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  return checker.getExportsOfModule(moduleSymbol).map((exported) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const decls = symbol.declarations ?? [];
    const first = decls[0];
    const kind = KINDS[first.kind] ?? "export";
    const path = relative(lib, first.getSourceFile().fileName).split(sep).join("/");
    let signatures;
    let members = [];
    if (kind === "const") {
      const type = checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, first));
      signatures = [`const ${exported.name}: ${type}`];
    } else if (kind === "class" || kind === "interface") {
      const header = first.getText().slice(0, first.getText().indexOf("{")).trim();
      signatures = [header.replace(/^export\s+/, "").replace(/^declare\s+/, "")];
      members = membersOf(first);
    } else {
      signatures = decls.map(declarationText);
    }
    return { name: exported.name, module, kind, path, signatures, members, ...docOf(symbol) };
  });
}

const all = ENTRIES.flatMap(exportsOf);
const folderOf = (entry) => entry.path.split("/")[0].replace(/\.d\.ts$/, "");
const srcFile = (entry) => `src/${entry.path.replace(/\.d\.ts$/, ".ts")}`;
const known = new Set(FOLDERS.map(([f]) => f));
const unknown = all.filter((e) => !known.has(folderOf(e)));
if (unknown.length)
  throw new Error(`api.md.js: exports outside the known folders: ${unknown.map((e) => `${e.name} (${e.path})`)}`);

function entryHtml(e) {
  const signature = e.signatures.map(escape).join("\n");
  const members = e.members.length
    ? `<ul class="api-members">${e.members
        .map(
          (m) =>
            `<li><pre class="api-signature"><code>${escape(m.signature)}</code></pre>${m.doc ? prose(m.doc) : ""}</li>`,
        )
        .join("")}</ul>`
    : "";
  const examples = e.examples.map((x) => `<pre class="api-example"><code>${escape(x)}</code></pre>`).join("");
  return (
    `<section class="api-entry" id="${escape(e.name)}" data-export="${escape(e.name)}" data-kind="${e.kind}" data-module="${e.module}">` +
    `<h4><code>${escape(e.name)}</code> <span class="api-kind">${e.kind}</span></h4>` +
    `<pre class="api-signature"><code>${signature}</code></pre>` +
    (e.text ? prose(e.text) : "") +
    examples +
    members +
    `</section>`
  ).replace(/\n/g, "&#10;"); // one line: a blank line would end Markdown's HTML block
}

const out = [];
out.push(`---
title: API reference
toc: false
---

# API reference

Every export of \`convkit\` and \`convkit/charts\`, with its signature and doc comment, generated
from the package's declaration files when the site is built. Exports are grouped by the \`src/\`
folder and file that define them. Semantics follow PyTorch: inputs are \`(N, C, ...)\` or unbatched
\`(C, ...)\`; weights \`(out, in/groups, ...k)\`, transposed \`(in, out/groups, ...k)\`; options are
PyTorch's arguments in camelCase (\`padding_mode\` is \`paddingMode\`), and an unknown or misspelled
option is refused with a \`ConvError\`. Every invalid call throws a \`ConvError\` before any compute,
naming the op, the argument and the shapes.

\`padding\` is a number, one per dimension, \`"same"\` (total \`d(k-1)\`, the odd unit after, stride 1
only) or \`"valid"\`; \`paddingMode\` is \`"zeros" | "reflect" | "replicate" | "circular"\`. Layers
initialise as PyTorch does (\`kaiming_uniform(a=sqrt 5)\`, i.e. U(±1/sqrt(fanIn)) for weight and
bias) from \`seed\`, or from a global stream reset by \`manualSeed\`. Every functional convolution also
takes \`out\`, like PyTorch's \`out=\`. Results are checked against PyTorch's on the fixture cases in
the tests, and by property tests (grouped = per-group convolutions, dilated = zero-inserted kernel,
transposed = adjoint, strided = subsampled, separable and GDSConv = their definitions).

A first walk-through, runnable as it stands in Node after installing convkit:

\`\`\`js run=false
import assert from "node:assert/strict";
import { Conv2d, DepthwiseConv2d, GroupedSeparableConv2d, PointwiseConv2d, SeparableConv2d } from "convkit";
import { allClose, cat, conv2d, convOutputSize, rand, zeros } from "convkit";

// The sample: (height 5, width 5, 4 channels), then channels first.
const x = zeros([5, 5, 4]).transpose(0, 2); // (4, 5, 5)

const regular = new Conv2d(4, 10, 3, { seed: 1 }); // weight (10, 4, 3, 3), bias (10)
assert.deepEqual(regular.forward(x).shape, [10, 3, 3]);
assert.equal(convOutputSize(5, 3), 3); // floor((5 + 0 - 3) / 1) + 1
assert.equal(regular.numParameters(), 370); // 10 x 4 x 3 x 3 + 10
assert.equal(new Conv2d(4, 10, 3, { groups: 2 }).numParameters(), 190);
assert.equal(new DepthwiseConv2d(4, 3).numParameters(), 40); // groups = channels
assert.equal(new PointwiseConv2d(4, 10).numParameters(), 50); // 1x1
assert.equal(new SeparableConv2d(4, 10, 3).numParameters(), 90); // depthwise, then pointwise
assert.equal(new GroupedSeparableConv2d(4, 10, 3, { groups: 2 }).numParameters(), 70); // GDSConv
assert.deepEqual(new Conv2d(4, 10, 3, { dilation: 2 }).forward(x).shape, [10, 1, 1]);

// A grouped conv is per-group convs concatenated.
const input = rand([1, 4, 5, 5], { seed: 0 });
const weight = rand([10, 2, 3, 3], { seed: 1 });
const options = { padding: "same", paddingMode: "reflect" };
const grouped = conv2d(input, weight, null, { groups: 2, ...options });
const perGroup = [0, 1].map((g) =>
  conv2d(input.slice(1, 2 * g, 2 * g + 2), weight.slice(0, 5 * g, 5 * g + 5), null, options),
);
assert.ok(allClose(grouped, cat(perGroup, 1)));
console.log("walk-through: ok");
\`\`\`

<nav id="api-index">`);
for (const [folder, about] of FOLDERS) {
  const entries = all.filter((e) => folderOf(e) === folder);
  out.push(
    `<p><a href="#folder-${folder}"><strong>${folder}/</strong></a> ${escape(about)}: ${entries
      .map((e) => `<a href="#${escape(e.name)}"><code>${escape(e.name)}</code></a>`)
      .join(", ")}</p>`,
  );
}
out.push(`</nav>\n`);
for (const [folder, about] of FOLDERS) {
  const entries = all.filter((e) => folderOf(e) === folder);
  out.push(`<h2 id="folder-${folder}">${folder}/</h2>\n\n<p>${escape(about)}.</p>\n`);
  const files = [...new Set(entries.map(srcFile))];
  for (const file of files) {
    out.push(`<h3 id="${escape(file.replace(/[/.]/g, "-"))}"><code>${escape(file)}</code></h3>\n`);
    for (const e of entries.filter((x) => srcFile(x) === file)) out.push(entryHtml(e) + "\n");
  }
}
process.stdout.write(out.join("\n"));
