// A run, drawn: the summary line, the three time-series charts, the first
// non-finite value, the precision table, the exponent histograms, the fp8 scales of a
// mixed-fp8 run, the memory ledger
// and the numbers as a table. The same view is fed live by RunProgress events
// (charts and a progress line) and then completed by the final RunResult.
import type { LayerStats, RunProgress, RunResult } from "../../engine/train/runResult.js";
import { TENSOR_ROLES } from "../../engine/train/runResult.js";
import { h } from "./dom.js";
import { formatNumber, formatScale, num, ROLE_LABEL } from "./format.js";
import { renderFp8Run } from "./fp8View.js";
import { drawnBins, renderHistogram, type DrawnBins } from "./histogram.js";
import { renderMemoryBars } from "./memoryBars.js";
import { renderNonFinite } from "./nonFinite.js";
import { renderNumbersTable } from "./numbersTable.js";
import { renderPrecisionTable } from "./precisionTable.js";
import { ensureStyles } from "./styles.js";
import { backendLabel, summarize } from "./summary.js";
import { TimeChart } from "./timeChart.js";

/** Layers drawn in the precision table and the histograms (a saved run can claim any number). */
export const MAX_DRAWN_LAYERS = 64;

export function section(title: string, ...children: (Node | null)[]): HTMLElement {
  return h("section", { class: "mpl-section" }, [h("h4", { text: title }), ...children]);
}

/** The three charts of a run, shared by the run view and the comparison. */
export function createRunCharts(parent: HTMLElement): { loss: TimeChart; scale: TimeChart; gradNorm: TimeChart } {
  const grid = h("div", { class: "mpl-charts" });
  parent.appendChild(grid);
  return {
    loss: new TimeChart(grid, { id: "loss", title: "Loss (log scale)", log: 10, formatY: formatNumber }),
    scale: new TimeChart(grid, { id: "scale", title: "Loss scale (log2); ▼ overflow, step skipped", log: 2, formatY: formatScale, markOverflows: true }),
    gradNorm: new TimeChart(grid, { id: "gradNorm", title: "Gradient norm (log scale)", log: 10, formatY: formatNumber }),
  };
}

export class RunView {
  readonly element: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly sub: HTMLElement;
  private readonly charts: ReturnType<typeof createRunCharts>;
  private readonly details: HTMLElement;
  private fp8: { destroy(): void } | null = null;
  // live series
  private losses: number[] = [];
  private scales: number[] = [];
  private gradNorms: number[] = [];
  private overflowSteps: number[] = [];
  private totalSteps = 0;
  private frame = 0;

  constructor(parent: HTMLElement) {
    ensureStyles(parent);
    this.summary = h("p", { class: "mpl-summary", attrs: { "data-summary": "" } });
    this.sub = h("p", { class: "mpl-muted" });
    this.element = h("div", { class: "mpl-root mpl-run" }, [this.summary, this.sub]);
    parent.appendChild(this.element);
    this.charts = createRunCharts(this.element);
    this.details = h("div", { class: "mpl-root" });
    this.element.appendChild(this.details);
  }

  /** A live run begins. */
  start(name: string, totalSteps: number): void {
    this.losses = [];
    this.scales = [];
    this.gradNorms = [];
    this.overflowSteps = [];
    this.totalSteps = totalSteps;
    this.element.dataset.state = "running";
    this.summary.textContent = `${name}: starting, ${totalSteps} steps`;
    this.details.replaceChildren();
    this.drawLive();
  }

  /** One chunk of steps finished: append and redraw (at most once a frame). */
  progress(p: RunProgress): void {
    const offset = this.losses.length;
    this.totalSteps = p.totalSteps;
    for (let i = 0; i < p.losses.length; i++) {
      this.losses.push(num(p.losses[i]));
      this.scales.push(num(p.scales[i]));
      this.gradNorms.push(num(p.gradNorms[i]));
    }
    // overflow steps are global 0-based step indices of this chunk
    for (const s of p.overflowSteps) if (s >= offset) this.overflowSteps.push(s);
    const last = this.losses.length - 1;
    const rate = p.elapsedMs > 0 ? ` (${formatNumber((p.step / p.elapsedMs) * 1000)} steps/s)` : "";
    this.summary.textContent =
      `step ${p.step} of ${p.totalSteps}${rate}; ${this.overflowSteps.length} overflow steps skipped; ` +
      `scale ${last >= 0 ? formatScale(this.scales[last]) : "–"}; loss ${last >= 0 ? formatNumber(this.losses[last]) : "–"}`;
    this.summary.classList.add("mpl-progress");
    this.element.dataset.step = String(p.step);
    if (!this.frame) this.frame = requestAnimationFrame(() => ((this.frame = 0), this.drawLive()));
  }

  private drawLive(): void {
    const o = this.overflowSteps;
    this.charts.loss.setData([{ label: "loss", color: "blue", values: this.losses }], this.totalSteps);
    this.charts.scale.setData([{ label: "scale", color: "purple", values: this.scales, overflowSteps: o }], this.totalSteps);
    this.charts.gradNorm.setData([{ label: "grad norm", color: "green", values: this.gradNorms }], this.totalSteps);
  }

  /** The final result: everything. */
  show(r: RunResult): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.element.dataset.state = r.status;
    this.summary.classList.remove("mpl-progress");
    this.summary.textContent = summarize(r);
    const b = r.backend;
    this.sub.textContent =
      `${r.name ?? r.config?.name ?? "run"} · backend ${backendLabel(r)}${b.adapter ? `, ${b.adapter}` : ""} · precision ${r.precision} · ` +
      `${formatNumber(r.timings?.stepsPerSecond ?? NaN)} steps/s` + (r.error ? ` · error: ${r.error}` : "");
    const losses = r.losses.map(num), scales = r.scales.map(num), gradNorms = r.gradNorms.map(num);
    this.charts.loss.setData([{ label: "loss", color: "blue", values: losses }]);
    this.charts.scale.setData([{ label: "scale", color: "purple", values: scales, overflowSteps: r.overflowSteps }]);
    this.charts.gradNorm.setData([{ label: "grad norm", color: "green", values: gradNorms }]);

    const parts: (HTMLElement | null)[] = [];
    if (r.error) parts.push(h("p", { class: "mpl-error", text: r.error }));
    parts.push(renderNonFinite(r.firstNonFinite));
    if (r.layers?.length) {
      const drawn = r.layers.slice(0, MAX_DRAWN_LAYERS);
      const note = r.layers.length > drawn.length ? h("p", { class: "mpl-muted mpl-note", attrs: { "data-note": "" }, text: `a run with ${r.layers.length.toLocaleString("en-US")} layers: the first ${MAX_DRAWN_LAYERS} drawn` }) : null;
      parts.push(section("Precision by layer", note, renderPrecisionTable(drawn)));
      parts.push(section("Exponent histograms (fp16 range marked)", note?.cloneNode(true) ?? null, renderHistograms(drawn, observedScale(r))));
    }
    this.fp8?.destroy();
    this.fp8 = null;
    if (r.fp8) {
      const fp8 = (this.fp8 = renderFp8Run(r.fp8));
      parts.push(fp8.element);
    }
    if (r.memory) parts.push(section("Memory", renderMemoryBars(r.memory)));
    parts.push(renderNumbersTable({ losses, scales, gradNorms, overflowSteps: r.overflowSteps }));
    this.details.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
  }

  destroy(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    Object.values(this.charts).forEach((c) => c.destroy());
    this.fp8?.destroy();
    this.element.remove();
  }
}

/** The loss scale the observed gradients were multiplied by: the scale at the stats steps (geometric mean). */
export function observedScale(r: RunResult): number {
  if (r.precision === "fp32") return 1;
  const at = r.statsSteps?.length ? r.statsSteps : [r.scales.length - 1];
  let sum = 0, n = 0;
  for (const s of at) {
    const v = num(r.scales[s]);
    if (v > 0 && Number.isFinite(v)) (sum += Math.log2(v)), n++;
  }
  return n ? 2 ** Math.round(sum / n) : 1;
}

/** The histograms of every tensor on one shared exponent axis; gradients were multiplied by `scale`. */
export function renderHistograms(layers: readonly LayerStats[], scale: number): HTMLElement {
  let lo = Infinity, hi = -Infinity;
  const bins = new Map<object, DrawnBins>();
  for (const l of layers)
    for (const role of TENSOR_ROLES) {
      const t = l.tensors[role];
      if (!t?.histogram) continue;
      const b = drawnBins(t.histogram);
      bins.set(t, b);
      b.counts.forEach((c, i) => {
        if (c > 0) (lo = Math.min(lo, b.minExp + i)), (hi = Math.max(hi, b.minExp + i));
      });
    }
  // always show the whole fp16 range, a little beyond, and where unscaled gradients would sit
  const shift = Math.round(Math.log2(scale));
  lo = Math.min(Number.isFinite(lo) ? lo - Math.max(0, shift) : -26, -26);
  hi = Math.max(Number.isFinite(hi) ? hi - Math.min(0, shift) : 17, 17);
  const grid = h("div", { class: "mpl-hists" });
  for (const l of layers)
    for (const role of TENSOR_ROLES) {
      const t = l.tensors[role];
      if (!t) continue;
      const isGrad = role === "activationGrads" || role === "weightGrads";
      grid.appendChild(renderHistogram(t, { title: `layer ${l.layer} ${ROLE_LABEL[role]}`, scale: isGrad ? scale : 1, minExp: lo, maxExp: hi, bins: bins.get(t) }));
    }
  return grid;
}
