// A precision report (what inspect(run) shows): the summary, the first non-finite
// value, the per-layer table, the exponent histograms and the memory ledger, without
// the time series. Accepts the report object or a whole RunResult.
import type { LayerStats, MemoryLedger, NonFiniteEvent, RunResult } from "../../engine/train/runResult.js";
import { h } from "./dom.js";
import { renderMemoryBars } from "./memoryBars.js";
import { renderNonFinite } from "./nonFinite.js";
import { renderPrecisionTable } from "./precisionTable.js";
import { renderHistograms, RunView, section } from "./runView.js";
import { ensureStyles } from "./styles.js";

/** The report MIME's payload when it is not a whole run. */
export interface PrecisionReport {
  kind: "mplab.report";
  name?: string;
  precision?: string;
  summary?: string;
  layers: LayerStats[];
  memory?: MemoryLedger;
  firstNonFinite?: NonFiniteEvent[];
  /** the loss scale the observed gradients were multiplied by (1 or absent: none) */
  scale?: number;
  /** the run the report is about, when the sender includes it */
  run?: RunResult;
}

export function renderReport(parent: HTMLElement, data: PrecisionReport | RunResult): { destroy(): void } {
  ensureStyles(parent);
  const run = "kind" in data && data.kind === "mplab.run" ? data : (data as PrecisionReport).run;
  if (run) {
    const v = new RunView(parent);
    v.show(run);
    v.element.classList.add("mpl-report");
    return v;
  }
  const r = data as PrecisionReport;
  const el = h("div", { class: "mpl-root mpl-report" }, [
    h("p", { class: "mpl-summary", attrs: { "data-summary": "" }, text: r.summary ?? `Precision report${r.name ? ` of ${r.name}` : ""}${r.precision ? ` (${r.precision})` : ""}` }),
    renderNonFinite(r.firstNonFinite ?? []),
    section("Precision by layer", renderPrecisionTable(r.layers ?? [])),
    r.layers?.length ? section("Exponent histograms (fp16 range marked)", renderHistograms(r.layers, r.scale ?? 1)) : null,
    r.memory ? section("Memory", renderMemoryBars(r.memory)) : null,
  ]);
  parent.appendChild(el);
  return { destroy: () => el.remove() };
}
