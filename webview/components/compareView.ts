// Runs side by side: loss, loss scale (with each run's overflow steps) and gradient
// norm overlaid, and a table of what differed (precision, scaler, skipped steps,
// final loss, worst underflow).
import type { RunResult } from "../../engine/train/runResult.js";
import { h } from "./dom.js";
import { formatNumber, formatShare, num, ROLE_LABEL } from "./format.js";
import { createRunCharts } from "./runView.js";
import { ensureStyles } from "./styles.js";
import { backendLabel, scaleText, worstTensor } from "./summary.js";
import type { ThemeColor } from "./theme.js";

const COLORS: ThemeColor[] = ["blue", "orange", "green", "purple", "red", "yellow"];

export interface Comparison {
  kind?: "mplab.compare";
  runs: RunResult[];
}

export class CompareView {
  readonly element: HTMLElement;
  private charts: ReturnType<typeof createRunCharts> | null = null;

  constructor(parent: HTMLElement) {
    ensureStyles(parent);
    this.element = h("div", { class: "mpl-root mpl-compare" });
    parent.appendChild(this.element);
  }

  show(c: Comparison): void {
    const runs = c.runs;
    const label = (r: RunResult, i: number) => r.name ?? r.config?.name ?? `run ${i + 1}`;
    this.charts?.loss.destroy();
    this.charts?.scale.destroy();
    this.charts?.gradNorm.destroy();
    this.element.replaceChildren(
      h("p", { class: "mpl-summary", attrs: { "data-summary": "" }, text: `Comparing ${runs.map(label).join(" vs ")}` }),
    );
    const legend = h("p", { class: "mpl-muted" });
    runs.forEach((r, i) => {
      const sw = h("span", { text: "■ " });
      sw.style.color = `var(--vscode-charts-${COLORS[i % COLORS.length]})`;
      legend.append(sw, document.createTextNode(`${label(r, i)}   `));
    });
    this.element.appendChild(legend);
    this.charts = createRunCharts(this.element);
    const series = (key: "losses" | "scales" | "gradNorms", marks: boolean) =>
      runs.map((r, i) => ({
        label: label(r, i),
        color: COLORS[i % COLORS.length],
        values: r[key].map(num),
        overflowSteps: marks ? r.overflowSteps : undefined,
      }));
    this.charts.loss.setData(series("losses", false));
    this.charts.scale.setData(series("scales", true));
    this.charts.gradNorm.setData(series("gradNorms", false));

    const rows: [string, (r: RunResult) => string][] = [
      ["backend", (r) => backendLabel(r)],
      ["precision", (r) => r.precision],
      ["status", (r) => r.status],
      ["steps", (r) => String(r.steps)],
      ["skipped steps", (r) => String(r.skippedSteps)],
      ["loss scale", (r) => scaleText(r.scales)],
      ["final loss", (r) => formatNumber(r.finalLoss === null ? null : num(r.finalLoss))],
      ["worst underflow", (r) => {
        const w = worstTensor(r.layers, "underflow");
        return w ? `${formatShare(w.share)} (layer ${w.layer} ${ROLE_LABEL[w.role]})` : "none";
      }],
      ["first non-finite step", (r) => (r.firstNonFinite.length ? String(r.firstNonFinite[0].step) : "none")],
    ];
    const table = h("table", { class: "mpl-table" }, [
      h("thead", {}, [h("tr", {}, [h("th", { text: "" }), ...runs.map((r, i) => h("th", { text: label(r, i), attrs: { scope: "col" } }))])]),
      h("tbody", {}, rows.map(([name, f]) => h("tr", { attrs: { "data-row": name } }, [h("th", { class: "mpl-name", text: name, attrs: { scope: "row" } }), ...runs.map((r) => h("td", { text: f(r) }))]))),
    ]);
    this.element.appendChild(h("div", { class: "mpl-table-wrap" }, [table]));
  }

  destroy(): void {
    this.charts?.loss.destroy();
    this.charts?.scale.destroy();
    this.charts?.gradNorm.destroy();
    this.element.remove();
  }
}
