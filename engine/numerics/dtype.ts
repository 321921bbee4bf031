// Rounding and classification by storage dtype.
import type { DType } from "../backend/backend.js";
import { BF16_MIN_NORMAL } from "./bfloat16.js";
import { roundBf16 } from "./bfloat16.js";
import { F16_MIN_NORMAL, roundF16 } from "./float16.js";

export const BYTES: Record<DType, number> = { f32: 4, f16: 2, bf16: 2 };

/** Rounds an fp32 value to `dtype`. */
export function roundTo(dtype: DType, x: number): number {
  return dtype === "f16" ? roundF16(x) : dtype === "bf16" ? roundBf16(x) : Math.fround(x);
}

/**
 * Magnitude below which a value is "subnormal" in the statistics: the fp16 range
 * for f16 and f32 tensors (an f32 value there would be subnormal once cast to
 * fp16), the bf16 range for bf16.
 */
export function subnormalLimit(dtype: DType): number {
  return dtype === "bf16" ? BF16_MIN_NORMAL : F16_MIN_NORMAL;
}

export type ValueClass = "zero" | "subnormal" | "normal" | "inf" | "nan";

export function classify(dtype: DType, x: number): ValueClass {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return "inf";
  if (x === 0) return "zero";
  return Math.abs(x) < subnormalLimit(dtype) ? "subnormal" : "normal";
}
