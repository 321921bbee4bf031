// The notebook output renderer (contributes.notebookRenderer): VS Code loads this
// ES module in the notebook's output webview and calls activate(); each output item
// of our MIME types is drawn into the element it gives us. Every payload is decoded
// with the engine's one NaN/±Infinity codec and validated against the engine's own
// schema first: a notebook file can hold anything, and a message that names the wrong
// field beats a half-drawn chart.
import { COMPARISON_MIME, comparisonSchema } from "../../engine/inspect/comparison.js";
import { PRECISION_REPORT_MIME, precisionReportSchema } from "../../engine/inspect/report.js";
import { SWEEP_MIME, sweepResultSchema } from "../../engine/inspect/sweepResult.js";
import { parsePayload } from "../../engine/payload/parse.js";
import { LIVE_RUN_MIME, liveRunSchema, RUN_RESULT_MIME, runResultSchema, type LiveRun } from "../../engine/train/runResult.js";
import { CompareView } from "../components/compareView.js";
import { h } from "../components/dom.js";
import { renderReport } from "../components/reportView.js";
import { RunView } from "../components/runView.js";
import { ensureStyles } from "../components/styles.js";
import { renderSweep } from "../components/sweepView.js";

/** The MIME types this renderer draws (package.json's contributes.notebookRenderer lists the same). */
export const RENDERED_MIMES = [RUN_RESULT_MIME, LIVE_RUN_MIME, PRECISION_REPORT_MIME, COMPARISON_MIME, SWEEP_MIME] as const;

/** The part of VS Code's renderer API we use (vscode-notebook-renderer's OutputItem). */
export interface OutputItem {
  readonly id: string;
  readonly mime: string;
  json(): unknown;
  text(): string;
}

export interface RendererContext {
  readonly workspace?: { readonly isTrusted: boolean };
}

interface Disposable {
  destroy(): void;
}

export const COULD_NOT_DRAW = "Mixed Precision Lab could not draw this output";

export function activate(_ctx?: RendererContext) {
  const views = new Map<string, Disposable>();
  return {
    renderOutputItem(item: OutputItem, element: HTMLElement): void {
      const prev = views.get(item.id);
      try {
        if (item.mime === LIVE_RUN_MIME && prev instanceof LiveView && prev.element.isConnected) {
          prev.update(parsePayload(liveRunSchema, item.json(), "live run"));
          return;
        }
      } catch (e) {
        fail(element, e);
        return;
      }
      prev?.destroy();
      views.delete(item.id);
      element.replaceChildren();
      ensureStyles(element);
      try {
        views.set(item.id, render(item, element));
      } catch (e) {
        fail(element, e);
      }
    },
    disposeOutputItem(id?: string): void {
      if (id === undefined) {
        views.forEach((v) => v.destroy());
        views.clear();
      } else {
        views.get(id)?.destroy();
        views.delete(id);
      }
    },
  };
}

function fail(element: HTMLElement, e: unknown): void {
  element.replaceChildren(h("p", { class: "mpl-root mpl-error", attrs: { role: "alert" }, text: `${COULD_NOT_DRAW}: ${(e as Error).message}` }));
}

function render(item: OutputItem, element: HTMLElement): Disposable {
  const raw = item.json();
  switch (item.mime) {
    case RUN_RESULT_MIME: {
      const run = parsePayload(runResultSchema, raw, "run result");
      const v = new RunView(element);
      v.show(run);
      return v;
    }
    case LIVE_RUN_MIME: {
      const live = parsePayload(liveRunSchema, raw, "live run");
      const v = new LiveView(element);
      v.update(live);
      return v;
    }
    case PRECISION_REPORT_MIME:
      return renderReport(element, parsePayload(precisionReportSchema, raw, "precision report"));
    case COMPARISON_MIME: {
      const c = parsePayload(comparisonSchema, raw, "comparison");
      const v = new CompareView(element);
      v.show(c);
      return v;
    }
    case SWEEP_MIME:
      return renderSweep(element, parsePayload(sweepResultSchema, raw, "sweep result"));
    default:
      throw new Error(`unknown output type ${item.mime}`);
  }
}

/** A live run: a RunView fed with the steps it has not seen yet. */
class LiveView {
  private readonly view: RunView;
  private seen = 0;
  constructor(readonly element: HTMLElement) {
    this.view = new RunView(element);
  }
  update(l: LiveRun): void {
    if (this.seen === 0 || l.losses.length < this.seen) {
      this.view.start(l.name, l.totalSteps);
      this.seen = 0;
    }
    const from = this.seen;
    this.view.progress({
      step: l.step,
      totalSteps: l.totalSteps,
      losses: l.losses.slice(from),
      scales: l.scales.slice(from),
      gradNorms: l.gradNorms.slice(from),
      overflowSteps: l.overflowSteps.filter((s) => s >= from),
      elapsedMs: l.elapsedMs,
    });
    this.seen = l.losses.length;
  }
  destroy(): void {
    this.view.destroy();
  }
}
