// The engine as seen from the extension host: an EngineSession whose calls are
// requests over the protocol to the engine page. The page starts on first use.
// If the page goes away (panel closed, reloaded, engine restarted) every request in
// flight fails with a clear message instead of hanging; the next call starts a new page.
import * as vscode from "vscode";
import type { BackendInfo } from "../../engine/index.js";
import type { TrainConfigInput } from "../../engine/index.js";
import { assertNever, PROTOCOL_VERSION, type HostMessage, type PageMessage, type ProtocolError } from "../../engine/host.js";
import { EngineGoneError, type EngineSession, type SessionTrainOptions } from "../../engine/host.js";
import type { RunProgress, RunResult, TrainedModel } from "../../engine/index.js";
import { describeBackend } from "./backendLabel.js";
import { EnginePanel } from "./enginePanel.js";

type Pending =
  | { kind: "train"; resolve(r: RunResult): void; reject(e: Error): void; onProgress?: (p: RunProgress) => void }
  | { kind: "predict"; resolve(r: number[][]): void; reject(e: Error): void }
  | { kind: "backend"; resolve(r: BackendInfo): void; reject(e: Error): void };

/** How long a new engine page may take to say it is ready (a cold webview is slow). */
const READY_TIMEOUT_MS = 90_000;

export class EngineClient implements EngineSession, vscode.Disposable {
  private panel: EnginePanel | undefined;
  private ready: Promise<BackendInfo> | undefined;
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private info: BackendInfo | undefined;
  private readonly onBackendEmitter = new vscode.EventEmitter<BackendInfo | undefined>();
  private readonly onRunFinishedEmitter = new vscode.EventEmitter<RunResult>();
  /** the backend of the running page; undefined when no page runs */
  readonly onDidChangeBackend = this.onBackendEmitter.event;
  readonly onDidFinishRun = this.onRunFinishedEmitter.event;
  /** the last run the engine finished (notebook or command), for Inspect Precision */
  lastResult: RunResult | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.OutputChannel,
    private readonly onRestartRequested: () => void,
  ) {}

  get currentBackend(): BackendInfo | undefined {
    return this.info;
  }

  /** Starts the engine page if none runs; resolves when it has chosen its backend. */
  start(): Promise<BackendInfo> {
    if (this.panel && !this.panel.isClosed && this.ready) return this.ready;
    const backend = vscode.workspace.getConfiguration("mplab").get<"auto" | "webgpu" | "wasm" | "cpu">("engine.backend", "auto");
    let resolveReady!: (b: BackendInfo) => void;
    let rejectReady!: (e: Error) => void;
    const ready = new Promise<BackendInfo>((res, rej) => { resolveReady = res; rejectReady = rej; });
    ready.catch(() => {}); // failures reach callers through start()
    const timer = setTimeout(() => rejectReady(new Error("The Mixed Precision Engine page did not start in time (see the Mixed Precision output).")), READY_TIMEOUT_MS);
    let sawReady = false;
    const panel: EnginePanel = new EnginePanel(this.extensionUri, backend, {
      message: (msg) => {
        if (msg.type === "ready") {
          clearTimeout(timer);
          if (sawReady) this.failAll(new EngineGoneError("The Mixed Precision Engine page reloaded while a request was in flight. Run it again: the engine has restarted."));
          sawReady = true;
          this.setBackend(msg.backend);
          this.log.appendLine(`engine: ${describeBackend(msg.backend)}${msg.backend.note ? ` (${msg.backend.note})` : ""}`);
          resolveReady(msg.backend);
          return;
        }
        if (!sawReady && msg.type === "error" && msg.id === null) {
          // the page could not make an engine (e.g. "webgpu" asked for and no adapter)
          clearTimeout(timer);
          rejectReady(new Error(msg.message));
          return;
        }
        this.handle(msg);
      },
      invalid: (e) => this.invalid(e),
      closed: () => {
        clearTimeout(timer);
        rejectReady(new EngineGoneError("The Mixed Precision Engine panel was closed before the engine started."));
        if (this.panel === panel) {
          this.panel = undefined;
          this.ready = undefined;
          this.setBackend(undefined);
        }
        this.failAll(new EngineGoneError("The Mixed Precision Engine panel was closed while the engine was working; the run was lost. Run it again to start a new engine."));
      },
    });
    this.panel = panel;
    this.ready = ready;
    return ready;
  }

  reveal(): void {
    this.panel?.reveal();
  }

  /** Closes the engine page (failing what is in flight); the next call starts a new one. */
  restart(reason = "The engine was restarted; the run in progress was stopped."): void {
    const panel = this.panel;
    this.panel = undefined;
    this.ready = undefined;
    this.failAll(new EngineGoneError(reason));
    panel?.dispose();
    this.setBackend(undefined);
  }

  // ---- EngineSession --------------------------------------------------------------

  async backend(): Promise<BackendInfo> {
    await this.start();
    return this.request<BackendInfo>({ kind: "backend" } as Pending, (id) => ({ v: PROTOCOL_VERSION, type: "describe", id }));
  }

  async train(config: TrainConfigInput, options: SessionTrainOptions = {}): Promise<RunResult> {
    await this.start();
    let id = "";
    const result = this.request<RunResult>({ kind: "train", onProgress: options.onProgress } as Pending, (rid) => {
      id = rid;
      return { v: PROTOCOL_VERSION, type: "train", id: rid, config: config as unknown as Record<string, unknown>, chunkSize: options.chunkSize, memoryBudgetMiB: options.memoryBudgetMiB };
    });
    const cancel = () => this.panel?.post({ v: PROTOCOL_VERSION, type: "cancel", id });
    if (options.signal?.aborted) cancel();
    options.signal?.addEventListener("abort", cancel, { once: true });
    try {
      return await result;
    } finally {
      options.signal?.removeEventListener("abort", cancel);
    }
  }

  async predict(model: TrainedModel, inputs: number[][]): Promise<number[][]> {
    await this.start();
    return this.request<number[][]>({ kind: "predict" } as Pending, (id) => ({ v: PROTOCOL_VERSION, type: "predict", id, model, inputs }));
  }

  dispose(): void {
    this.restart("The extension was deactivated.");
    this.onBackendEmitter.dispose();
    this.onRunFinishedEmitter.dispose();
  }

  // ---- plumbing -------------------------------------------------------------------

  private request<T>(pending: Pending, make: (id: string) => HostMessage): Promise<T> {
    const panel = this.panel;
    if (!panel || panel.isClosed) return Promise.reject(new EngineGoneError("The Mixed Precision Engine is not running."));
    const id = `r${this.nextId++}`;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { ...pending, resolve: resolve as never, reject });
      panel.post(make(id));
    });
  }

  private handle(msg: Exclude<PageMessage, { type: "ready" }>): void {
    switch (msg.type) {
      case "progress": {
        const p = this.pending.get(msg.id);
        if (p?.kind === "train") p.onProgress?.(msg.progress);
        return;
      }
      case "trainResult": {
        const p = this.take(msg.id, "train");
        this.lastResult = msg.result;
        this.onRunFinishedEmitter.fire(msg.result);
        p?.resolve(msg.result);
        return;
      }
      case "predictResult":
        this.take(msg.id, "predict")?.resolve(msg.outputs);
        return;
      case "backend":
        this.setBackend(msg.backend);
        this.take(msg.id, "backend")?.resolve(msg.backend);
        return;
      case "error": {
        if (msg.id === null) {
          this.log.appendLine(`engine page: ${msg.message}`);
          return;
        }
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        p?.reject(new Error(msg.message));
        return;
      }
      case "restartRequested":
        this.onRestartRequested();
        return;
      default:
        assertNever(msg);
    }
  }

  private take<K extends Pending["kind"]>(id: string, kind: K): Extract<Pending, { kind: K }> | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    if (p.kind !== kind) {
      this.pending.delete(id);
      p.reject(new Error(`The engine page answered request ${id} (${p.kind}) with a ${kind} result.`));
      return undefined;
    }
    this.pending.delete(id);
    return p as Extract<Pending, { kind: K }>;
  }

  private invalid(e: ProtocolError): void {
    this.log.appendLine(`engine page sent an invalid message: ${e.message}`);
    if (e.id !== null) {
      const p = this.pending.get(e.id);
      this.pending.delete(e.id);
      p?.reject(new Error(`The engine page sent an invalid answer: ${e.message}`));
    }
  }

  private failAll(error: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error);
  }

  private setBackend(info: BackendInfo | undefined): void {
    this.info = info;
    this.onBackendEmitter.fire(info);
  }
}
