// Node-only: part of the mplab command line.
// `mplab run NOTEBOOK.mpnb`: executes a notebook headless, like
// `jupyter nbconvert --execute`, with the kernel VS Code uses, and writes the outputs
// into the notebook (or to --out). The file is replaced by a rename of a complete
// temporary file, so an interrupted or failed run never leaves half a notebook.
import { chmod, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { selectBackend, type BackendChoice } from "../backend/select.js";
import { cellApi } from "../notebook/cellApi.js";
import { cellName, executeNotebook } from "../notebook/executeNotebook.js";
import { NotebookFormatError, parseNotebook, serializeNotebook, type NbNotebook } from "../notebook/format.js";
import { NotebookKernel } from "../notebook/kernel.js";
import { createInProcessSession } from "../session/inProcessSession.js";
import type { RunProgress } from "../train/runResult.js";
import { UsageError, type Command } from "./command.js";
import { fmtMs } from "./format.js";
import { progressReporter, type ProgressReporter } from "./progress.js";
import { parseBackend } from "./train.js";

const usage = `Usage: mplab run NOTEBOOK.mpnb [options]

Runs every code cell of a notebook in order, as VS Code's "Run All" would (the same
kernel and cell API), and writes the outputs and execution counts into the notebook,
like \`jupyter nbconvert --execute --inplace\`. Stops at the first cell that fails:
the outputs so far, with the error in that cell, are written and the exit status is 1.
Cells run with the notebook's folder as the working directory. Ctrl-C interrupts the
running cell (the outputs so far are written); a second Ctrl-C exits at once.

Options:
  --out FILE                  write the executed notebook to FILE (default: in place)
  --backend auto|cpu|wasm|webgpu
                              where train() runs (default auto: WebGPU on a GPU, else wasm)
  -q, --quiet                 no progress on stderr
  -h, --help                  this text

Exit status: 0 every cell ran, 1 a cell failed or the notebook cannot be read or written,
2 bad command line, 130 interrupted.`;

/** Writes `text` to `file` through a temporary file in the same folder and a rename. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  let mode: number | undefined;
  try {
    mode = (await stat(file)).mode & 0o777;
  } catch {
    // a new file
  }
  try {
    await writeFile(tmp, text);
    if (mode !== undefined) await chmod(tmp, mode);
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

async function readNotebook(file: string): Promise<NbNotebook> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  try {
    return parseNotebook(text);
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

/**
 * Timers for the cells that the run can clear when it ends (as Jupyter shuts its kernel
 * down): an interval a cell left running must not keep `mplab run` from exiting.
 */
function cellTimers() {
  const live = new Set<ReturnType<typeof setTimeout>>();
  const globals = {
    setTimeout: (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const t = setTimeout((...a: unknown[]) => {
        live.delete(t);
        fn(...a);
      }, ms, ...args);
      live.add(t);
      return t;
    },
    setInterval: (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const t = setInterval(fn, ms, ...args);
      live.add(t);
      return t;
    },
    clearTimeout: (t: ReturnType<typeof setTimeout> | undefined) => {
      if (t) live.delete(t);
      clearTimeout(t);
    },
    clearInterval: (t: ReturnType<typeof setInterval> | undefined) => {
      if (t) live.delete(t);
      clearInterval(t);
    },
  };
  return { globals, clearAll: () => live.forEach((t) => clearTimeout(t)) };
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: "string" },
      backend: { type: "string" },
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

  let nb: NbNotebook;
  try {
    nb = await readNotebook(file);
  } catch (e) {
    console.error(`mplab run: ${(e as Error).message}`);
    return 1;
  }

  const session = createInProcessSession({ createBackend: async () => (await selectBackend(backend)).backend });
  // the backend is chosen before any cell runs: --backend webgpu without an adapter fails here
  try {
    const info = await session.backend();
    log(`mplab run: ${file} on the ${info.name} backend (${info.adapter})${info.note ? `: ${info.note}` : ""}`);
  } catch (e) {
    session.dispose();
    console.error(`mplab run: --backend ${backend}: ${(e as Error).message}`);
    return 1;
  }
  const timers = cellTimers();
  const api = cellApi({ session: () => session });
  const kernel = new NotebookKernel((k) => ({ ...api(k), ...timers.globals }));
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) {
      process.stderr.write("\nmplab run: interrupted again: exiting without writing the notebook\n");
      process.exit(130);
    }
    process.stderr.write("\nmplab run: interrupting the running cell (Ctrl-C again to exit at once)\n");
    abort.abort();
  };
  process.on("SIGINT", onSigint);
  // Work a cell left running (an un-awaited train(), a timer) may fail after the cell
  // ended; as in a Jupyter kernel that is reported, not fatal: the notebook still gets written.
  const onStray = (e: unknown) => process.stderr.write(`mplab run: a cell's background work failed: ${(e as Error)?.stack ?? String(e)}\n`);
  process.on("unhandledRejection", onStray);
  process.on("uncaughtException", onStray);
  const progress = cellProgress(quiet);
  // cells see the notebook's folder as their working directory, as in Jupyter
  const cwd = process.cwd();
  process.chdir(dirname(file));
  const started = Date.now();
  let status: Awaited<ReturnType<typeof executeNotebook>>;
  try {
    status = await executeNotebook(nb, kernel, {
      signal: abort.signal,
      onCellStart: (i, rank, total) => log(`mplab run: ${cellName(i)} (code cell ${rank} of ${total})`),
      onCellEnd: () => progress.done(),
      onProgress: (i, p) => progress.onProgress(i, p),
    });
  } finally {
    process.chdir(cwd);
    progress.done();
    process.removeListener("SIGINT", onSigint);
    kernel.dispose();
    timers.clearAll();
    session.dispose();
  }

  try {
    await writeAtomically(target, serializeNotebook(nb));
  } catch (e) {
    console.error(`mplab run: cannot write ${target}: ${(e as Error).message}`);
    return 1;
  }
  const shown = values.out ?? positionals[0];
  if (status.status === "ok") {
    log(`mplab run: ${status.cellsRun} code cells ran in ${fmtMs(Date.now() - started)}; outputs written to ${shown}`);
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
  console.error(`mplab run: ${name} was interrupted: ${status.result.status === "interrupted" ? status.result.message : ""}`);
  console.error(`mplab run: the outputs so far were written to ${shown}`);
  return 130;
}

export const runCommand: Command = { name: "run", summary: "execute a notebook (*.mpnb) headless and write its outputs", usage, run };
