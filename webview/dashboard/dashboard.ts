// The engine dashboard shown in the engine webview panel. The engine page
// (webview/engine/main.ts) owns the engine and the messages; it feeds this view
// through the Dashboard interface below and nothing else.
import type { BackendInfo } from "../../engine/backend/backend.js";
import type { RunProgress, RunResult } from "../../engine/train/runResult.js";

export interface DashboardActions {
  /** the user asked to cancel the run in progress */
  cancel(runId: string): void;
  /** the user asked to restart the engine */
  restart(): void;
}

export interface Dashboard {
  setBackend(info: BackendInfo): void;
  runStarted(runId: string, name: string, totalSteps: number): void;
  progress(runId: string, p: RunProgress): void;
  runFinished(runId: string, result: RunResult): void;
  runFailed(runId: string, message: string): void;
}

/** Placeholder until the real dashboard lands: plain text lines. */
export function createDashboard(root: HTMLElement, _actions: DashboardActions): Dashboard {
  const line = (text: string) => {
    const p = document.createElement("p");
    p.textContent = text;
    root.appendChild(p);
  };
  return {
    setBackend: (info) => line(`backend: ${info.name} (${info.adapter}, fp16 ${info.fp16})`),
    runStarted: (id, name, total) => line(`run ${id} (${name}): ${total} steps`),
    progress: (id, p) => line(`run ${id}: step ${p.step}/${p.totalSteps}`),
    runFinished: (id, r) => line(`run ${id}: ${r.status}, final loss ${r.finalLoss}`),
    runFailed: (id, msg) => line(`run ${id} failed: ${msg}`),
  };
}
