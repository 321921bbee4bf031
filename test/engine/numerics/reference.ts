// Test helpers: a seeded generator and rounding to a binary floating-point format
// written from the definition in fp64 (every step below is exact in fp64 for the
// formats tested: fp16 and bf16 grids are coarser than fp64's).

/** Seeded 32-bit generator (mulberry32): returns uint32 values. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
export function f32FromBits(bits: number): number {
  u32[0] = bits >>> 0;
  return f32[0];
}

export interface Format {
  /** exponent of the smallest normal number */
  minNormalExp: number;
  /** fraction bits */
  mantissaBits: number;
  /** largest finite value */
  max: number;
}

/**
 * Round x to the format: find the two neighbouring representable values on the
 * grid of x's binade (subnormal grid below the min normal), pick the nearer, on a
 * tie the one with an even integer significand; beyond max -> ±Inf; NaN -> NaN.
 */
export function roundToGrid(x: number, f: Format): number {
  if (Number.isNaN(x)) return NaN;
  if (!Number.isFinite(x)) return x;
  const sign = x < 0 || Object.is(x, -0) ? -1 : 1;
  const a = Math.abs(x);
  // binade exponent by comparison (no log2 rounding doubts)
  let e = f.minNormalExp;
  while (2 ** (e + 1) <= a) e++;
  const ulp = 2 ** (e - f.mantissaBits); // the subnormal grid equals the min normal binade's grid
  const k = Math.floor(a / ulp); // a / ulp is exact (power-of-two divisor)
  const lo = k * ulp, hi = (k + 1) * ulp;
  let r: number;
  if (a - lo < hi - a) r = lo;
  else if (a - lo > hi - a) r = hi;
  else r = k % 2 === 0 ? lo : hi;
  if (r > f.max) return sign * Infinity;
  return sign * r;
}
