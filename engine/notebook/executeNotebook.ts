// Runs every code cell of a notebook in order, headless (`mplab run`, like
// `jupyter nbconvert --execute`), and writes what each cell showed into the notebook
// as nbformat outputs. The outputs have the shape the VS Code controller's outputs
// take when VS Code saves them (extension/notebook/controller.ts + serializer.ts), so
// a notebook run here opens in VS Code looking as if it had been run there: streams
// merged while the same stream continues, display() values as display_data, the
// cell's value as execute_result, an error as `ename`/`evalue` with "(line N)" and the
// cell-relative stack as the traceback. Stops at the first cell that fails.
import type { RunProgress } from "../train/runResult.js";
import { isJsonMime, type MimeBundle, type NbCell, type NbNotebook, type NbOutput } from "./format.js";
import { encodeNonFinite } from "../payload/nonFinite.js";
import type { CellRunner } from "../kernel/kernelClient.js";
import type { CellOutcome } from "../kernel/kernelProtocol.js";

export interface ExecuteNotebookOptions {
  /** aborting: no further cell starts (interrupting the running one is the runner's: KernelClient.interrupt) */
  signal?: AbortSignal;
  /** a code cell starts: its index in nb.cells, its rank among the code cells, how many there are */
  onCellStart?(index: number, rank: number, codeCells: number): void;
  /** a code cell ended (its outputs are in the notebook by then) */
  onCellEnd?(index: number, result: CellOutcome): void;
  /** a training run in the cell made progress */
  onProgress?(index: number, p: RunProgress): void;
}

export type NotebookRunStatus =
  | { status: "ok"; cellsRun: number }
  | { status: "error" | "interrupted" | "died"; cellsRun: number; /** index in nb.cells of the cell that stopped the run */ cell: number; result: CellOutcome };

/** The name a cell goes by in errors: "cell N", N its 1-based place in the notebook (as in VS Code). */
export const cellName = (index: number) => `cell ${index + 1}`;

/**
 * Executes the code cells of `nb` in order on `kernel`, replacing each one's outputs and
 * execution count (1, 2, ... in the order run). Mutates `nb`. Cells after a failed or
 * interrupted one are left as they were.
 */
export async function executeNotebook(nb: NbNotebook, kernel: CellRunner, options: ExecuteNotebookOptions = {}): Promise<NotebookRunStatus> {
  const code = nb.cells.map((c, i) => [c, i] as const).filter(([c]) => c.cell_type === "code");
  let count = 0;
  for (const [cell, index] of code) {
    if (options.signal?.aborted) {
      return { status: "interrupted", cellsRun: count, cell: index, result: { status: "interrupted", message: "interrupted before it started" } };
    }
    options.onCellStart?.(index, count + 1, code.length);
    const outputs = new CellOutputs();
    const result = await kernel.execute(cell.source, {
      name: cellName(index),
      stdout: (t) => outputs.stream("stdout", t),
      stderr: (t) => outputs.stream("stderr", t),
      display: (b) => outputs.display(b),
      progress: (p) => options.onProgress?.(index, p),
    });
    count++;
    setOutputs(cell, outputs.finish(result, count), count);
    options.onCellEnd?.(index, result);
    if (result.status !== "ok") return { status: result.status, cellsRun: count, cell: index, result };
  }
  return { status: "ok", cellsRun: count };
}

function setOutputs(cell: NbCell, outputs: NbOutput[], executionCount: number): void {
  cell.outputs = outputs;
  cell.execution_count = executionCount;
}

/**
 * A MIME bundle as nbformat keeps it: JSON types as the JSON VS Code stores, non-finite
 * numbers in the one codec (a bundle that crossed the kernel's channel arrives decoded;
 * encoding is idempotent, so an encoded one is unchanged).
 */
function nbBundle(bundle: MimeBundle): MimeBundle {
  const data: MimeBundle = {};
  try {
    for (const [mime, v] of Object.entries(bundle)) data[mime] = isJsonMime(mime) ? JSON.parse(JSON.stringify(encodeNonFinite(v)) ?? "null") : String(v);
    return data;
  } catch (e) {
    // too deep for the codec or JSON: the notebook keeps a line saying so, never a failed run
    return { "text/plain": `(this output cannot be saved: ${(e as Error)?.message ?? String(e)})` };
  }
}

/** The outputs of one cell, in the order they appeared. */
class CellOutputs {
  private readonly outputs: NbOutput[] = [];

  stream(name: "stdout" | "stderr", text: string): void {
    const last = this.outputs[this.outputs.length - 1];
    if (last?.output_type === "stream" && last.name === name) last.text += text;
    else this.outputs.push({ output_type: "stream", name, text });
  }

  display(bundle: MimeBundle): void {
    this.outputs.push({ output_type: "display_data", data: nbBundle(bundle), metadata: {} });
  }

  finish(result: CellOutcome, executionCount: number): NbOutput[] {
    if (result.status === "ok") {
      const bundle = result.bundle;
      if (bundle) this.outputs.push({ output_type: "execute_result", data: nbBundle(bundle), metadata: {}, execution_count: executionCount });
    } else if (result.status === "error") {
      const e = result.error;
      const where = e.line !== undefined ? ` (line ${e.line})` : "";
      this.outputs.push({ output_type: "error", ename: e.name, evalue: `${e.message}${where}`, traceback: e.stack.split("\n") });
    } else if (result.status === "died") {
      this.outputs.push({ output_type: "error", ename: "KernelDied", evalue: result.message, traceback: [] });
    } else {
      this.outputs.push({ output_type: "error", ename: "Interrupted", evalue: result.message, traceback: [] });
    }
    return this.outputs;
  }
}
