// The notebook output renderer (contributes.notebookRenderer): VS Code loads this
// ES module in the notebook's output webview and calls activate(); each output item
// of our MIME types is drawn into the element it gives us.
import type { RunProgress, RunResult } from "../../engine/train/runResult.js";
import { RUN_RESULT_MIME } from "../../engine/train/runResult.js";
import { CompareView, type Comparison } from "../components/compareView.js";
import { h } from "../components/dom.js";
import { renderReport, type PrecisionReport } from "../components/reportView.js";
import { RunView } from "../components/runView.js";
import { ensureStyles } from "../components/styles.js";
import { decodeRunJson, validateComparison, validateRun } from "./validate.js";

export const REPORT_MIME = "application/vnd.mplab.report+json";
export const COMPARE_MIME = "application/vnd.mplab.compare+json";
/**
 * A run in progress, as the kernel re-sends it after each chunk (a notebook output is
 * replaced whole): the series so far. Re-rendering the same output id appends only the
 * new steps to the live charts.
 */
export const LIVE_MIME = "application/vnd.mplab.live+json";

/** A run in progress as the kernel re-sends it: the whole run so far, in RunProgress's shape. */
export interface LiveRun extends RunProgress {
  kind: "mplab.live";
  name: string;
}

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

export function activate(_ctx?: RendererContext) {
  const views = new Map<string, Disposable>();
  return {
    renderOutputItem(item: OutputItem, element: HTMLElement): void {
      const prev = views.get(item.id);
      if (item.mime === LIVE_MIME && prev instanceof LiveView && prev.element.isConnected) {
        prev.update(decodeRunJson(item.json()) as LiveRun);
        return;
      }
      prev?.destroy();
      views.delete(item.id);
      element.replaceChildren();
      ensureStyles(element);
      try {
        views.set(item.id, render(item, element));
      } catch (e) {
        element.replaceChildren(h("p", { class: "mpl-root mpl-error", text: `Mixed Precision Lab could not draw this output: ${(e as Error).message}` }));
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

function render(item: OutputItem, element: HTMLElement): Disposable {
  const data = decodeRunJson(item.json());
  switch (item.mime) {
    case RUN_RESULT_MIME: {
      const v = new RunView(element);
      v.show(validateRun(data, "run"));
      return v;
    }
    case REPORT_MIME:
      return renderReport(element, data as PrecisionReport | RunResult);
    case LIVE_MIME: {
      const v = new LiveView(element);
      v.update(data as LiveRun);
      return v;
    }
    case COMPARE_MIME: {
      const v = new CompareView(element);
      v.show(validateComparison(data) as Comparison);
      return v;
    }
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
    if (l.kind !== "mplab.live" || !Array.isArray(l.losses)) throw new Error('live output: kind must be "mplab.live" with losses[]');
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
