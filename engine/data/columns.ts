// Per-column facts of a data set, computed on the host over every row (the data is in
// memory as fp32 before it is uploaded, so this is exact and the same on every backend):
// the moments normalisation needs, and what a cast of each value into fp16, bf16 and
// fp8 E4M3 would do to it.
import { BF16_MAX, BF16_MIN_NORMAL, BF16_MIN_SUBNORMAL } from "../numerics/bfloat16.js";
import { F16_MAX, F16_MIN_NORMAL, F16_MIN_SUBNORMAL } from "../numerics/float16.js";
import { FP8 } from "../numerics/fp8.js";
import { currentScale } from "../numerics/fp8Scaling.js";

/** fp64 statistics of one column's fp32 values (population std, as sklearn's StandardScaler). */
export interface ColumnMoments {
  min: number;
  max: number;
  mean: number;
  std: number;
}

/** Moments of each column of row-major `values` [rows, width]: two passes (mean, then spread). */
export function columnMoments(values: Float32Array, width: number): ColumnMoments[] {
  const rows = values.length / width;
  const out: ColumnMoments[] = [];
  for (let c = 0; c < width; c++) {
    let min = Infinity, max = -Infinity, sum = 0;
    for (let i = c; i < values.length; i += width) {
      const v = values[i];
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    const mean = sum / rows;
    let ss = 0;
    for (let i = c; i < values.length; i += width) {
      const d = values[i] - mean;
      ss += d * d;
    }
    out.push({ min, max, mean, std: Math.sqrt(ss / rows) });
  }
  return out;
}

/**
 * Where round-to-nearest-even sends a magnitude, per format: to ±Inf from `overflowAt` up
 * (the largest finite value plus half its spacing: the tie rounds to the even pattern,
 * which is Inf), to zero at or below `zeroAtOrBelow` (half the smallest subnormal: the
 * tie rounds to the even pattern, zero), to a subnormal below `subnormalBelow`.
 */
export const CAST_LIMITS = {
  fp16: { overflowAt: F16_MAX + 2 ** 4, zeroAtOrBelow: F16_MIN_SUBNORMAL / 2, subnormalBelow: F16_MIN_NORMAL - F16_MIN_SUBNORMAL / 2 },
  bf16: { overflowAt: BF16_MAX + 2 ** 119, zeroAtOrBelow: BF16_MIN_SUBNORMAL / 2, subnormalBelow: BF16_MIN_NORMAL - BF16_MIN_SUBNORMAL / 2 },
} as const;

export interface CastShares {
  /** shares of the column's values (0..1) that become ±Inf / zero (from nonzero) / subnormal */
  overflow: number;
  underflow: number;
  subnormal: number;
}

export interface ColumnCasts {
  /** smallest nonzero and largest magnitude (null: the column is all zeros) */
  smallest: number | null;
  largest: number;
  fp16: CastShares;
  bf16: CastShares;
  /**
   * fp8 E4M3 with one scale for the whole table (its amax -> 448, current scaling): the
   * share flushed to zero. A batch's own scale is never smaller, so this is an upper bound.
   */
  e4m3Flushed: number;
}

/** What casting each column of `values` [rows, width] would do. */
export function columnCasts(values: Float32Array, width: number): ColumnCasts[] {
  const rows = values.length / width;
  let amax = 0;
  for (let i = 0; i < values.length; i++) amax = Math.max(amax, Math.abs(values[i]));
  const s = currentScale("e4m3", amax), fp8Zero = FP8.e4m3.minSubnormal / 2;
  const shares = (o: number, u: number, sub: number): CastShares => ({ overflow: o / rows, underflow: u / rows, subnormal: sub / rows });
  const out: ColumnCasts[] = [];
  for (let c = 0; c < width; c++) {
    let smallest = Infinity, largest = 0, flushed = 0;
    const n = { fp16: [0, 0, 0], bf16: [0, 0, 0] };
    for (let i = c; i < values.length; i += width) {
      const a = Math.abs(values[i]);
      if (a === 0) continue;
      if (a < smallest) smallest = a;
      if (a > largest) largest = a;
      for (const f of ["fp16", "bf16"] as const) {
        const L = CAST_LIMITS[f], k = n[f];
        if (a >= L.overflowAt) k[0]++;
        else if (a <= L.zeroAtOrBelow) k[1]++;
        else if (a < L.subnormalBelow) k[2]++;
      }
      if (Math.abs(Math.fround(a * s)) <= fp8Zero) flushed++;
    }
    out.push({
      smallest: smallest === Infinity ? null : smallest,
      largest,
      fp16: shares(n.fp16[0], n.fp16[1], n.fp16[2]),
      bf16: shares(n.bf16[0], n.bf16[1], n.bf16[2]),
      e4m3Flushed: flushed / rows,
    });
  }
  return out;
}
