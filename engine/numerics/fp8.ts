// fp8: E4M3 and E5M2 ("FP8 Formats for Deep Learning", Micikevicius et al. 2022;
// the OCP 8-bit floating point spec; torch.float8_e4m3fn and torch.float8_e5m2).
//
//   e4m3: bias 7,  max 448,   min normal 2^-6,  min subnormal 2^-9,  no Inf, NaN only S.1111.111
//   e5m2: bias 15, max 57344, min normal 2^-14, min subnormal 2^-16, Inf and NaN as IEEE
//
// fp32 -> fp8 rounds to nearest, ties to even, on the fp32 bit pattern (integer
// arithmetic only, so the WGSL twin in engine/ops/quantize/fp8.wgsl is bit-identical). Values
// beyond the range:
//   saturating:     finite values -> ±max (the mode Transformer Engine casts with);
//   non-saturating: e4m3 -> NaN, e5m2 -> ±Inf (what a plain torch .to(float8) does).
// ±Inf and NaN inputs stay non-finite in both modes (e4m3 has no Inf: NaN), so a
// saturating cast never hides an overflow that already happened upstream.
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export type Fp8Format = "e4m3" | "e5m2";

export interface Fp8Spec {
  /** exponent bits, mantissa bits, exponent bias */
  ebits: number;
  mbits: number;
  bias: number;
  /** bit pattern (without sign) of the largest finite value */
  maxBits: number;
  max: number;
  minNormal: number;
  minSubnormal: number;
  /** what a finite overflow becomes in non-saturating mode, and a NaN (without sign) */
  overflowBits: number;
  nanBits: number;
}

export const FP8: Record<Fp8Format, Fp8Spec> = {
  e4m3: { ebits: 4, mbits: 3, bias: 7, maxBits: 0x7e, max: 448, minNormal: 2 ** -6, minSubnormal: 2 ** -9, overflowBits: 0x7f, nanBits: 0x7f },
  e5m2: { ebits: 5, mbits: 2, bias: 15, maxBits: 0x7b, max: 57344, minNormal: 2 ** -14, minSubnormal: 2 ** -16, overflowBits: 0x7c, nanBits: 0x7e },
};

/** fp32 value -> fp8 bit pattern (0..255). `x` is first rounded to fp32. */
export function fp8Bits(format: Fp8Format, x: number, saturate: boolean): number {
  const f = FP8[format];
  f32[0] = x;
  const b = u32[0];
  const s = (b >>> 24) & 0x80;
  const a = b & 0x7fffffff;
  if (a > 0x7f800000) return s | f.nanBits;
  if (a === 0x7f800000) return s | f.overflowBits; // Inf: e4m3 NaN, e5m2 Inf
  const emin = 1 - f.bias; // exponent of the smallest normal
  const sh = 23 - f.mbits; // fp32 mantissa bits dropped
  let q: number;
  if (a >= (127 + emin) << 23) {
    // normal in fp8: rebias the exponent, round off `sh` bits (a carry may bump the exponent)
    const r = a - ((127 - f.bias) << 23);
    q = (r + (1 << (sh - 1)) - 1 + ((r >>> sh) & 1)) >>> sh;
    if (q > f.maxBits) return s | (saturate ? f.maxBits : f.overflowBits);
  } else {
    // subnormal in fp8: value = m * 2^(e-150), unit 2^(emin - mbits): q = round(m >> k)
    const e = a >>> 23;
    if (e === 0) return s; // fp32 subnormals are far below half the smallest fp8 subnormal
    const k = 150 + emin - f.mbits - e;
    if (k >= 25) return s; // below half the smallest subnormal (m < 2^24)
    const m = (a & 0x7fffff) | 0x800000;
    q = m >>> k;
    const rem = m & ((1 << k) - 1), half = 1 << (k - 1);
    if (rem > half || (rem === half && (q & 1) === 1)) q++;
  }
  return s | q;
}

/** fp8 bit pattern -> its value (exact in fp32). */
export function fromFp8Bits(format: Fp8Format, bits: number): number {
  const f = FP8[format];
  const sign = bits & 0x80 ? -1 : 1;
  const e = (bits >> f.mbits) & ((1 << f.ebits) - 1);
  const m = bits & ((1 << f.mbits) - 1);
  if (format === "e4m3" && (bits & 0x7f) === 0x7f) return NaN;
  if (format === "e5m2" && e === 31) return m === 0 ? sign * Infinity : NaN;
  if (e === 0) return sign * m * 2 ** (1 - f.bias - f.mbits);
  return sign * (1 + m / (1 << f.mbits)) * 2 ** (e - f.bias);
}

/** Rounds to the nearest fp8 value (the round trip fp32 -> fp8 -> fp32). */
export function roundFp8(format: Fp8Format, x: number, saturate: boolean): number {
  return fromFp8Bits(format, fp8Bits(format, x, saturate));
}

/** Is this finite x beyond the format's range once rounded (saturated, or NaN/Inf without saturation)? */
export function overflowsFp8(format: Fp8Format, x: number): boolean {
  if (!Number.isFinite(x)) return false;
  return (fp8Bits(format, x, false) & 0x7f) === FP8[format].overflowBits;
}

/** max |x| in the order of fp32 bit patterns: NaN > Inf > finite (so a NaN anywhere gives NaN). */
export function amaxOf(x: Float32Array): number {
  let best = 0;
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  for (let i = 0; i < x.length; i++) {
    const a = bits[i] & 0x7fffffff;
    if (a > best) best = a;
  }
  u32[0] = best;
  return f32[0];
}
