// The notebook output renderer (contributes.notebookRenderer): VS Code loads this
// ES module in the notebook's output webview and calls activate(); each output item
// of our MIME types is drawn into the element it gives us.
import type { RunResult } from "../../engine/train/runResult.js";
import { RUN_RESULT_MIME } from "../../engine/train/runResult.js";
import { CompareView, type Comparison } from "../components/compareView.js";
import { h } from "../components/dom.js";
import { renderReport, type PrecisionReport } from "../components/reportView.js";
import { RunView } from "../components/runView.js";
import { ensureStyles } from "../components/styles.js";
import { decodeRunJson, validateComparison, validateRun } from "./validate.js";

export const REPORT_MIME = "application/vnd.mplab.report+json";
export const COMPARE_MIME = "application/vnd.mplab.compare+json";

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
      views.get(item.id)?.destroy();
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
    case COMPARE_MIME: {
      const v = new CompareView(element);
      v.show(validateComparison(data) as Comparison);
      return v;
    }
    default:
      throw new Error(`unknown output type ${item.mime}`);
  }
}
