// The engine page (runs in the "Mixed Precision Engine" webview): owns the engine and
// its backend, answers the host's requests over the protocol, validates everything it
// receives, and feeds the dashboard through the Dashboard interface only.
import type { Backend } from "../../engine/backend/backend.js";
import { predict, train } from "../../engine/index.js";
import { assertNever, encodeMessage, parseHostMessage, PROTOCOL_VERSION, ProtocolError, type HostMessage, type PageMessage } from "../../engine/protocol.js";
import { createDashboard } from "../dashboard/dashboard.js";
import { createSerialQueue } from "../../engine/session/serialQueue.js";
import { chooseBackend, type BackendPreference } from "./backendChoice.js";

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

const vscode = acquireVsCodeApi();
const post = (m: PageMessage) => vscode.postMessage(encodeMessage(m));
const runs = new Map<string, AbortController>();
// one run at a time on the backend; queued runs can still be cancelled before they start
const queue = createSerialQueue();

const dashboard = createDashboard(document.getElementById("dashboard") ?? document.body, {
  cancel: (runId) => runs.get(runId)?.abort(),
  restart: () => post({ v: PROTOCOL_VERSION, type: "restartRequested" }),
});

async function handle(msg: HostMessage, backend: Backend): Promise<void> {
  switch (msg.type) {
    case "train": {
      const abort = new AbortController();
      runs.set(msg.id, abort);
      const config = msg.chunkSize !== undefined && msg.config.chunkSize === undefined ? { ...msg.config, chunkSize: msg.chunkSize } : msg.config;
      const name = typeof config.name === "string" ? config.name : `run ${msg.id}`;
      dashboard.runStarted(msg.id, name, typeof config.steps === "number" ? config.steps : 0);
      try {
        const result = await queue.run(() => train(config as Parameters<typeof train>[0], {
          backend,
          signal: abort.signal,
          memoryBudgetMiB: msg.memoryBudgetMiB,
          onProgress: (progress) => {
            dashboard.progress(msg.id, progress);
            post({ v: PROTOCOL_VERSION, type: "progress", id: msg.id, progress });
          },
        }));
        dashboard.runFinished(msg.id, result);
        post({ v: PROTOCOL_VERSION, type: "trainResult", id: msg.id, result });
      } finally {
        runs.delete(msg.id);
      }
      return;
    }
    case "predict": {
      const outputs = await queue.run(() => predict(msg.model, msg.inputs, { backend }));
      post({ v: PROTOCOL_VERSION, type: "predictResult", id: msg.id, outputs: outputs.map((row) => Array.from(row)) });
      return;
    }
    case "cancel":
      runs.get(msg.id)?.abort();
      return;
    case "describe":
      post({ v: PROTOCOL_VERSION, type: "backend", id: msg.id, backend: backend.info });
      return;
    default:
      assertNever(msg);
  }
}

async function main(): Promise<void> {
  const preference = (document.body.dataset.backend ?? "auto") as BackendPreference;
  const gpu = (navigator as Navigator & { gpu?: Parameters<typeof chooseBackend>[1] }).gpu;
  let backend: Backend;
  try {
    backend = await chooseBackend(preference, gpu);
  } catch (e) {
    // no engine: every request fails with the reason
    const reason = (e as Error).message;
    window.addEventListener("message", (event) => {
      const id = typeof event.data?.id === "string" ? event.data.id : null;
      post({ v: PROTOCOL_VERSION, type: "error", id, message: `The engine could not start: ${reason}` });
    });
    post({ v: PROTOCOL_VERSION, type: "error", id: null, message: `The engine could not start: ${reason}` });
    return;
  }
  dashboard.setBackend(backend.info);
  window.addEventListener("message", (event) => {
    let msg: HostMessage;
    try {
      msg = parseHostMessage(event.data);
    } catch (e) {
      const id = e instanceof ProtocolError ? e.id : null;
      post({ v: PROTOCOL_VERSION, type: "error", id, message: (e as Error).message });
      return;
    }
    handle(msg, backend).catch((e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      if (msg.type === "train") dashboard.runFailed(msg.id, message);
      post({ v: PROTOCOL_VERSION, type: "error", id: "id" in msg ? msg.id : null, message });
    });
  });
  post({ v: PROTOCOL_VERSION, type: "ready", backend: backend.info });
}

void main();
