// The arithmetic of "which loss scales keep a tensor inside fp16", and
// histogram helpers over TensorStats' exponent histogram.
import { F16_MAX, F16_MIN_SUBNORMAL } from "../numerics/float16.js";
import type { TensorStats } from "../train/runResult.js";
import type { ScaleWindow } from "./report.js";

export const pow2Floor = (x: number) => 2 ** Math.floor(Math.log2(x));
export const pow2Ceil = (x: number) => 2 ** Math.ceil(Math.log2(x));

/**
 * Powers of two S with smallest·S >= 2^-24 (the smallest fp16 subnormal) and
 * largest·S·headroom <= 65504. Empty (min > max) when the magnitudes span more
 * than fp16's range minus the headroom.
 */
export function scaleWindow(smallest: number, largest: number, headroom: number): ScaleWindow {
  return { min: pow2Ceil(F16_MIN_SUBNORMAL / smallest), max: pow2Floor(F16_MAX / (headroom * largest)) };
}

export const isEmpty = (w: ScaleWindow) => w.min > w.max;

export function intersect(a: ScaleWindow | null, b: ScaleWindow): ScaleWindow {
  return a ? { min: Math.max(a.min, b.min), max: Math.min(a.max, b.max) } : { ...b };
}

/** Share of finite nonzero values with floor(log2|x|) in [lo, hi] (of all `count` values). */
export function histShare(s: TensorStats, lo: number, hi: number): number {
  if (!s.count) return 0;
  let n = 0;
  s.histogram.counts.forEach((c, i) => {
    const e = s.histogram.minExp + i;
    if (e >= lo && e <= hi) n += c;
  });
  return n / s.count;
}

/** The exponent bin below which a share `q` of the histogram's values lie (the q-quantile's floor(log2)). */
export function histQuantileExp(s: TensorStats, q: number): number | null {
  const total = s.histogram.counts.reduce((a, b) => a + b, 0);
  if (!total) return null;
  let acc = 0;
  for (let i = 0; i < s.histogram.counts.length; i++) {
    acc += s.histogram.counts[i];
    if (acc >= q * total) return s.histogram.minExp + i;
  }
  return s.histogram.minExp + s.histogram.counts.length - 1;
}

/** A power-of-two as text: 2^14 (16384). */
export function fmtPow2(x: number): string {
  const e = Math.log2(x);
  if (!Number.isFinite(e) || !Number.isInteger(e)) return String(x);
  return e >= 0 && e <= 20 ? `2^${e} (${x})` : `2^${e}`;
}
