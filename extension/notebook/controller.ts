// The notebook controller "Mixed Precision": runs JavaScript cells of *.mpnb
// notebooks (and Jupyter notebooks, where the Jupyter extension provides that type) in
// a kernel process of its own per notebook (engine/kernel/, forked from dist/kernel.mjs),
// never on the extension host's thread; the cells' train()/predict() are relayed from
// the kernel to the engine page. Cells run one at a time per notebook, in the order
// asked; interrupting stops the running cell (its training stops at the next chunk; a
// cell that ignores it is ended with its kernel) and clears the queued ones.
import * as vscode from "vscode";
import { KernelClient, type CellOutcome, type EngineSession, type MimeBundle } from "../../engine/host.js";
import { LiveRunOutput } from "../../engine/host.js";
import type { RunProgress, RunResult } from "../../engine/index.js";
import type { EngineClient } from "../engineHost/engineClient.js";
import { bundleToOutput } from "./serializer.js";

// not "(WebGPU)": the engine runs on WebGPU only on a real GPU, else on wasm (the status bar
// and the dashboard say which and why)
export const CONTROLLER_LABEL = "Mixed Precision";
export const UNTRUSTED_MESSAGE =
  "Cells run only in trusted workspaces: they execute code. Use 'Workspaces: Manage Workspace Trust' to trust this folder, then run the cell again.";

/** A train() call of a cell finished (the Problems panel shows its overflow events on the cell). */
export interface CellTraining {
  cell: vscode.NotebookCell;
  result: RunResult;
  /** 0 for the first train() of this execution of the cell, 1 for the second, ... */
  index: number;
}

interface NotebookState {
  kernel: KernelClient;
  /** the cell running now and how many train() calls it has made */
  cell: vscode.NotebookCell | undefined;
  trainings: number;
  order: number;
  queue: vscode.NotebookCellExecution[];
  running: Promise<void>;
  current: AbortController | undefined;
}

export class NotebookController implements vscode.Disposable {
  private readonly controllers: vscode.NotebookController[] = [];
  private readonly states = new Map<vscode.NotebookDocument, NotebookState>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly startEmitter = new vscode.EventEmitter<vscode.NotebookCell>();
  private readonly trainedEmitter = new vscode.EventEmitter<CellTraining>();
  /** a cell starts executing */
  readonly onDidStartCell = this.startEmitter.event;
  /** a cell's train() call finished (completed, cancelled or failed in the engine) */
  readonly onDidTrainInCell = this.trainedEmitter.event;

  constructor(
    private readonly engine: EngineClient,
    /** dist/kernel.mjs of this extension */
    private readonly kernelEntry: string,
    private readonly log?: vscode.OutputChannel,
  ) {
    this.addController("mpnb");
    // Jupyter notebooks too, when the Jupyter extension provides the notebook type.
    const addJupyter = () => {
      if (!this.controllers.some((c) => c.notebookType === "jupyter-notebook") && vscode.extensions.getExtension("ms-toolsai.jupyter")) {
        this.addController("jupyter-notebook");
      }
    };
    addJupyter();
    this.subscriptions.push(
      vscode.extensions.onDidChange(addJupyter),
      vscode.workspace.onDidCloseNotebookDocument((nb) => this.forget(nb)),
    );
  }

  private addController(notebookType: string): void {
    const c = vscode.notebooks.createNotebookController(`mplab.${notebookType}`, notebookType, CONTROLLER_LABEL, (cells, nb, ctl) =>
      this.execute(cells, nb, ctl),
    );
    c.supportedLanguages = ["javascript"];
    c.supportsExecutionOrder = true;
    c.description = "JavaScript cells with the Mixed Precision engine (WebGPU on a GPU, else WebAssembly)";
    c.detail = "train(), predict(), mlp(), datasets, scalers: the engine API";
    c.interruptHandler = (nb) => this.interrupt(nb);
    this.controllers.push(c);
  }

  /** Drops every notebook's context (Restart Engine): variables are gone, counts restart. */
  resetKernels(): void {
    for (const nb of [...this.states.keys()]) this.forget(nb);
  }

  /** Restart Kernel: ends this notebook's kernel process; the next cell starts a new one. */
  restartKernel(nb: vscode.NotebookDocument): boolean {
    if (!this.states.has(nb)) return false;
    this.forget(nb);
    return true;
  }

  interrupt(nb: vscode.NotebookDocument): void {
    const state = this.states.get(nb);
    if (!state) return;
    // queued cells are cleared: they end without a result
    for (const exec of state.queue.splice(0)) exec.end(undefined);
    state.current?.abort();
  }

  dispose(): void {
    this.resetKernels();
    for (const c of this.controllers) c.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.startEmitter.dispose();
    this.trainedEmitter.dispose();
  }

  private forget(nb: vscode.NotebookDocument): void {
    const state = this.states.get(nb);
    if (!state) return;
    this.interrupt(nb);
    state.kernel.restart("the kernel was restarted");
    this.states.delete(nb);
  }

  private stateFor(nb: vscode.NotebookDocument): NotebookState {
    let state = this.states.get(nb);
    if (!state) {
      const config = () => vscode.workspace.getConfiguration("mplab");
      // the engine, with each finished training attributed to the cell that ran it
      const engine = this.engine;
      const session: EngineSession = {
        backend: () => engine.backend(),
        predict: (model, inputs) => engine.predict(model, inputs),
        dispose: () => {},
        train: async (config, options) => {
          const cell = state!.cell;
          const index = state!.trainings++;
          const result = await engine.train(config, options);
          if (cell) this.trainedEmitter.fire({ cell, result, index });
          return result;
        },
      };
      const folder = nb.uri.scheme === "file" ? vscode.Uri.joinPath(nb.uri, "..").fsPath : undefined;
      const kernel = new KernelClient({
        entry: this.kernelEntry,
        session,
        cwd: folder,
        heapLimitMiB: config().get<number>("notebook.kernelHeapLimit", 4096),
        onOutput: (t) => this.log?.append(`kernel: ${t}`),
        onBackground: (t) => this.log?.appendLine(`kernel: a cell's background work failed: ${t}`),
      });
      state = { kernel, cell: undefined, trainings: 0, order: 0, queue: [], running: Promise.resolve(), current: undefined };
      this.states.set(nb, state);
    }
    return state;
  }

  private execute(cells: vscode.NotebookCell[], nb: vscode.NotebookDocument, controller: vscode.NotebookController): void {
    if (!vscode.workspace.isTrusted) {
      // (VS Code usually asks for trust before it gets here; this is the fallback)
      for (const cell of cells) {
        let exec: vscode.NotebookCellExecution;
        try {
          exec = controller.createNotebookCellExecution(cell);
        } catch {
          continue; // already running
        }
        exec.start(Date.now());
        void exec.replaceOutput(new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name: "Restricted Mode", message: UNTRUSTED_MESSAGE })]));
        exec.end(false, Date.now());
      }
      return;
    }
    const state = this.stateFor(nb);
    for (const cell of cells) {
      if (cell.kind !== vscode.NotebookCellKind.Code) continue;
      try {
        state.queue.push(controller.createNotebookCellExecution(cell));
      } catch {
        // the cell is already queued or running
      }
    }
    state.running = state.running.then(async () => {
      while (state.queue.length > 0) await this.runCell(state.queue.shift()!, state);
    });
  }

  private async runCell(exec: vscode.NotebookCellExecution, state: NotebookState): Promise<void> {
    const abort = new AbortController();
    state.current = abort;
    const cancel = exec.token.onCancellationRequested(() => abort.abort());
    exec.executionOrder = ++state.order;
    exec.start(Date.now());
    state.cell = exec.cell;
    state.trainings = 0;
    this.startEmitter.fire(exec.cell);
    await exec.clearOutput();
    const out = new CellOutputs(exec);
    let result: CellOutcome;
    const settings = vscode.workspace.getConfiguration("mplab");
    const abortSub = () => state.kernel.interrupt();
    abort.signal.addEventListener("abort", abortSub, { once: true });
    try {
      result = await state.kernel.execute(exec.cell.document.getText(), {
        name: `cell ${exec.cell.index + 1}`,
        defaults: {
          precision: settings.get("training.precision"),
          chunkSize: settings.get("training.chunkSize"),
          memoryBudgetMiB: settings.get("training.memoryBudget"),
        },
        stdout: (t) => out.stream("stdout", t),
        stderr: (t) => out.stream("stderr", t),
        display: (v) => out.display(v),
        progress: (p) => out.progress(p),
      });
    } finally {
      abort.signal.removeEventListener("abort", abortSub);
      cancel.dispose();
      state.current = undefined;
      state.cell = undefined;
    }
    await out.finish(result);
    exec.end(result.status === "ok", Date.now());
  }
}

/**
 * The outputs of one running cell, in the order they appeared: streams grow in place,
 * the live training chart (LIVE_RUN_MIME) is replaced at most every `liveUpdateInterval`
 * ms and dropped when the cell ends (the RunResult output takes its place).
 */
class CellOutputs {
  private readonly entries: { output: vscode.NotebookCellOutput; stream?: "stdout" | "stderr"; text?: string; live?: boolean }[] = [];
  private lastLive = 0;
  private pendingLive: RunProgress[] = [];
  private liveTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly live = new LiveRunOutput();
  private writes: Promise<unknown> = Promise.resolve();
  private readonly interval = vscode.workspace.getConfiguration("mplab").get<number>("notebook.liveUpdateInterval", 250);

  constructor(private readonly exec: vscode.NotebookCellExecution) {}

  stream(name: "stdout" | "stderr", text: string): void {
    const last = this.entries[this.entries.length - 1];
    if (last?.stream === name) {
      last.text += text;
      const item = name === "stdout" ? vscode.NotebookCellOutputItem.stdout(last.text!) : vscode.NotebookCellOutputItem.stderr(last.text!);
      const output = last.output;
      this.write(() => this.exec.replaceOutputItems(item, output));
      return;
    }
    const item = name === "stdout" ? vscode.NotebookCellOutputItem.stdout(text) : vscode.NotebookCellOutputItem.stderr(text);
    const output = new vscode.NotebookCellOutput([item]);
    this.entries.push({ output, stream: name, text });
    this.write(() => this.exec.appendOutput(output));
  }

  display(bundle: MimeBundle): void {
    const output = bundleToOutput(bundle, "display_data");
    this.entries.push({ output });
    this.write(() => this.exec.appendOutput(output));
  }

  progress(p: RunProgress): void {
    this.pendingLive.push(p);
    const wait = this.lastLive + this.interval - Date.now();
    if (wait <= 0) this.flushLive();
    else this.liveTimer ??= setTimeout(() => this.flushLive(), wait);
  }

  async finish(result: CellOutcome): Promise<void> {
    clearTimeout(this.liveTimer);
    this.liveTimer = undefined;
    const kept = this.entries.filter((e) => !e.live).map((e) => e.output);
    if (result.status === "ok") {
      const bundle = result.bundle;
      if (bundle) kept.push(bundleToOutput(bundle, "execute_result"));
    } else if (result.status === "error") {
      const e = result.error;
      const where = e.line !== undefined ? ` (line ${e.line})` : "";
      kept.push(new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name: e.name, message: `${e.message}${where}`, stack: e.stack })]));
    } else if (result.status === "died") {
      kept.push(new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name: "KernelDied", message: result.message })]));
    } else {
      kept.push(new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name: "Interrupted", message: result.message })]));
    }
    await this.writes;
    await this.exec.replaceOutput(kept);
  }

  private flushLive(): void {
    clearTimeout(this.liveTimer);
    this.liveTimer = undefined;
    this.lastLive = Date.now();
    const batch = this.pendingLive.splice(0);
    if (batch.length === 0) return;
    for (const p of batch) this.live.add(p);
    // the live chart (the renderer's live MIME, with a text line for plain viewers)
    const bundle = this.live.bundle();
    if (!bundle) return;
    const items = bundleToOutput(bundle, "display_data").items;
    const live = this.entries.find((e) => e.live);
    if (live) {
      const output = live.output;
      this.write(() => this.exec.replaceOutputItems(items, output));
    } else {
      const output = new vscode.NotebookCellOutput(items, { live: true });
      this.entries.push({ output, live: true });
      this.write(() => this.exec.appendOutput(output));
    }
  }

  /** Output edits are applied in order. */
  private write(edit: () => Thenable<void>): void {
    this.writes = this.writes.then(edit, edit);
  }
}
