// Node-only: the notebook kernel process (bundled as dist/kernel.mjs). One per notebook,
// forked by its owner (engine/kernel/kernelClient.ts): the VS Code extension host or
// `mplab run`. Cells run here, in the vm context of engine/notebook/kernel.ts, so a cell
// that loops, crashes, exits or eats memory takes down this process only.
//   --session relay          train()/predict() are relayed to the owner (VS Code: the engine page)
//   --session local --backend auto|cpu|wasm|webgpu   an engine session in this process (mplab run)
// Interrupt: the owner sends "interrupt" and SIGINT. The signal aborts the cell's
// AbortSignal; a synchronous loop at the top of a cell is broken by vm's breakOnSigint.
// A loop after an await cannot be stopped from inside: the owner then ends this process.
// The kernel never outlives its owner: it exits when the channel closes, and a watch
// thread ends it when the owner dies while a cell keeps the main thread busy (ownerWatch.ts).
import "../backend/webgpu/register.js";
import "../backend/wasm/nodeWorkers.js"; // the wasm backend's second thread
import { enableRelaxedSimd } from "../backend/wasm/nodeRelaxedSimd.js";
import { writeSync } from "node:fs";
import { inspect, parseArgs } from "node:util";
import { selectBackend, type BackendChoice } from "../backend/select.js";
import { toMimeBundle } from "../notebook/display.js";
import { cellApi } from "../notebook/cellApi.js";
import { describeValue, messageOf, NotebookKernel, type ExecuteResult } from "../notebook/kernel.js";
import { decodeNonFinite, PROTOCOL_VERSION, ProtocolError, parsePageMessage, runResultSchema, type HostMessage, type PageMessage } from "../protocol.js";
import { RUN_RESULT_MIME } from "../train/runResult.js";
import type { EngineSession } from "../session/engineSession.js";
import { createInProcessSession } from "../session/inProcessSession.js";
import type { RunResult, TrainedModel, RunProgress } from "../train/runResult.js";
import type { BackendInfo } from "../backend/backend.js";
import { encodeKernelMessage, parseToKernel, type CellDefaults, type CellOutcome, type FromKernel, type MimeBundle } from "./kernelProtocol.js";
import { EXIT_MARKER } from "./exitMarker.js";
import { watchOwner } from "./ownerWatch.js";

const { values } = parseArgs({ options: { session: { type: "string", default: "relay" }, backend: { type: "string", default: "auto" }, owner: { type: "string" } } });
if (!process.send) {
  process.stderr.write("the notebook kernel runs as a child process of VS Code or mplab run (it needs an IPC channel)\n");
  process.exit(2);
}

const send = (m: FromKernel) => process.send!(encodeKernelMessage(m));

// A cell that reaches the host's process.exit (through a constructor escape) ends the
// kernel; the owner learns why from this line on stderr (written synchronously: the
// process is gone before an IPC message would be flushed).
const realExit = process.exit.bind(process);
process.exit = ((code?: number | string | null) => {
  try {
    writeSync(2, `${EXIT_MARKER}${code ?? 0}\n`);
  } catch {
    // stderr closed: the owner reports a plain exit
  }
  realExit(code ?? 0);
}) as typeof process.exit;

// ---- the kernel ends with its owner ----------------------------------------------------
// the channel closed (the owner disconnected or died): nobody is left to report to
process.on("disconnect", () => {
  try {
    writeSync(2, "the kernel's channel to its owner closed\n"); // the owner, if it lives, says why the kernel ended
  } catch {
    // stderr closed too
  }
  realExit(0);
});
const owner = values.owner !== undefined && /^\d+$/.test(values.owner) ? Number(values.owner) : process.ppid;
watchOwner(owner);
// a hang-up of the owner's terminal is the owner's to handle (mplab run interrupts the
// cell and writes the outputs so far); the watch ends this process if the owner goes
process.on("SIGHUP", () => {});

// ---- the channel keeps this process alive only while something can still happen --------
// Idle (waiting for a cell) or waiting for the owner's answer to a relayed request: the
// channel is referenced. A cell running with nothing relayed: unreferenced, so when the
// cell awaits a promise that nothing is left to settle, the event loop empties and
// "beforeExit" says so instead of hanging forever.
let relayPending = 0;
let running: { id: number; abort: AbortController; name: string } | undefined;
const channel = process.channel as unknown as { ref(): void; unref(): void } | undefined;
function updateRef(): void {
  if (!running || relayPending > 0) channel?.ref();
  else channel?.unref();
}

// ---- the relayed session ----------------------------------------------------------------
type Waiting = { resolve(v: unknown): void; reject(e: Error): void; onProgress?: (p: RunProgress) => void; kind: "train" | "predict" | "backend" };
const waiting = new Map<string, Waiting>();
let nextRequest = 1;

function relay(make: (id: string) => HostMessage, w: Omit<Waiting, "resolve" | "reject">): { id: string; promise: Promise<unknown> } {
  const id = `k${nextRequest++}`;
  const promise = new Promise<unknown>((resolve, reject) => {
    waiting.set(id, { ...w, resolve, reject });
    relayPending++;
    updateRef();
    send({ type: "session", message: make(id) });
  });
  return { id, promise };
}

function settle(id: string): Waiting | undefined {
  const w = waiting.get(id);
  if (!w) return undefined;
  waiting.delete(id);
  relayPending--;
  updateRef();
  return w;
}

function receiveSession(msg: PageMessage): void {
  switch (msg.type) {
    case "progress":
      waiting.get(msg.id)?.onProgress?.(msg.progress);
      return;
    case "trainResult":
      settle(msg.id)?.resolve(msg.result);
      return;
    case "predictResult":
      settle(msg.id)?.resolve(msg.outputs);
      return;
    case "backend":
      settle(msg.id)?.resolve(msg.backend);
      return;
    case "error":
      if (msg.id !== null) settle(msg.id)?.reject(new Error(msg.message));
      return;
    case "ready":
    case "restartRequested":
      return; // engine page events: not for the kernel
  }
}

const relaySession: EngineSession = {
  backend: () => relay((id) => ({ v: PROTOCOL_VERSION, type: "describe", id }), { kind: "backend" }).promise as Promise<BackendInfo>,
  predict: (model: TrainedModel, inputs: number[][]) =>
    relay((id) => ({ v: PROTOCOL_VERSION, type: "predict", id, model, inputs }), { kind: "predict" }).promise as Promise<number[][]>,
  async train(config, options = {}) {
    const { id, promise } = relay(
      (rid) => ({ v: PROTOCOL_VERSION, type: "train", id: rid, config: config as unknown as Record<string, unknown>, chunkSize: options.chunkSize, memoryBudgetMiB: options.memoryBudgetMiB }),
      { kind: "train", onProgress: options.onProgress },
    );
    const cancel = () => send({ type: "session", message: { v: PROTOCOL_VERSION, type: "cancel", id } });
    if (options.signal?.aborted) cancel();
    options.signal?.addEventListener("abort", cancel, { once: true });
    try {
      return (await promise) as RunResult;
    } finally {
      options.signal?.removeEventListener("abort", cancel);
    }
  },
  dispose() {},
};

// ---- the kernel -------------------------------------------------------------------------
enableRelaxedSimd(); // the wasm backend's FMA GEMM on Node 20 too
const session: EngineSession =
  values.session === "local" ? createInProcessSession({ createBackend: async () => (await selectBackend(values.backend as BackendChoice)).backend }) : relaySession;

let defaults: CellDefaults = {};
const api = cellApi({ session: () => session, defaults: () => defaults });
const kernel = new NotebookKernel(api, { interruptGraceMs: 2000, breakOnSigint: true });

/** The value's MIME bundle; a value that only looks like an engine result (or holds what JSON cannot carry, a BigInt) is shown as text. */
function bundleOf(value: unknown): MimeBundle | null {
  try {
    const b = toMimeBundle(value);
    JSON.stringify(b); // the IPC channel is JSON: a BigInt inside would throw in send()
    // a renderer gets only a run result that is one (payloads' own schemas check the rest)
    if (b && RUN_RESULT_MIME in b && !runResultSchema.safeParse(decodeNonFinite(b[RUN_RESULT_MIME])).success) throw new Error("not a run result");
    return b;
  } catch {
    try {
      return { "text/plain": inspect(value, { colors: false, depth: 4, maxArrayLength: 50 }) };
    } catch (e) {
      return { "text/plain": `(this value cannot be shown: ${messageOf(e)})` };
    }
  }
}

function outcomeOf(r: ExecuteResult): CellOutcome {
  if (r.status === "ok") return { status: "ok", bundle: bundleOf(r.value) };
  return r;
}

async function execute(id: number, code: string, name: string): Promise<void> {
  const abort = new AbortController();
  running = { id, abort, name };
  updateRef();
  const result = await kernel.execute(code, {
    name,
    signal: abort.signal,
    stdout: (text) => send({ type: "stream", id, name: "stdout", text }),
    stderr: (text) => send({ type: "stream", id, name: "stderr", text }),
    display: (v) => {
      const b = bundleOf(v);
      if (b) send({ type: "display", id, bundle: b });
    },
    progress: (progress) => send({ type: "progress", id, progress }),
  });
  if (running?.id !== id) return; // already reported (it could never finish)
  running = undefined;
  updateRef();
  sendDone(id, () => outcomeOf(result));
}

/** The cell's result; if it cannot be made or sent (a value structured clone refuses), an error saying why: the owner always hears "done". */
function sendDone(id: number, outcome: () => CellOutcome): void {
  try {
    send({ type: "done", id, outcome: outcome() });
  } catch (e) {
    if (!process.connected) return; // the owner is gone (this process is exiting)
    const message = `the cell ran, but its result could not be sent to the notebook: ${messageOf(e)}`;
    send({ type: "done", id, outcome: { status: "error", error: { name: "Error", message, stack: message } } });
  }
}

process.on("beforeExit", () => {
  if (!running) return;
  const { id, name } = running;
  running = undefined;
  updateRef();
  send({
    type: "done",
    id,
    outcome: {
      status: "error",
      error: {
        name: "CellNeverFinishes",
        message: `${name} can never finish: it awaits a promise that nothing is left to settle (no timer, I/O or training is pending)`,
        stack: "",
      },
    },
  });
});

process.on("SIGINT", () => running?.abort.abort());
const background = (e: unknown) => {
  let text: string;
  try {
    text = e instanceof Error && typeof e.stack === "string" ? e.stack : describeValue(e);
  } catch {
    text = describeValue(e);
  }
  if (process.connected) send({ type: "background", text });
};
process.on("uncaughtException", background);
process.on("unhandledRejection", background);

process.on("message", (raw) => {
  let msg;
  try {
    msg = parseToKernel(raw);
  } catch (e) {
    send({ type: "background", text: `the kernel ignored a message: ${(e as Error).message}` });
    return;
  }
  switch (msg.type) {
    case "execute":
      defaults = msg.defaults ?? {};
      if (running) {
        send({ type: "done", id: msg.id, outcome: { status: "error", error: { name: "Error", message: `${running.name} is still running`, stack: "" } } });
        return;
      }
      execute(msg.id, msg.code, msg.name).catch((e: unknown) => {
        // kernel.execute never throws: this is a fault of ours, reported as the cell's
        if (running?.id !== msg.id) return;
        running = undefined;
        updateRef();
        const message = `the kernel failed while running the cell: ${messageOf(e)}`;
        sendDone(msg.id, () => ({ status: "error", error: { name: "Error", message, stack: message } }));
      });
      return;
    case "interrupt":
      running?.abort.abort();
      return;
    case "session": {
      let page: PageMessage;
      try {
        page = parsePageMessage(msg.message);
      } catch (e) {
        const id = e instanceof ProtocolError ? e.id : null;
        if (id) settle(id)?.reject(new Error(`the engine sent an invalid answer: ${(e as Error).message}`));
        return;
      }
      receiveSession(page);
      return;
    }
  }
});

// the owner waits for this before the first cell; a local session chooses its backend first
if (values.session === "local") {
  session.backend().then(
    (b) => send({ type: "ready", backend: { name: b.name, adapter: b.adapter, note: b.note } }),
    (e) => send({ type: "ready", backendError: (e as Error).message }),
  );
} else send({ type: "ready" });
