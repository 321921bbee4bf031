// The engine dashboard shown in the engine webview panel. The engine page
// (webview/engine/main.ts) owns the engine and the messages; it feeds this view
// through the Dashboard interface below and nothing else.
//
// What it shows: the backend and adapter (native or emulated fp16), the run in
// progress with live charts, the runs made since the engine started (pick one to
// show, or two to compare), and buttons to cancel the run or restart the engine.
import type { BackendInfo } from "../../engine/backend/backend.js";
import type { RunProgress, RunResult } from "../../engine/train/runResult.js";
import { compare } from "../../engine/inspect/compare.js";
import { CompareView } from "../components/compareView.js";
import { h } from "../components/dom.js";
import { formatNumber } from "../components/format.js";
import { RunView } from "../components/runView.js";
import { ensureStyles } from "../components/styles.js";
import { dashboardStyles } from "./dashboardStyles.js";
import { badge, button, dataGrid, dropdown, progressRing } from "./toolkit.js";

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

interface RunRecord {
  id: string;
  name: string;
  totalSteps: number;
  step: number;
  status: "running" | RunResult["status"] | "failed";
  result?: RunResult;
  error?: string;
  /** progress events so far, to redraw the live charts when the run is picked again */
  events: RunProgress[];
}

interface GridRow {
  id: string;
  name: string;
  status: string;
  steps: string;
  skipped: string;
  finalLoss: string;
  precision: string;
  backend: string;
}

export function createDashboard(root: HTMLElement, actions: DashboardActions): Dashboard {
  ensureStyles(root);
  dashboardStyles(root);
  const runs = new Map<string, RunRecord>();
  let current: string | null = null; // the run in progress
  let shown: string | null = null; // the run in the view
  let view: RunView | CompareView | null = null;
  let viewKind: "run" | "compare" | null = null;

  // ---- header: backend ----------------------------------------------------------------
  const backendBadge = badge("starting", "backend");
  const fp16Badge = badge("fp16 ?", "fp16");
  const adapter = h("span", { class: "mpl-muted", attrs: { "data-adapter": "" } });
  const note = h("p", { class: "mpl-muted mpl-dash-note" });
  const header = h("header", { class: "mpl-dash-header" }, [
    h("strong", { text: "Engine" }), backendBadge.element, fp16Badge.element, adapter,
  ]);

  // ---- controls ---------------------------------------------------------------------------
  const cancel = button("Cancel run", "cancel", () => current && actions.cancel(current));
  const restart = button("Restart engine", "restart", () => actions.restart(), true);
  cancel.setDisabled(true);
  const ring = progressRing();
  ring.hidden = true;
  const status = h("span", { class: "mpl-progress", attrs: { "data-status": "", "aria-live": "polite" }, text: "no run yet" });
  const controls = h("div", { class: "mpl-dash-row" }, [cancel.element, restart.element, ring, status]);

  // ---- runs since the engine started ----------------------------------------------------
  const grid = dataGrid<GridRow>(
    [
      { key: "id", title: "run" }, { key: "name", title: "name" }, { key: "status", title: "status" },
      { key: "steps", title: "steps" }, { key: "skipped", title: "skipped" }, { key: "finalLoss", title: "final loss" },
      { key: "precision", title: "precision" }, { key: "backend", title: "backend" },
    ],
    "runs since the engine started",
  );
  const show = dropdown("show run", (id) => select(id, compareWith.value));
  const compareWith = dropdown("compare with", (other) => select(show.value, other));
  const picker = h("div", { class: "mpl-dash-row" }, [
    h("label", { text: "Show" }), show.element, h("label", { text: "compare with" }), compareWith.element,
  ]);
  const viewHost = h("div", { class: "mpl-dash-view", attrs: { "data-view": "" } });

  root.replaceChildren(
    h("div", { class: "mpl-root mpl-dashboard", attrs: { "data-dashboard": "" } }, [
      header, note, controls, viewHost,
      h("section", { class: "mpl-section" }, [h("h4", { text: "Runs since the engine started" }), picker, grid.element]),
    ]),
  );

  function refreshGrid(): void {
    grid.setRows(
      [...runs.values()].map((r) => ({
        id: r.id,
        name: r.name,
        status: r.status,
        steps: r.result ? `${r.result.steps} / ${r.totalSteps}` : `${r.step} / ${r.totalSteps}`,
        skipped: r.result ? String(r.result.skippedSteps) : "",
        finalLoss: r.result?.finalLoss != null ? formatNumber(r.result.finalLoss) : "",
        precision: r.result?.precision ?? "",
        backend: r.result?.backend.name ?? "",
      })),
    );
  }

  let gridFrame = 0;
  /** During a run the grid's step count follows the progress, redrawn at most once a frame. */
  function refreshGridSoon(): void {
    if (!gridFrame) gridFrame = requestAnimationFrame(() => ((gridFrame = 0), refreshGrid()));
  }

  function refreshRuns(): void {
    refreshGrid();
    const options = [...runs.values()].map((r) => ({ value: r.id, label: `${r.id}: ${r.name} (${r.status})` }));
    show.setOptions(options, shown ?? undefined);
    compareWith.setOptions([{ value: "", label: "(none)" }, ...options.filter((o) => o.value !== shown)]);
  }

  /** Shows a run (its live view while it runs), or two runs side by side. */
  function select(id: string, other = ""): void {
    const r = runs.get(id);
    if (!r) return;
    shown = id;
    const o = other ? runs.get(other) : undefined;
    if (o?.result && r.result) {
      if (viewKind !== "compare") replaceView(new CompareView(viewHost), "compare");
      // the dashboard compares as compare() does in a cell: the same payload, the same view
      (view as CompareView).show(compare(r.result, o.result));
    } else {
      replaceView(new RunView(viewHost), "run");
      const v = view as RunView;
      if (r.result) v.show(r.result);
      else {
        v.start(r.name, r.totalSteps);
        r.events.forEach((p) => v.progress(p));
      }
    }
    viewHost.dataset.view = viewKind === "compare" ? `compare ${id} ${other}` : id;
    refreshRuns();
  }

  function replaceView(next: RunView | CompareView, kind: "run" | "compare"): void {
    view?.destroy();
    view = next;
    viewKind = kind;
  }

  function setRunning(running: boolean): void {
    cancel.setDisabled(!running);
    ring.hidden = !running;
  }

  return {
    setBackend(info) {
      backendBadge.setText(info.name);
      fp16Badge.setText(`fp16 ${info.fp16}`);
      adapter.textContent = info.adapter;
      header.dataset.backend = info.name;
      header.dataset.fp16 = info.fp16;
      note.textContent = info.note ?? "";
    },
    runStarted(id, name, totalSteps) {
      runs.set(id, { id, name, totalSteps, step: 0, status: "running", events: [] });
      current = id;
      setRunning(true);
      status.textContent = `${name}: starting`;
      select(id);
    },
    progress(id, p) {
      const r = runs.get(id);
      if (!r) return;
      r.step = p.step;
      r.events.push(p);
      status.textContent = `${r.name}: step ${p.step} of ${p.totalSteps}`;
      refreshGridSoon();
      if (shown === id && viewKind === "run") (view as RunView).progress(p);
    },
    runFinished(id, result) {
      const r = runs.get(id) ?? { id, name: result.name ?? id, totalSteps: result.config?.steps ?? result.steps, step: 0, status: "running" as const, events: [] };
      runs.set(id, r);
      Object.assign(r, { result, status: result.status, step: result.steps, events: [] });
      if (current === id) (current = null), setRunning(false);
      status.textContent = `${r.name}: ${result.status} after ${result.steps} steps`;
      if (shown === id || shown === null) select(id);
      else refreshRuns();
    },
    runFailed(id, message) {
      const r = runs.get(id) ?? { id, name: id, totalSteps: 0, step: 0, status: "running" as const, events: [] };
      runs.set(id, r);
      Object.assign(r, { status: "failed", error: message });
      if (current === id) (current = null), setRunning(false);
      status.textContent = `${r.name} failed: ${message}`;
      status.classList.add("mpl-error");
      refreshRuns();
    },
  };
}
