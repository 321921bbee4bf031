// The fp8 part of a mixed-fp8 run (RunResult.fp8) and of its report (PrecisionReport.fp8),
// drawn: each fp8 tensor's scale over the steps (one chart per role: weights, inputs,
// gradients; one line per layer), a table of every tensor (format, scales, shares
// saturated and flushed to zero at the observed steps, amax history), and the report's
// fp8 verdict (which tensor hurts, what to change).
import type { Fp8Inspection } from "../../engine/inspect/fp8Inspection.js";
import type { Fp8Report, Fp8Role } from "../../engine/train/fp8Report.js";
import { FP8_ROLES } from "../../engine/train/fp8Report.js";
import { runColor } from "./compareView.js";
import { h } from "./dom.js";
import { formatNumber, formatScale, formatShare, num } from "./format.js";
import { MAX_DRAWN_LAYERS, section } from "./runView.js";
import { TimeChart } from "./timeChart.js";

const ROLE_TITLE: Record<Fp8Role, string> = { weights: "weights", inputs: "inputs (activations)", grads: "activation gradients" };
const FORMAT_LABEL = { e4m3: "E4M3", e5m2: "E5M2" } as const;

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + num(b), 0) / xs.length : 0);
const max = (xs: readonly number[]) => xs.reduce((a, b) => Math.max(a, num(b)), 0);
const finite = (xs: readonly number[]) => xs.map(num).filter(Number.isFinite);

/** The fp8 section of a run view; `destroy` frees its charts. */
export function renderFp8Run(fp8: Fp8Report): { element: HTMLElement; destroy(): void } {
  const grid = h("div", { class: "mpl-charts" });
  const charts: TimeChart[] = [];
  for (const role of FP8_ROLES) {
    const tensors = fp8.tensors.filter((t) => t.role === role).slice(0, MAX_DRAWN_LAYERS);
    if (!tensors.length) continue;
    const chart = new TimeChart(grid, { id: `fp8-${role}`, title: `fp8 scale of the ${ROLE_TITLE[role]} (${FORMAT_LABEL[tensors[0].format]}, log2)`, log: 2, formatY: formatScale });
    chart.setData(tensors.map((t, i) => ({ label: `layer ${t.layer}`, color: runColor(i), values: t.scales.map(num) })));
    charts.push(chart);
  }
  const r = fp8.recipe;
  const how =
    `recipe ${r.recipe}` + (r.recipe === "delayed" ? ` (margin ${r.margin}, amax history ${r.amaxHistoryLen}, ${r.amaxComputeAlgo})` : "") +
    `; ${FORMAT_LABEL[fp8.formats.forward]} forward, ${FORMAT_LABEL[fp8.formats.backward]} gradients; ${r.saturate ? "saturating" : "non-saturating"} casts; ` +
    `matmuls accumulate in fp32 and store their outputs in bf16`;
  const head = h("tr", {}, ["layer", "tensor", "format", "last scale", "scale range", "saturated (mean / max)", "flushed to 0 (mean / max)", "amax history"].map((t) => h("th", { text: t, attrs: { scope: "col" } })));
  const rows = fp8.tensors.slice(0, 3 * MAX_DRAWN_LAYERS).map((t) => {
    const s = finite(t.scales);
    const range = s.length ? `${formatScale(s.reduce((a, b) => Math.min(a, b)))}–${formatScale(s.reduce((a, b) => Math.max(a, b)))}` : "–";
    return h("tr", { attrs: { "data-fp8-tensor": `${t.layer}:${t.role}` } }, [
      h("th", { text: String(t.layer), attrs: { scope: "row" } }),
      h("td", { text: ROLE_TITLE[t.role] }),
      h("td", { text: FORMAT_LABEL[t.format] }),
      h("td", { text: t.scales.length ? formatScale(num(t.scales[t.scales.length - 1])) : "–" }),
      h("td", { text: range }),
      h("td", { text: `${formatShare(mean(t.saturated))} / ${formatShare(max(t.saturated))}` }),
      h("td", { text: `${formatShare(mean(t.flushed))} / ${formatShare(max(t.flushed))}` }),
      h("td", { text: t.history.length ? `${t.history.length} steps, max ${formatNumber(max(t.history))}` : "–" }),
    ]);
  });
  const table = h("div", { class: "mpl-table-wrap" }, [
    h("table", { class: "mpl-table mpl-fp8-table" }, [h("caption", { class: "mpl-muted", text: "Each fp8 tensor: its scales over the run and the shares of its values the cast saturated or flushed to zero at the observed steps." }), h("thead", {}, [head]), h("tbody", {}, rows)]),
  ]);
  const cut = fp8.tensors.length > 3 * MAX_DRAWN_LAYERS ? h("p", { class: "mpl-muted mpl-note", attrs: { "data-note": "" }, text: `${fp8.tensors.length.toLocaleString("en-US")} fp8 tensors: those of the first ${MAX_DRAWN_LAYERS} layers drawn` }) : null;
  const element = section("fp8 scales", h("p", { class: "mpl-muted", text: how }), cut, grid, table);
  element.dataset.fp8 = "";
  return { element, destroy: () => charts.forEach((c) => c.destroy()) };
}

/** The fp8 part of a precision report: the tensor that hurts and what to change (its findings are among the report's). */
export function renderFp8Report(f: Fp8Inspection): HTMLElement {
  const el = section(
    "fp8",
    h("p", { class: "mpl-muted", text: f.matmul }),
    h("div", { class: "mpl-callout", attrs: { "data-fp8-worst": f.worst ?? "" } }, [
      h("strong", { text: f.worst ? `Hurts most: ${f.worst}` : "No fp8 tensor lost a noticeable share of its values" }),
      f.advice.length ? h("ul", {}, f.advice.map((a) => h("li", { text: `${JSON.stringify(a.change)}: ${a.reason}` }))) : null,
    ]),
  );
  el.dataset.fp8Report = "";
  return el;
}
