// A comparison (what compare(...runs) returns), drawn: the losses and loss scales of
// every run overlaid on shared axes with their overflow steps marked, one legend entry
// per run, a table of the runs and the table of differences against the fp32 run.
// The sweep view reuses the overlay.
import type { ComparedRun, Comparison } from "../../engine/inspect/comparison.js";
import { h } from "./dom.js";
import { formatNumber, formatScale, formatShare } from "./format.js";
import { section } from "./runView.js";
import { ensureStyles } from "./styles.js";
import type { ThemeColor } from "./theme.js";
import { TimeChart } from "./timeChart.js";

const COLORS: ThemeColor[] = ["blue", "orange", "green", "purple", "red", "yellow"];
export const runColor = (i: number) => COLORS[i % COLORS.length];

/** A compared run's (possibly bucketed) series as one value per step: each bucket's value over its steps. */
function perStep(r: ComparedRun, values: readonly (number | null)[]): Float64Array {
  const n = Math.max(r.steps, r.series.steps.length);
  const out = new Float64Array(n).fill(NaN);
  r.series.steps.forEach((s, k) => {
    const end = k + 1 < r.series.steps.length ? r.series.steps[k + 1] : n;
    out.fill(values[k] ?? NaN, s, end);
  });
  return out;
}

/** Loss and loss-scale charts of several runs on shared axes, with a legend. */
export class RunOverlay {
  readonly element: HTMLElement;
  private readonly charts: TimeChart[];

  constructor(parent: HTMLElement, runs: readonly ComparedRun[]) {
    this.element = h("div", { class: "mpl-overlay" });
    const legend = h(
      "ul",
      { class: "mpl-legend", attrs: { "aria-label": "runs" } },
      runs.map((r, i) => {
        const sw = h("span", { class: "mpl-swatch", attrs: { "aria-hidden": "true" } });
        sw.style.background = `var(--vscode-charts-${runColor(i)})`;
        return h("li", { attrs: { "data-legend": r.label } }, [sw, document.createTextNode(r.label)]);
      }),
    );
    this.element.appendChild(legend);
    const grid = h("div", { class: "mpl-charts" });
    this.element.appendChild(grid);
    parent.appendChild(this.element);
    const loss = new TimeChart(grid, { id: "loss", title: "Loss (log scale)", log: 10, formatY: formatNumber });
    const scale = new TimeChart(grid, { id: "scale", title: "Loss scale (log2); ▼ overflow, step skipped", log: 2, formatY: formatScale, markOverflows: true });
    this.charts = [loss, scale];
    const total = runs.reduce((m, r) => Math.max(m, r.steps), 0);
    loss.setData(runs.map((r, i) => ({ label: r.label, color: runColor(i), values: perStep(r, r.series.losses) })), total);
    scale.setData(runs.map((r, i) => ({ label: r.label, color: runColor(i), values: perStep(r, r.series.scales), overflowSteps: r.overflow.map((o) => o.step) })), total);
  }

  destroy(): void {
    this.charts.forEach((c) => c.destroy());
    this.element.remove();
  }
}

const ratio = (x: number | null) => (x === null ? "–" : `${formatNumber(x)}×`);

export class CompareView {
  readonly element: HTMLElement;
  private overlay: RunOverlay | null = null;

  constructor(parent: HTMLElement) {
    ensureStyles(parent);
    this.element = h("div", { class: "mpl-root mpl-compare" });
    parent.appendChild(this.element);
  }

  show(c: Comparison): void {
    this.overlay?.destroy();
    const ref = c.reference === null ? null : c.runs[c.reference];
    this.element.replaceChildren(
      h("p", { class: "mpl-summary", attrs: { "data-summary": "" }, text: `Comparing ${c.runs.map((r) => r.label).join(" vs ")}${ref ? `, against ${ref.label}` : ""}` }),
    );
    this.overlay = new RunOverlay(this.element, c.runs);
    const rows: [string, (r: ComparedRun) => string][] = [
      ["precision", (r) => r.precision],
      ["scaler", (r) => r.scaler],
      ["status", (r) => r.status],
      ["steps", (r) => String(r.steps)],
      ["skipped steps", (r) => String(r.skippedSteps)],
      ["final loss", (r) => formatNumber(r.finalLoss)],
      ["activation gradients underflowed", (r) => formatShare(r.underflow.activationGrads)],
      ["weight gradients underflowed", (r) => formatShare(r.underflow.weightGrads)],
    ];
    const runsTable = h("table", { class: "mpl-table", attrs: { "data-table": "runs" } }, [
      h("thead", {}, [h("tr", {}, [h("th", { text: "" }), ...c.runs.map((r) => h("th", { text: r.label, attrs: { scope: "col" } }))])]),
      h("tbody", {}, rows.map(([name, f]) => h("tr", { attrs: { "data-row": name } }, [h("th", { class: "mpl-name", text: name, attrs: { scope: "row" } }), ...c.runs.map((r) => h("td", { text: f(r) }))]))),
    ]);
    this.element.appendChild(section("Runs", h("div", { class: "mpl-table-wrap", attrs: { tabindex: "0" } }, [runsTable])));
    if (!ref) {
      this.element.appendChild(h("p", { class: "mpl-muted", text: "No fp32 run among these: no differences to show (pass an fp32 run, or { reference: i })." }));
      return;
    }
    const diff = h("table", { class: "mpl-table", attrs: { "data-table": "differences" } }, [
      h("caption", { class: "mpl-muted", text: `Against ${ref.label} (final loss ${formatNumber(ref.finalLoss)}, ${ref.skippedSteps} skipped steps).` }),
      h("thead", {}, [h("tr", {}, ["run", "final loss vs reference", "skipped steps", "more than reference", "activation grads underflowed", "weight grads underflowed"].map((t) => h("th", { text: t, attrs: { scope: "col" } })))]),
      h(
        "tbody",
        {},
        c.differences.map((d) =>
          h("tr", { attrs: { "data-diff": d.label } }, [
            h("th", { class: "mpl-name", text: d.label, attrs: { scope: "row" } }),
            h("td", { text: ratio(d.finalLossRatio), attrs: { "data-value": JSON.stringify(d.finalLossRatio) } }),
            h("td", { text: String(d.skippedSteps) }),
            h("td", { text: d.extraSkippedSteps > 0 ? `+${d.extraSkippedSteps}` : String(d.extraSkippedSteps) }),
            h("td", { text: formatShare(d.activationGradUnderflow) }),
            h("td", { text: formatShare(d.weightGradUnderflow) }),
          ]),
        ),
      ),
    ]);
    this.element.appendChild(section("Differences", h("div", { class: "mpl-table-wrap", attrs: { tabindex: "0" } }, [diff])));
  }

  destroy(): void {
    this.overlay?.destroy();
    this.element.remove();
  }
}
