// Node-only: part of the mplab command line.
// `mplab run NOTEBOOK.mpnb`: executes a notebook headless, like
// `jupyter nbconvert --execute`, in the kernel process VS Code uses (engine/kernel/),
// and writes the outputs into the notebook (or to --out). The file is replaced by a
// rename of a complete temporary file, so an interrupted or failed run never leaves half
// a notebook; a cell that loops, exits or crashes ends the kernel, never this process.
// No work is lost to the last write: the target is checked before the first cell, a
// notebook edited on disk during the run is not overwritten (the outputs go beside it),
// and SIGTERM and SIGHUP (a cancelled CI job, a dropped SSH session) are Ctrl-C: the cell
// is interrupted and the outputs so far written; a signal during the write waits for it.
import { constants } from "node:os";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { BackendChoice } from "../backend/select.js";
import { KernelClient } from "../kernel/kernelClient.js";
import { cellName, executeNotebook, type NotebookRunStatus } from "../notebook/executeNotebook.js";
import { decodeNotebookBytes, NotebookFormatError, parseNotebook, serializeNotebook, type NbNotebook } from "../notebook/format.js";
import type { RunProgress } from "../train/runResult.js";
import { UsageError, type Command } from "./command.js";
import { checkOutPath, checkWritable, removePendingTemps, writeAtomically, writeBeside } from "./files.js";
import { fmtMs } from "./format.js";
import { parseMemoryBudget, MEMORY_BUDGET_USAGE } from "./memoryFlag.js";
import { progressReporter, type ProgressReporter } from "./progress.js";
import { parseBackend } from "./train.js";
import { readFile } from "node:fs/promises";

const usage = `Usage: mplab run NOTEBOOK.mpnb [options]

Runs every code cell of a notebook in order, as VS Code's "Run All" would (the same
kernel process and cell API), and writes the outputs and execution counts into the
notebook, like \`jupyter nbconvert --execute --inplace\`. Stops at the first cell that
fails: the outputs so far, with the error in that cell, are written and the exit status
is 1. Cells run with the notebook's folder as the working directory. Ctrl-C interrupts
the running cell; a cell that does not stop within a few seconds is ended with its
kernel (a second Ctrl-C ends it at once); the outputs so far are written either way.
SIGTERM and SIGHUP do the same. In place, a notebook that cannot be written is refused
before the first cell, and one changed on disk during the run is left as it is: the
outputs go to a new file beside it (NOTEBOOK.run.mpnb), named on stderr.

Options:
  --out FILE                  write the executed notebook to FILE (default: in place)
  --backend auto|cpu|wasm|webgpu
                              where train() runs (default auto: WebGPU on a GPU, else wasm)
${MEMORY_BUDGET_USAGE}
  -q, --quiet                 no progress on stderr
  -h, --help                  this text

Exit status: 0 every cell ran, 1 a cell failed or the notebook cannot be read or written
(or changed on disk during the run), 2 bad command line, 130 interrupted (Ctrl-C), 143
SIGTERM, 129 SIGHUP.`;

/** The notebook and the bytes it was read from. */
async function readNotebook(file: string): Promise<{ nb: NbNotebook; bytes: Buffer }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  try {
    return { nb: parseNotebook(decodeNotebookBytes(bytes)), bytes };
  } catch (e) {
    if (e instanceof NotebookFormatError) throw new Error(`${file} is not a notebook that can be run: ${e.message}. The file was left unchanged.`);
    throw e;
  }
}

/** Progress of each training run of a cell on stderr: a new reporter when a run starts over. */
function cellProgress(quiet: boolean) {
  let reporter: ProgressReporter | null = null;
  let last = { cell: -1, step: Infinity, total: 0 };
  return {
    onProgress(cell: number, p: RunProgress) {
      if (quiet) return;
      if (cell !== last.cell || p.step <= last.step || p.totalSteps !== last.total) {
        reporter?.done();
        reporter = progressReporter(process.stderr, `  ${cellName(cell)}: train`, 4);
      }
      last = { cell, step: p.step, total: p.totalSteps };
      reporter!.onProgress(p);
    },
    done() {
      reporter?.done();
      reporter = null;
      last = { cell: -1, step: Infinity, total: 0 };
    },
  };
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: "string" },
      backend: { type: "string" },
      "memory-budget": { type: "string" },
      quiet: { type: "boolean", short: "q", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `expected one notebook, got ${positionals.length}` : "missing the notebook (NOTEBOOK.mpnb)");
  if (values.out === "") throw new UsageError("--out needs a file name");
  const backend: BackendChoice = parseBackend(values.backend);
  const file = resolve(positionals[0]);
  const target = resolve(values.out ?? positionals[0]);
  const quiet = values.quiet;
  const log = (line: string) => {
    if (!quiet) process.stderr.write(`${line}\n`);
  };

  const budget = parseMemoryBudget(values["memory-budget"]);
  try {
    if (values.out !== undefined) await checkOutPath(target, [file]);
    else await checkWritable(file);
  } catch (e) {
    console.error(`mplab run: ${(e as Error).message}`);
    return 1;
  }

  let nb: NbNotebook, original: Buffer;
  try {
    ({ nb, bytes: original } = await readNotebook(file));
  } catch (e) {
    console.error(`mplab run: ${(e as Error).message}`);
    return 1;
  }
  // after a hang-up stderr may be gone: a failed progress line must not end the run before its write
  process.stderr.on("error", () => {});

  // the kernel's own stderr (native warnings; Dawn's log lines and V8's crash dumps are
  // left out: the cell says why its kernel died)
  const kernel = new KernelClient({
    backend,
    cwd: dirname(file),
    heapLimitMiB: Math.max(512, budget * 2),
    onOutput: (t) => {
      if (!/^\s*(\d+: 0x|\[\d+:0x|<--- |FATAL ERROR|----- Native|$)/.test(t)) process.stderr.write(t);
    },
    // work a cell left running may fail after the cell ended: reported, as in Jupyter, not fatal
    onBackground: (t) => process.stderr.write(`mplab run: a cell's background work failed: ${t}\n`),
  });
  // Ctrl-C, SIGTERM, SIGHUP: while cells run, the first interrupts the running cell and
  // the second ends the kernel; during the final write the write finishes first (a second
  // signal stops it at once, removing its temporary file)
  const abort = new AbortController();
  let phase: "running" | "writing" = "running";
  let caught: NodeJS.Signals | null = null;
  const exitStatus = (sig: NodeJS.Signals) => 128 + (constants.signals[sig] ?? 2);
  const onSignal = (sig: NodeJS.Signals) => {
    const name = sig === "SIGINT" ? "Ctrl-C" : sig;
    if (phase === "writing") {
      if (caught) {
        removePendingTemps();
        process.stderr.write(`\nmplab run: ${name} again: stopped before the write finished; ${target} is as it was\n`);
        process.exit(exitStatus(caught));
      }
      caught = sig;
      process.stderr.write(`\nmplab run: ${name}: the outputs are being written; finishing that first\n`);
      return;
    }
    if (abort.signal.aborted) {
      process.stderr.write(`\nmplab run: ${name} again: ending the kernel now\n`);
      kernel.restart(`interrupted: the kernel was ended (${name} twice)`);
      return;
    }
    caught = sig;
    process.stderr.write(`\nmplab run: ${name}: interrupting the running cell (${name} again to end it at once); the outputs so far will be written\n`);
    abort.abort();
    kernel.interrupt();
  };
  const signals: NodeJS.Signals[] = process.platform === "win32" ? ["SIGINT"] : ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const sig of signals) process.on(sig, onSignal);
  try {
    // the backend is chosen before any cell runs: --backend webgpu without an adapter fails here
    const ready = await kernel.start().catch((e: Error) => ({ backendError: e.message, backend: undefined }));
    if (ready.backendError || !ready.backend) {
      kernel.dispose();
      console.error(`mplab run: --backend ${backend}: ${ready.backendError}`);
      return caught ? exitStatus(caught) : 1;
    }
    log(`mplab run: ${file} on the ${ready.backend.name} backend (${ready.backend.adapter})${ready.backend.note ? `: ${ready.backend.note}` : ""}`);
    const progress = cellProgress(quiet);
    const started = Date.now();
    let status: Awaited<ReturnType<typeof executeNotebook>>;
    try {
      status = await executeNotebook(nb, {
        execute: (code, o) => kernel.execute(code, { ...o, defaults: { memoryBudgetMiB: budget } }),
      }, {
        signal: abort.signal,
        onCellStart: (i, rank, total) => log(`mplab run: ${cellName(i)} (code cell ${rank} of ${total})`),
        onCellEnd: () => progress.done(),
        onProgress: (i, p) => progress.onProgress(i, p),
      });
    } finally {
      phase = "writing";
      progress.done();
      kernel.dispose();
    }
    log(`mplab run: writing the outputs to ${values.out ?? positionals[0]}`);
    const written = await writeOutputs(file, values.out === undefined ? null : target, values.out ?? positionals[0], original, serializeNotebook(nb));
    if (!written) return 1;
    const code = report(status, written.shown, Date.now() - started, log);
    if (written.moved) return 1;
    return caught ? exitStatus(caught) : code;
  } finally {
    for (const sig of signals) process.removeListener(sig, onSignal);
  }
}

/**
 * Writes the executed notebook: to --out, else in place unless the notebook changed on
 * disk since it was read (then to a new file beside it, saying so). Null when nothing
 * could be written (the error said why).
 */
async function writeOutputs(file: string, out: string | null, shown: string, original: Buffer, text: string): Promise<{ shown: string; moved: boolean } | null> {
  const target = out ?? file;
  try {
    if (out === null) {
      const now = await readFile(file).catch(() => null);
      if (!now || !now.equals(original)) {
        const beside = await writeBeside(file, text, "run");
        console.error(`mplab run: ${shown} ${now ? "changed on disk" : "was removed"} while it ran: it was left as it is, and the outputs were written to ${beside}`);
        return { shown: beside, moved: true };
      }
    }
    await writeAtomically(target, text);
  } catch (e) {
    console.error(`mplab run: cannot write ${target}: ${(e as Error).message}`);
    return null;
  }
  return { shown, moved: false };
}

/** The run's last lines on stderr, and its exit status. */
function report(status: NotebookRunStatus, shown: string, elapsedMs: number, log: (line: string) => void): number {
  if (status.status === "ok") {
    log(`mplab run: ${status.cellsRun} code cells ran in ${fmtMs(elapsedMs)}; outputs written to ${shown}`);
    return 0;
  }
  const name = cellName(status.cell);
  if (status.result.status === "error") {
    const e = status.result.error;
    const at = e.line !== undefined ? ` at line ${e.line}` : "";
    console.error(`mplab run: ${name} failed${at}: ${e.name}: ${e.message}`);
    const frames = e.stack.split("\n").slice(1);
    if (frames.length) console.error(frames.join("\n"));
    console.error(`mplab run: the outputs so far, with the error in ${name}, were written to ${shown}`);
    return 1;
  }
  if (status.result.status === "died") {
    console.error(`mplab run: ${name}: ${status.result.message}`);
    console.error(`mplab run: the outputs so far, with the error in ${name}, were written to ${shown}`);
    return 1;
  }
  console.error(`mplab run: ${name} was interrupted: ${status.result.status === "interrupted" ? status.result.message : ""}`);
  console.error(`mplab run: the outputs so far were written to ${shown}`);
  return 130;
}

export const runCommand: Command = { name: "run", summary: "execute a notebook (*.mpnb) headless and write its outputs", usage, run };
