// Test entry for the dashboard page: wires the dashboard like the engine page does
// (webview/engine/main.ts) and lets the tests drive it: replay a fixture as progress
// events, or (see trainReal) run the real engine on this page's backend.
import "./zodJitless.js"; // before the engine's modules build their schemas
import { train } from "../../engine/index.js";
import { chooseBackend } from "../../webview/engine/backendChoice.js";
import type { Backend } from "../../engine/backend/backend.js";
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

let engine: Promise<Backend> | null = null;
/** The engine's backend, chosen once like the engine page does (the page's ?backend=, else auto). */
function backend(): Promise<Backend> {
  const preference = (new URLSearchParams(location.search).get("backend") ?? "auto") as Parameters<typeof chooseBackend>[0];
  engine ??= chooseBackend(preference, (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu).then((backend) => {
    dashboard.setBackend(backend.info);
    return backend;
  });
  return engine;
}

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
  /** Trains with the real engine on this page's backend, the dashboard fed like the engine page feeds it. */
  async trainReal(config: { name: string; steps: number } & Record<string, unknown>, id: string): Promise<RunResult | string> {
    const be = await backend();
    const signal = api.newAbort(id);
    dashboard.runStarted(id, config.name, config.steps);
    try {
      const r = await train(config, { backend: be, signal, onProgress: (p) => dashboard.progress(id, p) });
      dashboard.runFinished(id, r);
      return r;
    } catch (e) {
      dashboard.runFailed(id, (e as Error).message);
      return `error: ${(e as Error).message}`;
    }
  },
  async backendInfo() {
    return (await backend()).info;
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
