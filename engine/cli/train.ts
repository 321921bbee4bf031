// Node-only: part of the mplab command line.
// `mplab train FILE.mplab.json`: one run from a config file, a summary at the end.
import { checkOutPath, readTextFile, writeAtomically } from "./files.js";
import { parseJsonText } from "../config/jsonText.js";
import { MEMORY_BUDGET_USAGE, parseMemoryBudget } from "./memoryFlag.js";
import { dirname, isAbsolute, resolve } from "node:path";
import { parseArgs } from "node:util";
import { train } from "../train/run.js";
import type { BackendChoice } from "../backend/select.js";
import type { RunResult } from "../train/runResult.js";
import { UsageError, type Command } from "./command.js";
import { encodeNonFinite } from "../payload/nonFinite.js";
import { progressReporter } from "./progress.js";
import { runSummary } from "./summary.js";

const usage = `Usage: mplab train FILE.mplab.json [options]

Trains the model a *.mplab.json config describes (the argument of train() as JSON;
see schemas/mplab.schema.json) and prints a summary: final loss, skipped and
overflowing steps, the range of the loss scale, per-layer underflow and overflow.

Options:
  --backend auto|cpu|wasm|webgpu
                              where to run (default auto: WebGPU on a GPU, else wasm)
  --json                      print the RunResult as JSON on stdout instead of the summary
                              (NaN and Infinity as {"$nonFinite": "NaN" | "Infinity" | "-Infinity"})
  --out FILE                  also write the RunResult as JSON to FILE (not the config itself)
${MEMORY_BUDGET_USAGE}
  -q, --quiet                 no progress on stderr
  -h, --help                  this text

Exit status: 0 done, 1 bad config or failed run, 2 bad command line, 130 interrupted.`;

export { BACKEND_CHOICES as BACKENDS } from "../backend/choose.js";
import { BACKEND_CHOICES as BACKENDS } from "../backend/choose.js";

export function parseBackend(v: string | undefined, fallback: BackendChoice = "auto"): BackendChoice {
  if (v === undefined) return fallback;
  if (!(BACKENDS as readonly string[]).includes(v)) throw new UsageError(`--backend must be one of ${BACKENDS.join(", ")}, got "${v}"`);
  return v as BackendChoice;
}

/** Reads and parses a config file; errors name the file. */
export async function readConfigFile(file: string): Promise<unknown> {
  const text = await readTextFile(file);
  const config = parseJsonText(text, file);
  // a CSV path in the config is relative to the config file, not to the shell's directory
  const data = (config as { data?: { type?: unknown; path?: unknown } } | null)?.data;
  if (data && data.type === "csv" && typeof data.path === "string" && !isAbsolute(data.path)) {
    data.path = resolve(dirname(file), data.path);
  }
  return config;
}

/** Runs train() with progress on stderr; Ctrl-C cancels the run (a partial result). */
export async function runWithProgress(config: unknown, backend: BackendChoice, label: string, quiet: boolean, lines = 10, memoryBudgetMiB?: number): Promise<RunResult> {
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once("SIGINT", onSigint);
  const progress = quiet ? null : progressReporter(process.stderr, label, lines);
  try {
    return await train(config, { backend, signal: abort.signal, onProgress: progress?.onProgress, memoryBudgetMiB });
  } finally {
    progress?.done();
    process.removeListener("SIGINT", onSigint);
  }
}

/** How errors from train() read on the command line: a ConfigError lists each bad field. */
export function describeError(e: unknown, file?: string): string {
  const err = e as Error & { problems?: { path: string; message: string }[] };
  if (err?.name === "ConfigError" && Array.isArray(err.problems)) {
    return `${file ? `${file}: ` : ""}bad config:\n${err.problems.map((p) => `  ${p.message}`).join("\n")}`;
  }
  return `${file ? `${file}: ` : ""}${err?.message ?? String(e)}`;
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      backend: { type: "string" },
      json: { type: "boolean", default: false },
      out: { type: "string" },
      "memory-budget": { type: "string" },
      quiet: { type: "boolean", short: "q", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `expected one config file, got ${positionals.length}` : "missing the config file (FILE.mplab.json)");
  const backend = parseBackend(values.backend);
  const budget = parseMemoryBudget(values["memory-budget"]);
  if (values.out === "") throw new UsageError("--out needs a file name");
  const file = positionals[0];
  let result: RunResult;
  try {
    // --out is checked before any work: a run is never lost to a folder that is not there
    if (values.out !== undefined) await checkOutPath(values.out, [file]);
    const config = await readConfigFile(file);
    result = await runWithProgress(config, backend, "train", values.quiet, 10, budget);
  } catch (e) {
    console.error(`mplab train: ${describeError(e, file)}`);
    return 1;
  }
  // NaN and ±Infinity (an overflow step's gradient norm) in the one codec, as notebooks keep them: the exporters and the exported script's --compare read it back
  const json = JSON.stringify(encodeNonFinite(result), null, 2) + "\n";
  if (values.out) {
    try {
      await writeAtomically(values.out, json);
    } catch (e) {
      console.error(`mplab train: cannot write ${values.out}: ${(e as Error).message}`);
      return 1;
    }
  }
  if (values.json) process.stdout.write(json);
  else console.log(runSummary(result));
  if (values.out && !values.json) console.log(`\nRunResult written to ${values.out}`);
  if (result.status === "error") {
    console.error(`mplab train: the run stopped: ${result.error}`);
    return 1;
  }
  return result.status === "cancelled" ? 130 : 0;
}

export const trainCommand: Command = { name: "train", summary: "train a model from a *.mplab.json config", usage, run };
