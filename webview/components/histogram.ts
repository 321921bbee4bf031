// Exponent histogram of one tensor (counts of floor(log2|x|)) with the fp16 range
// drawn on it: 2^-24 (smallest subnormal: below it values flush to zero), 2^-14
// (smallest normal) and 65504 (largest finite). For gradients of a loss-scaled run a
// dashed outline shows where the values would sit without the scale, and an arrow how
// far the scale moved them: the picture of the mixed-precision paper's gradient histogram.
import type { TensorStats } from "../../engine/train/runResult.js";
import { h, svg } from "./dom.js";
import { formatScale } from "./format.js";

const W = 240, H = 100, PAD_L = 4, PAD_R = 4, PAD_T = 14, PAD_B = 14;
const F16_MAX_EXP = Math.log2(65504);

export interface HistogramOptions {
  title: string;
  /** the loss scale that multiplied this tensor's values (1 when none) */
  scale?: number;
  /** x range shared by all histograms of a run, in exponents */
  minExp: number;
  maxExp: number;
}

export function renderHistogram(t: TensorStats, o: HistogramOptions): HTMLElement {
  const { minExp, counts } = t.histogram;
  const lo = o.minExp, hi = o.maxExp + 1; // bins are [e, e+1)
  const xOf = (e: number) => PAD_L + ((e - lo) / (hi - lo)) * (W - PAD_L - PAD_R);
  const base = H - PAD_B;
  const max = Math.max(1, ...counts);
  // log counts: the tails (the values about to underflow) must stay visible
  const yOf = (c: number) => base - (Math.log1p(c) / Math.log1p(max)) * (base - PAD_T);
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img" });
  const total = counts.reduce((a, b) => a + b, 0);
  root.setAttribute("aria-label", `${o.title}: exponent histogram of ${total} values`);

  // fp16 zones: flushed to zero, subnormal, overflow
  const zone = (cls: string, a: number, b: number) => {
    const x0 = xOf(Math.max(lo, a)), x1 = xOf(Math.min(hi, b));
    if (x1 > x0) root.appendChild(svg("rect", { class: cls, x: x0, y: PAD_T, width: x1 - x0, height: base - PAD_T }));
  };
  zone("mpl-hist-zone", lo, -24);
  zone("mpl-hist-sub", -24, -14);
  zone("mpl-hist-zone", F16_MAX_EXP, hi);

  const bw = (W - PAD_L - PAD_R) / (hi - lo);
  counts.forEach((c, i) => {
    if (c <= 0) return;
    const e = minExp + i;
    const bar = svg("rect", { class: "mpl-hist-bar", x: xOf(e), y: yOf(c), width: Math.max(0.5, bw - 0.5), height: base - yOf(c) });
    bar.dataset.exp = String(e);
    bar.dataset.count = String(c);
    root.appendChild(bar);
  });

  // where the values would be without the loss scale
  const shift = o.scale && o.scale > 0 ? Math.round(Math.log2(o.scale)) : 0;
  if (shift !== 0 && total > 0) {
    let d = "";
    counts.forEach((c, i) => {
      if (c <= 0) return;
      const e = minExp + i - shift;
      d += `M${xOf(e)},${base}V${yOf(c)}H${xOf(e + 1)}V${base}`;
    });
    root.appendChild(svg("path", { class: "mpl-hist-ghost", d }));
    const peak = counts.indexOf(max) + minExp + 0.5;
    const y = PAD_T + 4;
    const arrow = svg("path", { class: "mpl-hist-shift", d: `M${xOf(peak - shift)},${y}H${xOf(peak)}m-4,-3l4,3l-4,3` });
    root.appendChild(arrow);
    const label = svg("text", { x: xOf(peak - shift / 2), y: y - 3, "text-anchor": "middle" });
    label.textContent = `×${formatScale(o.scale!)}`;
    root.appendChild(label);
  }

  // the fp16 range lines
  for (const [e, text] of [[-24, "2^-24"], [-14, "2^-14"], [F16_MAX_EXP, "65504"]] as const) {
    if (e < lo || e > hi) continue;
    root.appendChild(svg("line", { class: "mpl-hist-line", x1: xOf(e), x2: xOf(e), y1: PAD_T - 2, y2: base }));
    const tx = svg("text", { x: xOf(e), y: H - 3, "text-anchor": "middle" });
    tx.textContent = text;
    root.appendChild(tx);
  }
  root.appendChild(svg("line", { class: "mpl-hist-line", x1: PAD_L, x2: W - PAD_R, y1: base, y2: base }));

  const el = h("figure", { class: "mpl-hist", attrs: { "data-hist": o.title } }, [
    h("figcaption", { class: "mpl-muted", text: o.title + (shift ? ` ×${formatScale(o.scale!)} (dashed: unscaled)` : "") }),
  ]);
  el.style.margin = "0";
  el.appendChild(root);
  return el;
}
