// A sweep (what sweep(base, grid) returns), drawn: the recommended setup and why, the
// ranked table with that row highlighted, and the losses and scales of every
// configuration overlaid.
import type { SweepResult } from "../../engine/inspect/sweepResult.js";
import { RunOverlay } from "./compareView.js";
import { h } from "./dom.js";
import { formatNumber, formatShare } from "./format.js";
import { scalerCall } from "./reportView.js";
import { section } from "./runView.js";
import { ensureStyles } from "./styles.js";

export function renderSweep(parent: HTMLElement, s: SweepResult): { element: HTMLElement; destroy(): void } {
  ensureStyles(parent);
  const rec = s.recommendation;
  const el = h("div", { class: "mpl-root mpl-sweep" }, [
    h("p", {
      class: "mpl-summary",
      attrs: { "data-summary": "" },
      text: `Sweep of ${s.ranked.length} configurations${s.status === "cancelled" ? " (cancelled)" : ""}${s.reference ? `, measured against ${s.reference.label} (final loss ${formatNumber(s.reference.finalLoss)})` : ", without an fp32 reference"}.`,
    }),
    rec
      ? h("div", { class: "mpl-callout", attrs: { "data-recommendation": rec.label } }, [
          h("strong", { text: `Recommended: ${rec.label}` }),
          document.createTextNode(" "),
          h("code", { text: `precision: "${rec.precision}", scaler: ${scalerCall(rec.scaler)}` }),
          h("p", { class: "mpl-reason", text: rec.reason }),
        ])
      : h("p", { class: "mpl-muted", text: "No configuration finished: nothing to recommend." }),
  ]);
  const body = h("tbody");
  for (const e of s.ranked) {
    const best = rec !== null && (e.label === rec.label || (e.precision === rec.precision && JSON.stringify(e.scaler) === JSON.stringify(rec.scaler)));
    const row = h("tr", { class: best ? "mpl-recommended" : undefined, attrs: { "data-config": e.label, ...(best ? { "aria-current": "true" } : {}) } }, [
      h("td", { text: e.rank === null ? "–" : String(e.rank) }),
      h("th", { class: "mpl-name", text: e.label + (best ? " ★ recommended" : ""), attrs: { scope: "row" } }),
      h("td", { text: e.status }),
      h("td", { text: formatNumber(e.finalLoss), attrs: { "data-value": JSON.stringify(e.finalLoss) } }),
      h("td", { text: e.finalLossRatio === null ? "–" : `${formatNumber(e.finalLossRatio)}×` }),
      h("td", { text: String(e.skippedSteps) }),
      h("td", { text: formatShare(e.underflow) }),
    ]);
    body.appendChild(row);
  }
  const table = h("table", { class: "mpl-table", attrs: { "data-table": "ranked" } }, [
    h("caption", { class: "mpl-muted", text: "Ranked by final loss against fp32 (within 1% counts as equal), then skipped steps, then underflow." }),
    h("thead", {}, [h("tr", {}, ["rank", "configuration", "status", "final loss", "vs fp32", "skipped steps", "gradients underflowed"].map((t) => h("th", { text: t, attrs: { scope: "col" } })))]),
    body,
  ]);
  el.appendChild(section("Configurations", h("div", { class: "mpl-table-wrap", attrs: { tabindex: "0" } }, [table])));
  parent.appendChild(el);
  let overlay: RunOverlay | null = null;
  if (s.runs.length) {
    const sec = section("Loss and scale of each configuration");
    el.appendChild(sec);
    overlay = new RunOverlay(sec, s.runs);
  }
  return { element: el, destroy: () => (overlay?.destroy(), el.remove()) };
}
