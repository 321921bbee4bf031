// Tensor statistics on the CPU: the reference for the WebGPU `observe` kernel.
import { HIST_BINS, HIST_MAX_EXP, HIST_MIN_EXP, type DType, type RawTensorStats } from "../backend.js";
import { subnormalLimit } from "../../numerics/dtype.js";

export function emptyStats(): RawTensorStats {
  return { count: 0, zero: 0, subnormal: 0, underflow: 0, overflow: 0, nan: 0, inf: 0, minAbs: Infinity, maxAbs: 0, hist: new Array(HIST_BINS).fill(0) };
}

/** Adds the statistics of x (stored as `dtype`) to s; `before` holds the pre-cast values. */
export function accumulateStats(s: RawTensorStats, x: Float32Array, dtype: DType, before?: Float32Array): void {
  const sub = subnormalLimit(dtype);
  s.count += x.length;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) { s.nan++; continue; }
    const a = Math.abs(v);
    if (a === Infinity) {
      s.inf++;
      if (before && Number.isFinite(before[i])) s.overflow++;
      continue;
    }
    if (a === 0) {
      s.zero++;
      if (before && before[i] !== 0 && Number.isFinite(before[i])) s.underflow++;
      continue;
    }
    if (a < sub) s.subnormal++;
    if (a < s.minAbs) s.minAbs = a;
    if (a > s.maxAbs) s.maxAbs = a;
    const e = Math.min(HIST_MAX_EXP, Math.max(HIST_MIN_EXP, Math.floor(Math.log2(a))));
    s.hist[e - HIST_MIN_EXP]++;
  }
}
