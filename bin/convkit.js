#!/usr/bin/env node
// The `convkit` command (package.json "bin"): runs lib/cli.js, compiled from src/cli.ts by
// `npm run build:lib`. Usage: convkit report examples/vgg16.json --format md|csv|json|text
import { main } from "../lib/cli.js";

process.exitCode = main(process.argv.slice(2));
