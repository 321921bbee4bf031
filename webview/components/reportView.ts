// A precision report (what inspect(run) returns), drawn: the verdict, the recommended
// scaler settings, the "use bf16" and "master weights needed" advice where they apply,
// the findings in plain words, and one row per tensor (its share outside fp16's range
// at the scale used, and the scale window that keeps it). The table scrolls sideways
// in a narrow editor rather than cutting a column off.
import type { PrecisionReport, ScaleWindow, TensorReport } from "../../engine/inspect/report.js";
import { h } from "./dom.js";
import { renderFp8Report } from "./fp8View.js";
import { formatNumber, formatScale, formatShare, ROLE_LABEL } from "./format.js";
import { section } from "./runView.js";
import { ensureStyles } from "./styles.js";

/** The columns of the tensor table: a header, how a row's value reads, the number behind it (for tests and screen readers). */
export const REPORT_COLUMNS: { field: string; label: string; text: (t: TensorReport) => string; value: (t: TensorReport) => unknown }[] = [
  { field: "dtype", label: "stored as", text: (t) => t.dtype, value: (t) => t.dtype },
  { field: "scaleUsed", label: "loss scale", text: (t) => (t.scaled ? scaleRange(t.scaleUsed) : "none"), value: (t) => t.scaleUsed },
  { field: "zero", label: "zero", text: (t) => formatShare(t.zero), value: (t) => t.zero },
  { field: "subnormal", label: "subnormal", text: (t) => formatShare(t.subnormal), value: (t) => t.subnormal },
  { field: "underflow", label: "below fp16", text: (t) => formatShare(t.underflow), value: (t) => t.underflow },
  { field: "overflow", label: "above fp16", text: (t) => formatShare(t.overflow), value: (t) => t.overflow },
  { field: "nonFinite", label: "NaN/Inf", text: (t) => formatShare(t.nonFinite), value: (t) => t.nonFinite },
  { field: "smallest", label: "smallest |x|", text: (t) => (t.smallestUnknown ? "< " : "") + formatNumber(t.smallest), value: (t) => t.smallest },
  { field: "largest", label: "largest |x|", text: (t) => formatNumber(t.largest), value: (t) => t.largest },
  { field: "window", label: "scales that keep it", text: (t) => (t.scaled ? windowText(t.window) : t.fitsFp16 ? "fits fp16 as is" : "does not fit fp16"), value: (t) => t.window },
];

const scaleRange = (r: { min: number; max: number }) => (r.min === r.max ? formatScale(r.min) : `${formatScale(r.min)}–${formatScale(r.max)}`);
const windowText = (w: ScaleWindow | null) => (!w ? "–" : w.min > w.max ? "none" : scaleRange(w));

/** The scaler spec as a user writes it in a cell, e.g. dynamicScaler({ preset: "pytorch", initScale: 2 ** 12 }). */
export function scalerCall(spec: PrecisionReport["recommendation"]["spec"]): string {
  if (spec.type === "none") return "noScaler()";
  const v = (x: number) => (Number.isInteger(Math.log2(x)) && x >= 16 ? `2 ** ${Math.log2(x)}` : String(x));
  if (spec.type === "static") return `staticScaler(${v(spec.scale)})`;
  const fields = Object.entries(spec).filter(([k, x]) => k !== "type" && x !== undefined).map(([k, x]) => `${k}: ${typeof x === "number" && k.endsWith("Scale") ? v(x) : JSON.stringify(x)}`);
  return `dynamicScaler({ ${fields.join(", ")} })`;
}

export function renderReport(parent: HTMLElement, r: PrecisionReport): { element: HTMLElement; destroy(): void } {
  ensureStyles(parent);
  const who = `${r.name ? `${r.name}: ` : ""}${r.precision}, ${r.scaler}`;
  const verdict = r.useBf16.advised ? "use bf16" : r.scaleWindow ? `scales ${scaleRange(r.scaleWindow)} keep every gradient in fp16` : r.coreScaleWindow ? "no single scale keeps every gradient" : "see the findings";
  const el = h("div", { class: "mpl-root mpl-report" }, [
    h("p", { class: "mpl-summary", attrs: { "data-summary": "" }, text: `Precision report (${who}): ${r.skippedSteps} of ${r.steps} steps skipped; ${verdict}.` }),
    h("div", { class: "mpl-callout", attrs: { "data-recommendation": "" } }, [
      h("strong", { text: "Recommended scaler: " }),
      h("code", { text: scalerCall(r.recommendation.spec) }),
      h("p", { class: "mpl-reason", text: r.recommendation.reason }),
    ]),
    r.useBf16.advised
      ? h("div", { class: "mpl-callout mpl-advice", attrs: { "data-advice": "bf16" } }, [h("strong", { text: "Use bf16" }), h("ul", {}, r.useBf16.why.map((w) => h("li", { text: w })))])
      : null,
    r.masterWeights.needed
      ? h("div", { class: "mpl-callout mpl-advice", attrs: { "data-advice": "master-weights" } }, [
          h("strong", { text: "Master weights needed" }),
          h("p", { text: r.masterWeights.how }),
          h("ul", {}, r.masterWeights.layers.filter((l) => l.lostShare > 0).map((l) => h("li", { text: `layer ${l.layer}: ${formatShare(l.lostShare)} of the weights are more than 2^11 times their update (~${formatNumber(l.typicalUpdate)})` }))),
        ])
      : null,
    section("Findings", h("ul", { class: "mpl-findings" }, r.findings.map((f) => h("li", { text: f })))),
    r.fp8 ? renderFp8Report(r.fp8) : null,
    section("Precision by tensor", renderTensorTable(r)),
  ]);
  parent.appendChild(el);
  return { element: el, destroy: () => el.remove() };
}

function renderTensorTable(r: PrecisionReport): HTMLElement {
  const head = h("tr", {}, [
    h("th", { class: "mpl-name", text: "layer", attrs: { scope: "col" } }),
    h("th", { class: "mpl-name", text: "tensor", attrs: { scope: "col" } }),
    ...REPORT_COLUMNS.map((c) => h("th", { text: c.label, attrs: { scope: "col" } })),
  ]);
  const body = h("tbody");
  r.tensors.forEach((t, i) => {
    const bad = t.overflow > 0 || t.nonFinite > 0 ? 3 : t.underflow >= 1e-2 ? 2 : t.underflow >= 1e-3 ? 1 : 0;
    // a layer's tensors are one row group, its name said once
    const first = i === 0 || r.tensors[i - 1].layer !== t.layer;
    const span = first ? r.tensors.filter((u) => u.layer === t.layer).length : 0;
    const [short, detail] = t.layerName.split(/ \((.*)\)$/);
    body.appendChild(
      h("tr", { attrs: { "data-layer": String(t.layer), "data-role": t.role } }, [
        first ? h("th", { class: "mpl-name", attrs: { scope: "rowgroup", rowspan: String(span) } }, [document.createTextNode(short), detail ? h("div", { class: "mpl-muted", text: detail }) : null]) : null,
        h("td", { class: "mpl-name", text: ROLE_LABEL[t.role] }),
        ...REPORT_COLUMNS.map((c) => {
          const sev = (c.field === "underflow" || c.field === "overflow" || c.field === "nonFinite") && bad && Number(c.value(t)) > 0 ? bad : 0;
          return h("td", { text: c.text(t), class: sev ? `mpl-sev-${sev}` : undefined, attrs: { "data-field": c.field, "data-value": JSON.stringify(c.value(t)) } });
        }),
      ]),
    );
  });
  const caption = `Shares of the values seen at the observed steps; "below/above fp16" is what left fp16's range at the loss scale used (×${r.headroom} headroom kept for the windows).`;
  return h("div", { class: "mpl-table-wrap", attrs: { tabindex: "0", role: "region", "aria-label": "precision by tensor" } }, [
    h("table", { class: "mpl-table mpl-report-table" }, [h("caption", { class: "mpl-muted", text: caption }), h("thead", {}, [head]), body]),
  ]);
}
