// The memory ledger as horizontal bars: fp32 master weights, low-precision weights,
// activations, gradients and optimizer state, each with its byte count.
import type { MemoryLedger } from "../../engine/train/runResult.js";
import { h } from "./dom.js";
import { formatBytes } from "./format.js";

const ENTRIES: { key: keyof MemoryLedger; label: string }[] = [
  { key: "masterWeightsBytes", label: "fp32 master weights" },
  { key: "weightsBytes", label: "weights (compute dtype)" },
  { key: "activationsBytes", label: "activations" },
  { key: "gradientsBytes", label: "gradients" },
  { key: "optimizerBytes", label: "optimizer state" },
];

export function renderMemoryBars(m: MemoryLedger): HTMLElement {
  const max = Math.max(1, ...ENTRIES.map((e) => m[e.key]));
  const grid = h("div", { class: "mpl-bars", attrs: { role: "list" } });
  for (const e of ENTRIES) {
    const bytes = m[e.key];
    const bar = h("div", { class: "mpl-bar" });
    bar.style.width = `${(100 * bytes) / max}%`;
    if (bytes === 0) bar.style.minWidth = "0";
    grid.append(
      h("span", { text: e.label }),
      h("div", { class: "mpl-bar-track", attrs: { role: "listitem", "aria-label": `${e.label}: ${formatBytes(bytes)}`, "data-mem": e.key, "data-bytes": String(bytes) } }, [bar]),
      h("span", { text: formatBytes(bytes) }),
    );
  }
  return h("div", {}, [grid, h("p", { class: "mpl-muted", text: `total ${formatBytes(m.totalBytes)}` })]);
}
