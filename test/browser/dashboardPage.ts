// Test entry for the dashboard page: wires the dashboard like the engine page does
// (webview/engine/main.ts) and lets the tests drive it: replay a fixture as progress
// events, or (see trainReal) run the real engine on this page's backend.
import type { RunProgress, RunResult } from "../../engine/train/runResult.js";
import { createDashboard } from "../../webview/dashboard/dashboard.js";

declare global {
  interface Window {
    mpl: typeof api;
    actionsLog: string[];
    ready: boolean;
  }
}

const root = document.getElementById("app")!;
window.actionsLog = [];
let aborts = new Map<string, AbortController>();
const dashboard = createDashboard(root, {
  cancel: (id) => {
    window.actionsLog.push(`cancel ${id}`);
    aborts.get(id)?.abort();
  },
  restart: () => window.actionsLog.push("restart"),
});

const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));

const api = {
  dashboard,
  /** Plays a finished run back as a live one: started, progress per chunk, finished. */
  async replay(r: RunResult, id: string, chunk: number, finish = true): Promise<void> {
    const total = r.config?.steps ?? r.steps;
    dashboard.runStarted(id, r.name ?? id, total);
    const t0 = performance.now();
    for (let s = 0; s < r.steps; s += chunk) {
      const e = Math.min(r.steps, s + chunk);
      const p: RunProgress = {
        step: e,
        totalSteps: total,
        losses: r.losses.slice(s, e),
        scales: r.scales.slice(s, e),
        gradNorms: r.gradNorms.slice(s, e),
        overflowSteps: r.overflowSteps.filter((o) => o >= s && o < e),
        elapsedMs: performance.now() - t0 + 1,
      };
      dashboard.progress(id, p);
      await frame();
    }
    if (finish) dashboard.runFinished(id, r);
  },
  newAbort(id: string): AbortSignal {
    const c = new AbortController();
    aborts.set(id, c);
    return c.signal;
  },
  resetAborts() {
    aborts = new Map();
  },
};
window.mpl = api;
window.ready = true;
