// Node-only: the owner's side of a notebook kernel process (engine/kernel/kernelMain.ts).
// One KernelClient per notebook: it forks the kernel on first use, runs cells one at a
// time, keeps each cell's outputs flowing to its caller, relays the cells' engine session
// (train/predict) to `session` when one is given, and turns every way a kernel can end
// into a cell result that says why: a crash, process.exit, running out of memory, or an
// interrupt the cell did not honour (then the kernel is ended and the next cell starts a
// new one). The caller's own process never runs cell code.
import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import type { BackendChoice } from "../backend/select.js";
import type { TrainConfigInput } from "../config/schema.js";
import { assertNever, encodeMessage, parseHostMessage, PROTOCOL_VERSION, ProtocolError, type PageMessage } from "../protocol.js";
import type { EngineSession } from "../session/engineSession.js";
import type { RunProgress, RunResult } from "../train/runResult.js";
import { EXIT_MARKER } from "./exitMarker.js";
import { encodeKernelMessage, parseFromKernel, type CellDefaults, type CellOutcome, type FromKernel, type MimeBundle, type ToKernel } from "./kernelProtocol.js";
import { dawnLogFilter } from "./dawnLog.js";

export interface KernelClientOptions {
  /** the kernel entry: dist/kernel.mjs (found beside this bundle, or the TypeScript source in tests) */
  entry?: string;
  /** where train()/predict() of the cells run; without it the kernel runs its own engine on `backend` */
  session?: EngineSession;
  backend?: BackendChoice;
  /** the cells' working directory */
  cwd?: string;
  /** the kernel's JavaScript heap limit (MiB): a cell that fills it ends the kernel, not its owner */
  heapLimitMiB?: number;
  /** after an interrupt, how long the cell may take to stop before the kernel is ended */
  interruptGraceMs?: number;
  /** the kernel's own stderr/stdout (native warnings...), Dawn's log lines removed */
  onOutput?: (text: string) => void;
  /** work a cell left running failed after that cell ended */
  onBackground?: (text: string) => void;
  /** a relayed train() finished */
  onTrained?: (result: RunResult) => void;
}

export interface RunCellOptions {
  name: string;
  defaults?: CellDefaults;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  display?: (bundle: MimeBundle) => void;
  progress?: (p: RunProgress) => void;
}

/** Anything that runs cells: a KernelClient, or an in-process adapter in tests. */
export interface CellRunner {
  execute(code: string, options: RunCellOptions): Promise<CellOutcome>;
}

export interface KernelReady {
  backend?: { name: string; adapter: string; note?: string };
  backendError?: string;
}

interface Running {
  id: number;
  options: RunCellOptions;
  resolve(o: CellOutcome): void;
}

/** The kernel entry next to this module once bundled (dist/), or the source in tests. */
function defaultEntry(): { entry: string; execArgv: string[] } {
  const here = typeof import.meta.url === "string" ? dirname(fileURLToPath(import.meta.url)) : process.cwd();
  const bundled = join(here, "kernel.mjs");
  if (existsSync(bundled)) return { entry: bundled, execArgv: [] };
  const register = join(here, "..", "..", "test", "setup", "register.mjs");
  return { entry: join(here, "kernelMain.ts"), execArgv: ["--import", register] };
}

export class KernelClient implements CellRunner {
  private child: ChildProcess | undefined;
  private ready: Promise<KernelReady> | undefined;
  private running: Running | undefined;
  private nextId = 1;
  private stderrTail = "";
  /** why the kernel is being ended by us, if it is */
  private ending: { message: string; outcome: (m: string) => CellOutcome } | undefined;
  private readonly relays = new Map<string, AbortController>();
  private interruptTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(private readonly options: KernelClientOptions = {}) {}

  /** Whether a kernel process is running now. */
  get alive(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The kernel process's id while one runs. */
  get pid(): number | undefined {
    return this.alive ? this.child!.pid : undefined;
  }

  /** Starts the kernel if none runs; resolves when it is ready for cells. */
  start(): Promise<KernelReady> {
    if (this.disposed) return Promise.reject(new Error("this kernel was shut down"));
    if (this.ready && this.alive) return this.ready;
    const { entry, execArgv } = this.options.entry ? { entry: this.options.entry, execArgv: [] } : defaultEntry();
    const args = [...(this.options.session ? ["--session", "relay"] : ["--session", "local", "--backend", this.options.backend ?? "auto"]), "--owner", String(process.pid)];
    const heap = this.options.heapLimitMiB;
    const child = fork(entry, args, {
      cwd: this.options.cwd,
      execArgv: [...execArgv, ...(heap ? [`--max-old-space-size=${Math.round(heap)}`] : [])],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "advanced", // structured clone: NaN/Infinity kept (kernelProtocol.ts)
      // VS Code's extension host is Electron: its children run as Node
      env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" },
    });
    this.child = child;
    this.stderrTail = "";
    this.ending = undefined;
    const filter = dawnLogFilter((t) => this.options.onOutput?.(t));
    child.stderr!.setEncoding("utf8").on("data", (t: string) => {
      this.stderrTail = (this.stderrTail + t).slice(-4000);
      filter.write(t.split("\n").filter((l) => !l.startsWith(EXIT_MARKER)).join("\n"));
    });
    child.stdout!.setEncoding("utf8").on("data", (t: string) => filter.write(t));
    let resolveReady!: (r: KernelReady) => void;
    let rejectReady!: (e: Error) => void;
    this.ready = new Promise<KernelReady>((res, rej) => {
      resolveReady = res;
      rejectReady = rej;
    });
    this.ready.catch(() => {});
    child.on("message", (raw) => {
      let msg: FromKernel;
      try {
        msg = parseFromKernel(raw);
      } catch (e) {
        const why = `the kernel sent an invalid message: ${(e as Error).message}`;
        // never wait on a message refused: a refused "ready" fails the start, a refused
        // "done" ends its cell with the reason
        const r = raw as { type?: unknown; id?: unknown } | null;
        if (r?.type === "ready") rejectReady(new Error(why));
        else if (r?.type === "done" && this.running && r.id === this.running.id) this.finish({ status: "error", error: { name: "Error", message: why, stack: why } });
        else this.options.onBackground?.(why);
        return;
      }
      if (msg.type === "ready") resolveReady({ backend: msg.backend, backendError: msg.backendError });
      else this.handle(msg);
    });
    child.on("error", (e) => rejectReady(new Error(`the notebook kernel could not start: ${e.message}`)));
    // the channel closed but the process lives on (a cell called process.disconnect()):
    // no result can arrive any more, so the kernel is ended. A kernel that is exiting
    // closes its channel first: its own exit, a moment later, says why instead.
    child.on("disconnect", () => {
      setTimeout(() => {
        if (this.child !== child) return;
        this.end("the kernel died: its channel to its owner closed while it lived on (a cell called process.disconnect()?), so it was ended. Its variables are gone; the next cell starts a new kernel.", (m) => ({ status: "died", message: m }));
      }, 3000).unref();
    });
    child.on("exit", (code, signal) => {
      filter.end();
      if (this.child === child) this.child = undefined;
      const message = this.deathMessage(code, signal);
      rejectReady(new Error(message));
      for (const c of this.relays.values()) c.abort();
      this.relays.clear();
      clearTimeout(this.interruptTimer);
      const r = this.running;
      this.running = undefined;
      if (r) r.resolve(this.ending ? this.ending.outcome(this.ending.message) : { status: "died", message });
      this.ending = undefined;
    });
    return this.ready;
  }

  /** Runs one cell in the kernel (starting one if none runs). Never throws. */
  async execute(code: string, options: RunCellOptions): Promise<CellOutcome> {
    if (this.running) return { status: "error", error: { name: "Error", message: `${this.running.options.name} is still running`, stack: "" } };
    try {
      const ready = await this.start();
      if (ready.backendError) return { status: "error", error: { name: "Error", message: ready.backendError, stack: "" } };
    } catch (e) {
      return { status: "died", message: (e as Error).message };
    }
    const id = this.nextId++;
    return new Promise<CellOutcome>((resolve) => {
      this.running = { id, options, resolve };
      this.post({ type: "execute", id, code, name: options.name, defaults: options.defaults });
    });
  }

  /**
   * Interrupts the running cell: its AbortSignal (train() stops at its next chunk) and
   * SIGINT (breaks a synchronous loop at a cell's top level). A cell still running after
   * the grace time is stopped by ending the kernel; it ends "interrupted", saying so.
   */
  interrupt(): void {
    const child = this.child;
    if (!this.running || !child || this.interruptTimer) return;
    this.post({ type: "interrupt" });
    if (process.platform !== "win32") child.kill("SIGINT");
    const grace = this.options.interruptGraceMs ?? 4000;
    this.interruptTimer = setTimeout(() => {
      this.interruptTimer = undefined;
      if (!this.running || this.child !== child) return;
      this.end(
        `interrupted: the cell did not stop within ${grace / 1000} s, so the kernel was restarted (its variables are gone; run the cells it needs again)`,
        (m) => ({ status: "interrupted", message: m, restarted: true }),
      );
    }, grace);
  }

  /** Ends the kernel (Restart Kernel): a running cell ends with `reason`; the next cell starts a new kernel. */
  restart(reason = "the kernel was restarted"): void {
    this.end(reason, (m) => ({ status: "interrupted", message: m, restarted: true }));
  }

  dispose(): void {
    this.disposed = true;
    this.restart("the notebook was closed");
  }

  private end(message: string, outcome: (m: string) => CellOutcome): void {
    const child = this.child;
    clearTimeout(this.interruptTimer);
    this.interruptTimer = undefined;
    if (!child) return;
    this.ending = { message, outcome };
    this.child = undefined;
    this.ready = undefined;
    child.kill("SIGKILL");
  }

  /** The running cell ends with `outcome`. */
  private finish(outcome: CellOutcome): void {
    const r = this.running;
    if (!r) return;
    clearTimeout(this.interruptTimer);
    this.interruptTimer = undefined;
    this.running = undefined;
    r.resolve(outcome);
  }

  private post(m: ToKernel): void {
    const child = this.child;
    if (child?.connected) child.send(encodeKernelMessage(m) as never);
  }

  private deathMessage(code: number | null, signal: NodeJS.Signals | null): string {
    const tail = this.stderrTail;
    const exit = tail.lastIndexOf(EXIT_MARKER);
    let why: string;
    if (exit >= 0) why = `a cell called process.exit(${tail.slice(exit + EXIT_MARKER.length).split("\n")[0]})`;
    else if (/heap out of memory|Reached heap limit|allocation failed/i.test(tail)) why = `it ran out of memory (its JavaScript heap is limited to ${this.options.heapLimitMiB ?? "the default"} MiB)`;
    else if (signal) why = `it was ended by ${signal}${this.lastLine(tail)}`;
    else why = `it exited with code ${code}${this.lastLine(tail)}`;
    return `the kernel died: ${why}. Its variables are gone; the next cell starts a new kernel.`;
  }

  private lastLine(tail: string): string {
    // the last line that is not part of V8's crash dump (stack frames, GC traces)
    const lines = tail.split("\n").filter((l) => l.trim() && !l.startsWith(EXIT_MARKER) && !/^\s*(\d+: |\[\d+:0x|<--- |----- |FATAL ERROR)/.test(l));
    const last = lines[lines.length - 1];
    return last ? ` (${last.trim().slice(0, 300)})` : "";
  }

  private handle(msg: Exclude<FromKernel, { type: "ready" }>): void {
    const r = this.running;
    switch (msg.type) {
      case "stream":
        if (r?.id === msg.id) (msg.name === "stdout" ? r.options.stdout : r.options.stderr)?.(msg.text);
        return;
      case "display":
        if (r?.id === msg.id) r.options.display?.(msg.bundle);
        return;
      case "progress":
        if (r?.id === msg.id) r.options.progress?.(msg.progress);
        return;
      case "done":
        if (r?.id !== msg.id) return;
        this.finish(msg.outcome);
        return;
      case "background":
        this.options.onBackground?.(msg.text);
        return;
      case "session":
        void this.relay(msg.message);
        return;
      default:
        assertNever(msg);
    }
  }

  /** A cell's engine request, validated as engine/protocol.ts's HostMessage, run on `session`. */
  private async relay(raw: unknown): Promise<void> {
    const answer = (m: PageMessage) => this.post({ type: "session", message: encodeMessage(m) as PageMessage });
    let msg;
    try {
      msg = parseHostMessage(raw);
    } catch (e) {
      const id = e instanceof ProtocolError ? e.id : null;
      answer({ v: PROTOCOL_VERSION, type: "error", id, message: (e as Error).message });
      return;
    }
    const session = this.options.session;
    if (!session) {
      answer({ v: PROTOCOL_VERSION, type: "error", id: msg.id, message: "this kernel has no engine to relay to" });
      return;
    }
    try {
      switch (msg.type) {
        case "train": {
          const abort = new AbortController();
          this.relays.set(msg.id, abort);
          const id = msg.id;
          try {
            const result = await session.train(msg.config as unknown as TrainConfigInput, {
              chunkSize: msg.chunkSize,
              memoryBudgetMiB: msg.memoryBudgetMiB,
              signal: abort.signal,
              onProgress: (progress) => answer({ v: PROTOCOL_VERSION, type: "progress", id, progress }),
            });
            this.options.onTrained?.(result);
            answer({ v: PROTOCOL_VERSION, type: "trainResult", id, result });
          } finally {
            this.relays.delete(id);
          }
          return;
        }
        case "predict":
          answer({ v: PROTOCOL_VERSION, type: "predictResult", id: msg.id, outputs: await session.predict(msg.model, msg.inputs) });
          return;
        case "cancel":
          this.relays.get(msg.id)?.abort();
          return;
        case "describe":
          answer({ v: PROTOCOL_VERSION, type: "backend", id: msg.id, backend: await session.backend() });
          return;
        default:
          assertNever(msg);
      }
    } catch (e) {
      answer({ v: PROTOCOL_VERSION, type: "error", id: msg.id, message: (e as Error).message });
    }
  }
}
