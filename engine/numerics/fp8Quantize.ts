// The fp8 cast of a training tensor, as every backend computes it (the CPU backend
// calls this; engine/ops/quantize/fp8Quantize.wgsl is its twin, tested bit for bit):
//   s  = the scale (given, or from this tensor's amax: see fp8Scaling.ts)
//   q  = fp8(fl(x · s))            round to nearest even, saturating or not
//   x̂  = fl(q · fl(1/s))           what the matmul reads (fp32, exact q, one rounding)
// and the tensor's record: amax (max |x| in bit order: NaN > Inf > finite), the scale
// used, how many finite values saturated (beyond the fp8 range after scaling), how
// many nonzero finite values were flushed to zero.
import { amaxOf, FP8, fp8Bits, fromFp8Bits, type Fp8Format } from "./fp8.js";
import { blockScale, currentScale, MX_BLOCK } from "./fp8Scaling.js";

export type Fp8Scaling = "tensor" | "current" | "block";

export interface Fp8Cast {
  format: Fp8Format;
  saturate: boolean;
  /** tensor: multiply by `scale`; current: fp8_max / amax of x; block: 2^-X per 32 values */
  scaling: Fp8Scaling;
  /** the scale of "tensor" scaling (ignored otherwise) */
  scale: number;
}

export interface Fp8Record {
  amax: number;
  /** the scale used ("block": the scale of the block holding the amax) */
  scale: number;
  saturated: number;
  flushed: number;
}

/** Words of one tensor's record in a backend's record tensor. */
export const FP8_RECORD_WORDS = 4;

/** out[i] = x̂_i (see above); returns the record. `codes`, when given, receives the fp8 bit patterns. */
export function quantizeFp8(out: Float32Array, x: Float32Array, c: Fp8Cast, codes?: Uint8Array): Fp8Record {
  const amax = amaxOf(x);
  let saturated = 0, flushed = 0;
  const tensorScale = c.scaling === "tensor" ? Math.fround(c.scale) : c.scaling === "current" ? currentScale(c.format, amax) : blockScale(c.format, amax);
  const block = c.scaling === "block" ? MX_BLOCK : x.length;
  for (let start = 0; start < x.length; start += block) {
    const end = Math.min(x.length, start + block);
    const s = c.scaling === "block" ? blockScale(c.format, amaxOf(x.subarray(start, end))) : tensorScale;
    const inv = Math.fround(1 / s);
    for (let i = start; i < end; i++) {
      const v = x[i], y = Math.fround(v * s);
      const bits = fp8Bits(c.format, y, c.saturate);
      if (codes) codes[i] = bits;
      const q = fromFp8Bits(c.format, bits);
      if (Number.isFinite(v)) {
        if (overflowed(c.format, y)) saturated++;
        if (v !== 0 && q === 0) flushed++;
      }
      out[i] = Math.fround(q * inv);
    }
  }
  return { amax, scale: tensorScale, saturated, flushed };
}

/** Finite x·s beyond the format's rounding range (becomes ±max or the overflow value). */
function overflowed(format: Fp8Format, y: number): boolean {
  return !Number.isFinite(y) || (fp8Bits(format, y, false) & 0x7f) === FP8[format].overflowBits;
}
