/**
 * Runs test/hostile/run.mjs in a child process under a time and memory bound, and collects what
 * it reports. A call that prints nothing for CALL_KILL_MS is a hang: the child is killed, the call
 * is reported, and a new child carries on from the next call. The same happens when the child's
 * resident memory passes RSS_KILL_BYTES (polled from /proc on Linux, since a runaway typed array
 * grows outside the V8 heap that --max-old-space-size bounds) or when it dies.
 *
 * By hand: `node test/hostile/supervise.mjs [--seed S] [--runs R] [--only conv2d,pad]` prints the
 * failures grouped by export and what happened.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/**
 * Silence for this long is a hang. Generous: a huge but valid call (a weight just under the
 * allocation limit, drawn value by value) may take seconds on a loaded machine, and is held to the
 * memory bound only.
 */
export const CALL_KILL_MS = 15_000;
const STARTUP_MS = 60_000;
export const RSS_KILL_BYTES = 3.5 * 1024 ** 3;
export const DEFAULT_SEED = 20261207;

function rssOf(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** One child from call `start` on; resolves with where it stopped and why. */
function runChild({ seed, runs, start, only, hung, budgetMs }, onEvent) {
  return new Promise((resolveRun) => {
    const relaxedSimd = Number(process.versions.node.split(".")[0]) < 22 ? ["--experimental-wasm-relaxed-simd"] : [];
    const child = spawn(
      process.execPath,
      [
        ...relaxedSimd,
        "--max-old-space-size=1024",
        "--expose-gc",
        "--stack-size=984",
        resolve(here, "run.mjs"),
        `--seed=${seed}`,
        `--runs=${runs}`,
        `--start=${start}`,
        `--only=${only}`,
        `--hung=${JSON.stringify(hung)}`,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let current = null;
    let lastEvent = Date.now();
    let killedFor = null;
    let stderr = "";
    let buffered = "";
    const began = Date.now();
    const kill = (why) => {
      if (killedFor) return;
      killedFor = why;
      child.kill("SIGKILL");
    };
    const timer = setInterval(() => {
      // Loading the package and drawing the calls comes first; the call bound starts with the first call.
      if (current && Date.now() - lastEvent > CALL_KILL_MS) kill(`did not return within ${CALL_KILL_MS} ms (killed)`);
      if (!current && Date.now() - began > STARTUP_MS) kill(`did not start within ${STARTUP_MS} ms (killed)`);
      const rss = rssOf(child.pid);
      if (rss > RSS_KILL_BYTES) kill(`made the process resident size pass ${Math.round(rss / 2 ** 20)} MiB (killed)`);
      if (Date.now() - began > budgetMs) kill("budget");
    }, 50);
    child.stdout.on("data", (chunk) => {
      buffered += chunk;
      let newline;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (!line) continue;
        const event = JSON.parse(line);
        lastEvent = Date.now();
        if ("at" in event) current = event;
        onEvent(event);
      }
    });
    child.stderr.on("data", (chunk) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.on("close", (code, signal) => {
      clearInterval(timer);
      resolveRun({ current, killedFor, code, signal, stderr });
    });
  });
}

/**
 * Runs every drawn call, restarting after hangs, memory blow-ups and crashes. Resolves with the
 * failures (one object per call that broke the contract), the end summary and the wall time.
 */
export async function superviseHostileRun({ seed = DEFAULT_SEED, runs = 40, only = "", budgetMs = 300_000 } = {}) {
  const failures = [];
  let end = null;
  let start = 0;
  let restarts = 0;
  // After a call hangs, the export's other calls with a huge number are skipped (the runner counts
  // them): one report per export that hangs, and a run that stays within its budget.
  const hung = [];
  const began = Date.now();
  for (;;) {
    const left = budgetMs - (Date.now() - began);
    const outcome = await runChild({ seed, runs, start, only, hung, budgetMs: left }, (event) => {
      if (event.fail) failures.push(event.fail);
      if (event.end !== undefined) end = event;
      if (event.restart !== undefined) start = event.restart;
    });
    if (end) break;
    if (outcome.killedFor === "budget" || Date.now() - began > budgetMs) {
      failures.push({
        op: "(suite)",
        export: "(suite)",
        property: "time budget",
        what: `the run passed its ${budgetMs / 1000} s budget at call ${outcome.current?.at ?? start}; later calls did not run`,
      });
      break;
    }
    const c = outcome.current?.case;
    if (!outcome.current)
      throw new Error(
        `the hostile-input runner failed before its first call (${outcome.killedFor ?? `exit ${outcome.code}`}):\n${outcome.stderr}`,
      );
    if (outcome.killedFor || outcome.code !== 0) {
      failures.push({
        ...c,
        what:
          outcome.killedFor ??
          `killed the process (exit ${outcome.code ?? outcome.signal}): ${outcome.stderr.trim().split("\n").slice(-12).join(" | ")}`,
      });
      start = outcome.current.at + 1;
      restarts++;
      hung.push(c.export);
    }
    // A child that exited after a memory report restarts from where it said.
  }
  return { failures, end, restarts, ms: Date.now() - began, seed, runs };
}

/** What happened, with the particulars (names, numbers, shapes, quoted text) folded away. */
function outcomeOf(failure) {
  const what = String(failure.what);
  const kind = /^(the constructor accepted it; forward\(\) )?threw (\w+)/.exec(what);
  if (/^accepted/.test(what)) return "accepted it";
  if (/does not name/.test(what)) return "threw a ConvError that does not name the argument";
  if (/not starting with/.test(what))
    return `${kind?.[1] ? "the constructor accepted it; forward() " : ""}threw a ConvError of another op`;
  if (/but the equivalent valid call/.test(what)) return "returned a result other than the equivalent valid call's";
  if (kind)
    return `${kind[1] ?? ""}threw ${kind[2]}: ${what
      .replace(/^.*?threw \w+: /, "")
      .replace(/\d+(\.\d+)?(e[+-]?\d+)?/g, "N")
      .replace(/'[^']*'|"[^"]*"/g, "…")
      .slice(0, 90)}`;
  return what
    .replace(/\d+(\.\d+)?(e[+-]?\d+)?/g, "N")
    .replace(/"[^"]*"/g, "…")
    .slice(0, 90);
}

/** Failures grouped by export, property and outcome, with the arguments involved and one example. */
export function groupFailures(failures) {
  const groups = new Map();
  for (const f of failures) {
    const key = `${f.export} | ${f.property} | ${outcomeOf(f)}`;
    if (!groups.has(key)) groups.set(key, { key, count: 0, arguments: new Set(), example: f });
    const g = groups.get(key);
    g.count++;
    if (f.argument) g.arguments.add(f.argument);
  }
  return [...groups.values()];
}

/** A readable report: one line per group (export, property, outcome, arguments) and its first call. */
export function formatFailures(result, { maxGroups = 400 } = {}) {
  const groups = groupFailures(result.failures);
  const lines = [
    `hostile-input suite: seed ${result.seed}, ${result.runs} runs per property; ${result.failures.length} calls in ${groups.length} groups broke the contract`,
  ];
  for (const g of groups.slice(0, maxGroups)) {
    const f = g.example;
    const args = [...g.arguments];
    lines.push(
      `- ${f.export}: ${f.property}: ${outcomeOf(f)} [${g.count} call${g.count > 1 ? "s" : ""}` +
        `${args.length ? `; ${args.slice(0, 10).join(", ")}${args.length > 10 ? ", ..." : ""}` : ""}]\n` +
        `    e.g. ${f.call ?? ""}  <- ${f.value ?? ""}: ${String(f.what).slice(0, 300)}`,
    );
  }
  if (groups.length > maxGroups)
    lines.push(`... ${groups.length - maxGroups} more groups: node test/hostile/supervise.mjs --json lists every call`);
  return lines.join("\n");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { parseArgs } = await import("node:util");
  const { values } = parseArgs({
    options: {
      seed: { type: "string" },
      runs: { type: "string" },
      only: { type: "string" },
      json: { type: "boolean" },
    },
  });
  const result = await superviseHostileRun({
    seed: values.seed ? Number(values.seed) : DEFAULT_SEED,
    runs: values.runs ? Number(values.runs) : 40,
    only: values.only ?? "",
  });
  if (values.json) console.log(JSON.stringify(result, null, 1));
  else
    console.log(
      `${formatFailures(result)}\n${JSON.stringify({ ...result.end, restarts: result.restarts, wallMs: result.ms })}`,
    );
}
