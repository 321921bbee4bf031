// Exponent histogram of one tensor (counts of floor(log2|x|)) with the fp16 range
// drawn on it: 2^-24 (smallest subnormal: below it values flush to zero), 2^-14
// (smallest normal) and 65504 (largest finite). For gradients of a loss-scaled run a
// dashed outline shows where the values would sit without the scale, and an arrow how
// far the scale moved them: the picture of the mixed-precision paper's gradient histogram.
// A saved run can hold any histogram: the bins drawn are bounded to fp32's exponents (no
// tensor value lies outside them), the counts beyond added to the end bins, with a note.
import type { TensorStats } from "../../engine/train/runResult.js";
import { h, svg } from "./dom.js";
import { formatScale } from "./format.js";

const W = 240, H = 100, PAD_L = 4, PAD_R = 4, PAD_T = 14, PAD_B = 14;
const F16_MAX_EXP = Math.log2(65504);

/** fp32's exponents, subnormals included: a tensor stored in f32, f16 or bf16 has no value outside them. */
export const HIST_MIN_EXP = -149, HIST_MAX_EXP = 127;

export interface DrawnBins {
  minExp: number;
  counts: number[];
  /** what was changed to draw it, or null */
  note: string | null;
}

const count = (n: number) => n.toLocaleString("en-US");

/** The bins to draw: within fp32's exponents, the counts beyond added to the end bins; a count that is not a finite number >= 0 drawn as 0. */
export function drawnBins(hist: TensorStats["histogram"]): DrawnBins {
  const { minExp, counts } = hist;
  const lo = Math.min(HIST_MAX_EXP, Math.max(HIST_MIN_EXP, minExp));
  const hi = Math.max(lo, Math.min(HIST_MAX_EXP, minExp + counts.length - 1));
  const out = new Array<number>(hi - lo + 1).fill(0);
  let bad = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (!(Number.isFinite(c) && c >= 0)) {
      bad++;
      continue;
    }
    out[Math.min(hi, Math.max(lo, minExp + i)) - lo] += c;
  }
  const notes: string[] = [];
  if (counts.length > out.length) notes.push(`histogram with ${count(counts.length)} bins: drawn as ${count(out.length)}, the counts outside 2^${HIST_MIN_EXP}..2^${HIST_MAX_EXP} (fp32's range) added to the end bins`);
  if (bad) notes.push(`${count(bad)} counts that are not finite numbers >= 0 drawn as 0`);
  return { minExp: lo, counts: counts.length ? out : [], note: notes.length ? notes.join("; ") : null };
}

export interface HistogramOptions {
  title: string;
  /** the loss scale that multiplied this tensor's values (1 when none) */
  scale?: number;
  /** x range shared by all histograms of a run, in exponents */
  minExp: number;
  maxExp: number;
  /** the tensor's drawnBins, when the caller has them already */
  bins?: DrawnBins;
}

export function renderHistogram(t: TensorStats, o: HistogramOptions): HTMLElement {
  const bins = o.bins ?? drawnBins(t.histogram);
  const { minExp, counts } = bins;
  const lo = o.minExp, hi = o.maxExp + 1; // bins are [e, e+1)
  const xOf = (e: number) => PAD_L + ((e - lo) / (hi - lo)) * (W - PAD_L - PAD_R);
  const base = H - PAD_B;
  let max = 1;
  for (const c of counts) if (c > max) max = c;
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
  if (bins.note) el.appendChild(h("p", { class: "mpl-muted mpl-note", text: bins.note, attrs: { "data-note": "" } }));
  return el;
}
