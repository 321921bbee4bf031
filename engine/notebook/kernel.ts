// Node-only: node:vm and node:async_hooks; runs inside the kernel process (engine/kernel/).
// The notebook kernel: runs JavaScript cells in one persistent `node:vm` context per
// notebook. No `vscode` here: the VS Code controller and the headless CLI runner both
// drive it. What a cell can call (the engine API plus display helpers) is passed in as
// globals; per-cell plumbing (output streams, the interrupt signal) is reached through
// `kernel.current`, tracked across awaits with AsyncLocalStorage.
import { AsyncLocalStorage } from "node:async_hooks";
import { formatWithOptions, inspect } from "node:util";
import vm from "node:vm";
import type { RunProgress } from "../train/runResult.js";
import { CellSyntaxError, rewriteCell } from "./rewriteCell.js";

/** What one running cell is connected to. */
export interface CellExecution {
  /** the cell's name in stack traces and errors, e.g. "cell 3" */
  readonly name: string;
  /** aborted when the user interrupts the cell */
  readonly signal: AbortSignal;
  /** text for the cell's stdout / stderr streams (console.log, console.error) */
  stdout(text: string): void;
  stderr(text: string): void;
  /** a value to show under the cell now (display(x)) */
  display(value: unknown): void;
  /** a training run started by this cell made progress (for live output) */
  progress(p: RunProgress): void;
}

export interface ExecuteOptions {
  name?: string;
  signal?: AbortSignal;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  display?: (value: unknown) => void;
  progress?: (p: RunProgress) => void;
}

import type { CellError } from "../kernel/kernelProtocol.js";
export type { CellError };

export type ExecuteResult =
  | { status: "ok"; value: unknown }
  | { status: "error"; error: CellError }
  | { status: "interrupted"; message: string };

/** Thrown (or rejected with) when a cell is interrupted. */
export class InterruptedError extends Error {
  override name = "InterruptedError";
}

export type KernelGlobals = (kernel: NotebookKernel) => Record<string, unknown>;

const CELL_FILE_PREFIX = "mplab-cell:";

export class NotebookKernel {
  private readonly context: vm.Context;
  private readonly als = new AsyncLocalStorage<CellExecution>();
  private count = 0;
  /** cell names by script number, for stack frames of functions defined in earlier cells */
  private readonly names = new Map<number, string>();
  private latest: CellExecution | undefined;
  private disposed = false;

  /**
   * `globals` makes the cell API; it may read `kernel.current` when called from a cell.
   * `interruptGraceMs`: how long an interrupted cell may take to stop by itself;
   * `breakOnSigint`: SIGINT stops the synchronous part of a cell (vm's breakOnSigint).
   */
  private readonly interruptGraceMs: number;
  private readonly breakOnSigint: boolean;

  constructor(globals: KernelGlobals = () => ({}), options: number | { interruptGraceMs?: number; breakOnSigint?: boolean } = {}) {
    const o = typeof options === "number" ? { interruptGraceMs: options } : options;
    this.interruptGraceMs = o.interruptGraceMs ?? 3000;
    // in the kernel process: SIGINT breaks a synchronous loop at the top level of a cell
    this.breakOnSigint = o.breakOnSigint ?? false;
    const sandbox: Record<string, unknown> = {
      console: this.makeConsole(),
      setTimeout, clearTimeout, setInterval, clearInterval, setImmediate, clearImmediate, queueMicrotask,
      structuredClone, TextEncoder, TextDecoder, URL, URLSearchParams, AbortController, AbortSignal, performance,
      ...globals(this),
    };
    this.context = vm.createContext(sandbox, { name: "Mixed Precision notebook" });
  }

  /** The execution of the cell whose code is running now (also inside its callbacks). */
  get current(): CellExecution | undefined {
    return this.als.getStore() ?? this.latest;
  }

  /** Runs one cell. Never throws: errors and interrupts are results. */
  async execute(code: string, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    if (this.disposed) return { status: "error", error: { name: "Error", message: "the kernel was restarted; run the cell again", stack: "" } };
    const n = ++this.count;
    const name = options.name ?? `cell ${n}`;
    this.names.set(n, name);
    const signal = options.signal ?? new AbortController().signal;
    const execution: CellExecution = {
      name,
      signal,
      stdout: options.stdout ?? (() => {}),
      stderr: options.stderr ?? (() => {}),
      display: options.display ?? (() => {}),
      progress: options.progress ?? (() => {}),
    };
    if (signal.aborted) return { status: "interrupted", message: "interrupted before it started" };
    this.latest = execution;
    let script: vm.Script;
    const filename = `${CELL_FILE_PREFIX}${n}`;
    try {
      const { script: source } = rewriteCell(code);
      script = new vm.Script(source, { filename, lineOffset: -1 });
    } catch (e) {
      if (e instanceof CellSyntaxError) {
        return { status: "error", error: { name: "SyntaxError", message: e.message, line: e.line, column: e.column, stack: `SyntaxError: ${e.message}\n    at ${name}, line ${e.line}` } };
      }
      return { status: "error", error: this.describeError(e, filename, name) };
    }
    // On interrupt the cell gets a moment to stop by itself (train() stops at its next
    // chunk and says where); a cell that ignores the signal is abandoned after that.
    let onAbort: (() => void) | undefined;
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const grace = this.interruptGraceMs;
    const interrupted = new Promise<ExecuteResult>((resolve) => {
      onAbort = () => {
        graceTimer = setTimeout(() => resolve({ status: "interrupted", message: `interrupted (the cell did not stop within ${grace} ms and was abandoned)` }), grace);
      };
      signal.addEventListener("abort", onAbort, { once: true });
    });
    const run = (async (): Promise<ExecuteResult> => {
      try {
        const value = await this.als.run(execution, () => script.runInContext(this.context, { displayErrors: false, breakOnSigint: this.breakOnSigint }));
        return { status: "ok", value };
      } catch (e) {
        return interruption(e, signal) ?? { status: "error", error: this.describeError(e, filename, name) };
      }
    })();
    try {
      // An interrupt ends the cell at once even if its code ignores the signal.
      return await Promise.race([run, interrupted]);
    } finally {
      clearTimeout(graceTimer);
      signal.removeEventListener("abort", onAbort!);
    }
  }

  /** Frees the context; later executions fail with a clear message. */
  dispose(): void {
    this.disposed = true;
    this.latest = undefined;
  }

  /**
   * What a cell threw, as a CellError of plain strings, whatever it was: an Error, any
   * other value (a symbol, null, an object whose name is a number), an object whose
   * getters throw, a revoked Proxy. Never throws: a cell that fails must be reported.
   */
  private describeError(e: unknown, filename: string, name: string): CellError {
    try {
      const err = errorLike(e);
      if (!err) {
        const text = `Uncaught ${describeValue(e)}`;
        return { name: "Error", message: text, stack: text };
      }
      const frames = err.stack.split("\n").filter((l) => l.includes(CELL_FILE_PREFIX));
      const here = frames.find((l) => l.includes(filename)) ?? frames[0];
      const m = here ? /mplab-cell:(\d+):(\d+):(\d+)/.exec(here) : null;
      const line = m && Number(m[1]) === Number(filename.slice(CELL_FILE_PREFIX.length)) ? Number(m[2]) : undefined;
      const column = line !== undefined && m ? Number(m[3]) : undefined;
      const readable = frames.map((l) => l.replace(new RegExp(`${CELL_FILE_PREFIX}(\\d+):(\\d+):(\\d+)`), (_s, k, ln, col) => `${this.names.get(Number(k)) ?? name}, line ${ln}:${col}`));
      const stack = [`${err.name}: ${err.message}`, ...readable].join("\n");
      return { name: err.name, message: err.message, line, column, stack };
    } catch {
      const text = "Uncaught a value that cannot be described";
      return { name: "Error", message: text, stack: text };
    }
  }

  private makeConsole(): Record<string, unknown> {
    const format = (args: unknown[]) => formatWithOptions({ colors: false, depth: 4 }, ...args) + "\n";
    const out = (...args: unknown[]): void => void this.current?.stdout(format(args));
    const err = (...args: unknown[]): void => void this.current?.stderr(format(args));
    return {
      log: out, info: out, debug: out, trace: out,
      warn: err, error: err,
      dir: (x: unknown) => void this.current?.stdout(inspect(x, { colors: false, depth: 4 }) + "\n"),
      table: (x: unknown) => void this.current?.stdout(inspect(x, { colors: false, depth: 2 }) + "\n"),
    };
  }
}

/** The result of a cell stopped by its interrupt, or null when `e` is another failure (any value: its getters may throw). */
function interruption(e: unknown, signal: AbortSignal): ExecuteResult | null {
  try {
    if ((e as { code?: unknown })?.code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") {
      return { status: "interrupted", message: "interrupted (the running code was stopped; the kernel's variables are kept)" };
    }
    if (e instanceof InterruptedError || (signal.aborted && (e as Error)?.name === "AbortError")) {
      const message = (e as Error).message;
      return { status: "interrupted", message: typeof message === "string" && message ? message : "interrupted" };
    }
  } catch {
    // a getter or a Proxy trap threw: not an interrupt
  }
  return null;
}

/** An Error's name, message and stack when `e` has them as strings (read once each); null for anything else. */
function errorLike(e: unknown): { name: string; message: string; stack: string } | null {
  if (typeof e !== "object" || e === null) return null;
  try {
    if (!("message" in e)) return null;
    const { name, message, stack } = e as { name?: unknown; message?: unknown; stack?: unknown };
    if (typeof message !== "string" || (name !== undefined && typeof name !== "string")) return null;
    return { name: name || "Error", message, stack: typeof stack === "string" ? stack : "" };
  } catch {
    return null; // a getter or a Proxy trap threw (a revoked Proxy): described as a value
  }
}

/** A thrown value's message if it is an Error, else the value described. Never throws. */
export function messageOf(e: unknown): string {
  return errorLike(e)?.message ?? describeValue(e);
}

/** A thrown value as text (util.inspect reads no getters and shows a revoked Proxy as such), at most 2000 characters. */
export function describeValue(v: unknown): string {
  let text: string;
  try {
    text = inspect(v, { colors: false, depth: 2, maxArrayLength: 20, maxStringLength: 500, breakLength: Infinity });
  } catch {
    text = `a value that cannot be described (${typeof v})`;
  }
  return text.length > 2000 ? text.slice(0, 1997) + "..." : text;
}
