// The first non-finite value of a run: at which step, in which layer and tensor.
import type { NonFiniteEvent } from "../../engine/train/runResult.js";
import { h } from "./dom.js";
import { layerLabel, ROLE_LABEL } from "./format.js";

export function describeNonFinite(e: NonFiniteEvent): string {
  return `step ${e.step}, ${layerLabel(e.layer)}, ${ROLE_LABEL[e.tensor] ?? e.tensor}`;
}

export function renderNonFinite(events: readonly NonFiniteEvent[]): HTMLElement | null {
  if (!events.length) return null;
  const first = events[0];
  const more = events.length > 1 ? ` (${events.length - 1} later events recorded)` : "";
  return h("p", { class: "mpl-nonfinite", attrs: { "data-nonfinite-step": String(first.step) } }, [
    h("strong", { text: "First non-finite value: " }),
    document.createTextNode(describeNonFinite(first) + more),
  ]);
}
