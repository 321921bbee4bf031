// The time series as a table, for people who cannot see the charts: every k-th
// step (at most MAX_ROWS rows) plus every overflow step, in a <details> element.
import { h } from "./dom.js";
import { tableSteps } from "./downsample.js";
import { formatNumber, formatScale } from "./format.js";

const MAX_ROWS = 200;

export interface StepSeries {
  losses: ArrayLike<number>;
  scales: ArrayLike<number>;
  gradNorms: ArrayLike<number>;
  overflowSteps: readonly number[];
}

export function renderNumbersTable(s: StepSeries): HTMLElement {
  const n = s.losses.length;
  const overflow = new Set(s.overflowSteps);
  const steps = tableSteps(n, MAX_ROWS, s.overflowSteps);
  const body = h("tbody");
  for (const i of steps) {
    body.appendChild(
      h("tr", { attrs: { "data-step": String(i) } }, [
        h("th", { text: String(i), attrs: { scope: "row" } }),
        h("td", { text: formatNumber(s.losses[i]) }),
        h("td", { text: formatScale(s.scales[i]) }),
        h("td", { text: formatNumber(s.gradNorms[i]) }),
        h("td", { text: overflow.has(i) ? "overflow, skipped" : "" }),
      ]),
    );
  }
  const every = Math.max(1, Math.ceil(n / MAX_ROWS));
  const note = every > 1 ? `every ${every}th step and every overflow step of ${n}` : `all ${n} steps`;
  const table = h("table", { class: "mpl-table" }, [
    h("caption", { class: "mpl-muted", text: `Loss, loss scale and gradient norm: ${note}.` }),
    h("thead", {}, [
      h("tr", {}, ["step", "loss", "scale", "gradient norm", "step skipped"].map((t) => h("th", { text: t, attrs: { scope: "col" } }))),
    ]),
    body,
  ]);
  return h("details", { class: "mpl-numbers" }, [h("summary", { text: "Numbers as a table" }), h("div", { class: "mpl-table-wrap" }, [table])]);
}
