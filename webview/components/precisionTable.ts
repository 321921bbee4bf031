// The per-layer precision table: for each layer and tensor (weights, activations,
// activation gradients, weight gradients) the shares of zero, subnormal, underflowed,
// overflowed and NaN values and the smallest and largest magnitude, colour-coded by
// how much they should worry a user. A real <table>, so screen readers get it as is.
import type { LayerStats, TensorRole, TensorStats } from "../../engine/train/runResult.js";
import { TENSOR_ROLES } from "../../engine/train/runResult.js";
import { h } from "./dom.js";
import { formatNumber, formatShare, num, ROLE_LABEL } from "./format.js";

export type StatField = "zero" | "subnormal" | "underflow" | "overflow" | "nan" | "inf" | "minAbs" | "maxAbs";

export const TABLE_FIELDS: { field: StatField; label: string }[] = [
  { field: "zero", label: "zero" },
  { field: "subnormal", label: "subnormal" },
  { field: "underflow", label: "underflowed" },
  { field: "overflow", label: "overflowed" },
  { field: "nan", label: "NaN" },
  { field: "inf", label: "Inf" },
  { field: "minAbs", label: "min |x|" },
  { field: "maxAbs", label: "max |x|" },
];

const F16_MIN_NORMAL = 2 ** -14;
const F16_MAX = 65504;

/** 0 (fine) .. 3 (bad): drives the cell colour. */
export function severity(field: StatField, value: number | null, dtype: TensorStats["dtype"]): number {
  if (value === null || Number.isNaN(value)) return 0;
  const share = (lo: number, mid: number) => (value === 0 ? 0 : value < lo ? 1 : value < mid ? 2 : 3);
  switch (field) {
    case "underflow":
      return share(1e-3, 1e-2);
    case "overflow":
    case "nan":
    case "inf":
      return value > 0 ? 3 : 0;
    case "subnormal":
      return value > 0.1 ? 2 : value > 0.01 ? 1 : 0;
    case "zero":
      return value > 0.9 ? 2 : 0;
    case "minAbs":
      return dtype === "f16" && value < F16_MIN_NORMAL ? 1 : 0;
    case "maxAbs":
      if (dtype !== "f16") return 0;
      return value > F16_MAX / 2 ? 3 : value > F16_MAX / 64 ? 1 : 0;
  }
}

function cellValue(t: TensorStats, field: StatField): number | null {
  const v = t[field];
  return v === null || v === undefined ? null : num(v);
}

export function renderPrecisionTable(layers: readonly LayerStats[]): HTMLElement {
  const head = h("tr", {}, [
    h("th", { class: "mpl-name", text: "layer", attrs: { scope: "col" } }),
    h("th", { class: "mpl-name", text: "tensor", attrs: { scope: "col" } }),
    h("th", { text: "dtype", attrs: { scope: "col" } }),
    ...TABLE_FIELDS.map((f) => h("th", { text: f.label, attrs: { scope: "col" } })),
  ]);
  const body = h("tbody");
  for (const l of layers) {
    TENSOR_ROLES.forEach((role: TensorRole, i) => {
      const t = l.tensors[role];
      if (!t) return;
      const row = h("tr", { attrs: { "data-layer": String(l.layer), "data-role": role } });
      if (i === 0) {
        row.appendChild(
          h("th", { class: "mpl-name", text: l.name, attrs: { scope: "rowgroup", rowspan: "4", title: `${l.inputs} -> ${l.outputs}, ${l.activation}` } }),
        );
      }
      row.appendChild(h("td", { class: "mpl-name", text: ROLE_LABEL[role] }));
      row.appendChild(h("td", { text: t.dtype }));
      for (const { field } of TABLE_FIELDS) {
        const v = cellValue(t, field);
        const isShare = field !== "minAbs" && field !== "maxAbs";
        const text = v === null ? "–" : isShare ? formatShare(v) : formatNumber(v);
        const sev = severity(field, v, t.dtype);
        const td = h("td", { text, class: sev ? `mpl-sev-${sev}` : undefined, attrs: { "data-field": field, "data-value": v === null ? "null" : String(v) } });
        if (sev) td.title = ["", "worth a look", "a problem", "a serious problem"][sev];
        row.appendChild(td);
      }
      body.appendChild(row);
    });
  }
  const table = h("table", { class: "mpl-table mpl-precision-table" }, [
    h("caption", { class: "mpl-muted", text: "Shares of the values seen at the observed steps; coloured where precision hurt." }),
    h("thead", {}, [head]),
    body,
  ]);
  return h("div", { class: "mpl-table-wrap" }, [table]);
}
